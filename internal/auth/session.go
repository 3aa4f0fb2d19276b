package auth

import "time"

// Session is one signed-in browser. The cookie carries only its ID; the
// database row is what makes it valid, so ending a session works on every
// instance at once.
type Session struct {
	ID     string
	User   User
	SeenAt time.Time
}

// touchEvery bounds how often use of a session is written back: idle expiry
// is measured in hours, so a minute's imprecision costs nothing and saves a
// write on almost every request.
const touchEvery = time.Minute

// IdleFor reports whether the session has gone unused longer than limit.
func (s Session) IdleFor(now time.Time, limit time.Duration) bool {
	return now.Sub(s.SeenAt) > limit
}

// NeedsTouch reports whether this use should be recorded.
func (s Session) NeedsTouch(now time.Time) bool {
	return now.Sub(s.SeenAt) > touchEvery
}
