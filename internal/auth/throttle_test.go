package auth

import (
	"testing"
	"time"
)

func TestPairWaitDoublesUpToTheCap(t *testing.T) {
	th := Throttle{PairFree: 3, PairDelay: 2 * time.Second, PairMaxDelay: 15 * time.Minute}
	for n, want := range map[int]time.Duration{
		0: 0, 2: 0, 3: 2 * time.Second, 4: 4 * time.Second, 5: 8 * time.Second,
		11: 512 * time.Second, 12: 15 * time.Minute, 500: 15 * time.Minute,
	} {
		if got := th.PairWait(n); got != want {
			t.Errorf("PairWait(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestBlockedUntilTakesTheLaterLimitAndSparesKnownDevices(t *testing.T) {
	th := DefaultThrottle
	now := time.Now()
	f := FailureCounts{ByPair: 3, LastByPair: now, ByIP: th.MaxPerIP, OldestByIP: now.Add(-time.Minute)}
	if got, want := th.BlockedUntil(f, false), now.Add(-time.Minute).Add(th.Window); !got.Equal(want) {
		t.Errorf("blocked until %s, want the address limit's %s", got, want)
	}
	f.ByIP = th.MaxPerIP - 1
	if got, want := th.BlockedUntil(f, false), now.Add(th.PairDelay); !got.Equal(want) {
		t.Errorf("blocked until %s, want the pair's %s", got, want)
	}
	if got := th.BlockedUntil(f, true); !got.IsZero() {
		t.Errorf("a known device is blocked until %s", got)
	}
}
