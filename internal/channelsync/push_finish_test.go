package channelsync_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"stocksync/internal/testkit/shopifytap"
)

// A change made while a push runs does not enqueue another push: it sees
// the running one queued and leaves its marks to it. So that push must not
// end while such a change is still committing, or the marks would wait for
// the sweep. One job carries both items' quantities.
func TestAPushDoesNotEndWhileAChangeThatSawItRunningCommits(t *testing.T) {
	r := newPushRig(t, 2, 1)
	sh := r.shops[0]
	inside, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	t.Cleanup(free)
	hold := make(chan bool, 1)
	r.st.SetAvailabilityHook(func(ctx context.Context, _ *sqlx.Tx, _ []int64) error {
		select {
		case <-hold:
			close(inside)
			<-release
		default:
		}
		return nil
	})
	r.worker(r.st, r.svc, 0)
	sh.tap.HoldNext(1, shopifytap.BeforeApply)
	r.receive(r.st, 0, 5) // 15
	eventually(t, 10*time.Second, func() string { return "the push's call never reached the shop" }, held(sh.tap, 1))

	// While the push is in its call, a receive of the other item commits
	// only when released; it found the push queued, so it enqueued nothing.
	hold <- true
	done := make(chan struct{})
	go func() { defer close(done); r.receive(r.st, 1, 3) }() // 13
	<-inside
	sh.tap.Release()
	eventually(t, 10*time.Second, func() string { return "15 was never recorded as shown" }, func() bool {
		var pushed *int
		r.st.DB.Get(&pushed, `SELECT pushed_quantity FROM channel_items WHERE channel_id = $1 AND sku = 'SKU-0'`, sh.ch)
		return pushed != nil && *pushed == 15
	})
	time.Sleep(300 * time.Millisecond) // the push has nothing it can see left to send
	var state string
	r.st.DB.Get(&state, `SELECT state FROM river_job WHERE kind = 'stock_push' ORDER BY id LIMIT 1`)
	if state != "running" {
		t.Fatalf("the push is %s while a change that saw it queued is still committing; want it still running", state)
	}
	free()
	<-done
	r.allShown(15 * time.Second)
	for i, want := range []int{15, 13} {
		if got := sh.tap.Sent()[sh.listings[i].InventoryItemID]; !slices.Equal(got, []int{want}) {
			t.Fatalf("the shop was sent %v for item %d, want %d once", got, i, want)
		}
	}
	var jobs int
	r.st.DB.Get(&jobs, `SELECT count(*) FROM river_job WHERE kind = 'stock_push'`)
	if jobs != 1 {
		t.Fatalf("%d push jobs for two changes made while one push ran, want 1", jobs)
	}
}
