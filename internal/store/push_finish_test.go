package store_test

import (
	"context"
	"testing"
	"time"

	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
)

// FinishPush holds the lock documents wait for; it must need no pool
// connection but its own. Documents blocked on that lock hold pool
// connections, and a FinishPush that asked the pool for one more once they
// held them all waited for them while they waited for it: every document
// hung. Here the pool has one connection, the push's own.
func TestFinishPushNeedsNoConnectionButItsOwn(t *testing.T) {
	st := testdb.New(t)
	ctx := context.Background()
	ch, err := st.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Shop", Credentials: []byte{1}})
	if err != nil {
		t.Fatal(err)
	}
	st.DB.SetMaxOpenConns(1)
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	done, err := st.FinishPush(wait, conn, ch)
	if err != nil || !done {
		t.Fatalf("FinishPush with the pool's only connection: done %v, %v (a wait for a second connection times out)", done, err)
	}
	var held int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`).Scan(&held); err != nil || held != 0 {
		t.Fatalf("advisory locks left on the push's session: %d (%v)", held, err)
	}
}
