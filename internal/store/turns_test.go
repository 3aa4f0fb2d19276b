package store

import (
	"context"
	"errors"
	"runtime"
	"testing"
)

// A read that finds every turn taken waits for one, and gives up when its
// request ends; a turn given back is taken by the next.
func TestTurnsWaitForARelease(t *testing.T) {
	tn := make(turns, 2)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := tn.take(ctx); err != nil {
			t.Fatalf("turn %d: %v", i, err)
		}
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if err := tn.take(gone); !errors.Is(err, context.Canceled) {
		t.Fatalf("a third read with both turns taken: %v, want it to wait until its request ends", err)
	}
	tn.release()
	got := make(chan error, 1)
	go func() { got <- tn.take(ctx) }()
	if err := <-got; err != nil {
		t.Fatalf("the turn given back: %v", err)
	}
	if len(tn) != 2 {
		t.Fatalf("%d turns taken, want 2", len(tn))
	}
}

// Turns are as many as the cores and one more.
func TestReadTurnsAreMoreThanTheCores(t *testing.T) {
	if n, want := cap(readTurns()), runtime.NumCPU()+1; n != want {
		t.Fatalf("%d read turns, want %d", n, want)
	}
}

// A process whose database has cores of its own is given its turns; a
// number below one keeps the default.
func TestSetHeavyReads(t *testing.T) {
	s := &Store{heavy: readTurns()}
	s.SetHeavyReads(0)
	if cap(s.heavy) != runtime.NumCPU()+1 {
		t.Fatalf("0 changed the turns to %d", cap(s.heavy))
	}
	s.SetHeavyReads(9)
	if cap(s.heavy) != 9 {
		t.Fatalf("%d turns, want 9", cap(s.heavy))
	}
}
