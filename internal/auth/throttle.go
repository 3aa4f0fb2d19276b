package auth

import "time"

// Throttle is the sign-in policy against password guessing. Nothing in it
// keys on an account alone, so guessing at someone's account never locks
// them out from elsewhere; and the per-address limit sits far above what a
// team sharing one address (an office NAT, a proxy) ever reaches.
type Throttle struct {
	// PairFree failures of one account from one address within PairWindow
	// cost nothing; after that each attempt waits, from PairDelay doubling
	// with every further failure up to PairMaxDelay.
	PairWindow   time.Duration
	PairFree     int
	PairDelay    time.Duration
	PairMaxDelay time.Duration
	// MaxPerIP failures from one address within Window, whatever the
	// accounts, block new browsers at that address until the oldest counted
	// failure leaves the window.
	Window   time.Duration
	MaxPerIP int
}

// DefaultThrottle lets a person mistype three times, then answers a guesser
// at one account about four times an hour once the delay has grown; an
// address is stopped after 300 failures in a quarter hour.
var DefaultThrottle = Throttle{
	PairWindow: 24 * time.Hour, PairFree: 3, PairDelay: 2 * time.Second, PairMaxDelay: 15 * time.Minute,
	Window: 15 * time.Minute, MaxPerIP: 300,
}

// FailureCounts is what the store reports about recent failures.
type FailureCounts struct {
	ByPair     int
	LastByPair time.Time
	ByIP       int
	// OldestByIP is the failure whose expiry lifts the address block (the
	// MaxPerIP-th newest).
	OldestByIP time.Time
}

// PairWait is how long after the last of n failures the pair may try again.
func (t Throttle) PairWait(n int) time.Duration {
	if n < t.PairFree {
		return 0
	}
	d := t.PairDelay
	for i := t.PairFree; i < n && d < t.PairMaxDelay; i++ {
		d *= 2
	}
	return min(d, t.PairMaxDelay)
}

// BlockedUntil returns the time sign-in is allowed again, or zero when it is
// allowed now. A known device (a browser that signed in to this account
// before and has not failed since) is exempt: the person at it has shown
// they know the password, and a guesser elsewhere must not shut them out.
func (t Throttle) BlockedUntil(f FailureCounts, knownDevice bool) time.Time {
	if knownDevice {
		return time.Time{}
	}
	var until time.Time
	if w := t.PairWait(f.ByPair); w > 0 {
		until = f.LastByPair.Add(w)
	}
	if f.ByIP >= t.MaxPerIP {
		if u := f.OldestByIP.Add(t.Window); u.After(until) {
			until = u
		}
	}
	return until
}
