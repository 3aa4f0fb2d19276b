package channelsync_test

import (
	"context"
	"testing"
	"time"
)

// A push waiting for its channel's other push holds no pool connection
// while it waits: the push it waits for, and every document, need the
// pool. Here the pool has two connections and another session holds the
// channel's push lock on one of them.
func TestAWaitingPushHoldsNoConnection(t *testing.T) {
	f := newOrderShop(t)
	f.sync()
	f.receive(f.mugItem, 5) // the mug's listing is marked: the shop should show 15
	ctx := context.Background()
	f.st.DB.SetMaxOpenConns(2)
	other, err := f.st.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext('stock_push'), $1::int)`, f.ch); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- f.svc.Push(ctx, f.ch, "change", 9) }()
	time.Sleep(300 * time.Millisecond) // the push is waiting by now
	select {
	case err := <-done:
		t.Fatalf("the push did not wait for the other one: %v", err)
	default:
	}
	wait, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var one int
	if err := f.st.DB.QueryRowContext(wait, `SELECT 1`).Scan(&one); err != nil {
		t.Fatalf("the pool's other connection is held by the waiting push: %v", err)
	}
	if _, err := other.ExecContext(ctx, `SELECT pg_advisory_unlock(hashtext('stock_push'), $1::int)`, f.ch); err != nil {
		t.Fatal(err)
	}
	other.Close() // the other push ends: its connection goes back to the pool
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the push did not go once the other one ended")
	}
	if got := f.shown(f.mug.ID); got != 15 {
		t.Fatalf("the shop shows %d, want 15", got)
	}
}
