package auth

import "time"

// Throttle is the sign-in lock-out policy: after Max failures inside Window
// for one e-mail (or MaxPerIP for one client address) further attempts are
// refused until the oldest counted failure leaves the window.
type Throttle struct {
	Window   time.Duration
	Max      int
	MaxPerIP int
}

var DefaultThrottle = Throttle{Window: 15 * time.Minute, Max: 5, MaxPerIP: 30}

// FailureCounts is what the store reports about recent failures.
type FailureCounts struct {
	ByEmail       int
	OldestByEmail time.Time
	ByIP          int
	OldestByIP    time.Time
}

// BlockedUntil returns the time sign-in is allowed again, or zero when it is
// allowed now.
func (t Throttle) BlockedUntil(f FailureCounts) time.Time {
	var until time.Time
	if f.ByEmail >= t.Max {
		until = f.OldestByEmail.Add(t.Window)
	}
	if f.ByIP >= t.MaxPerIP {
		if u := f.OldestByIP.Add(t.Window); u.After(until) {
			until = u
		}
	}
	return until
}
