package fake

import (
	"net/http"
	"strconv"
	"time"
)

// callWindow counts calls against the per-second limit (a fixed window
// per wall-clock second) and the per-day one (a rolling 24 hours).
type callWindow struct {
	second      time.Time
	inSecond    int
	day         []time.Time // calls in the last 24 hours, oldest first
	dayOverride *int        // SetRemainingToday
}

// countCall admits one call or answers 429, and sends the limit headers.
func (s *Server) countCall(w http.ResponseWriter) bool {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &s.calls
	if sec := now.Truncate(time.Second); !sec.Equal(c.second) {
		c.second, c.inSecond = sec, 0
	}
	cut := 0
	for cut < len(c.day) && !c.day[cut].After(now.Add(-24*time.Hour)) {
		cut++
	}
	c.day = c.day[cut:]
	usedToday := len(c.day)
	if c.dayOverride != nil {
		usedToday = s.opts.PerDay - *c.dayOverride
	}
	if usedToday >= s.opts.PerDay {
		wait := time.Hour
		if len(c.day) > 0 {
			wait = c.day[0].Add(24 * time.Hour).Sub(now)
		}
		s.setLimitHeaders(w, s.opts.PerSecond-c.inSecond, 0)
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		writeError(w, http.StatusTooManyRequests, "You have exceeded your quota of "+strconv.Itoa(s.opts.PerDay)+" requests per day.")
		return false
	}
	if c.inSecond >= s.opts.PerSecond {
		s.setLimitHeaders(w, 0, s.opts.PerDay-usedToday)
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "You have exceeded your quota of "+strconv.Itoa(s.opts.PerSecond)+" requests per second.")
		return false
	}
	c.inSecond++
	c.day = append(c.day, now)
	if c.dayOverride != nil {
		*c.dayOverride--
	}
	s.setLimitHeaders(w, s.opts.PerSecond-c.inSecond, s.opts.PerDay-usedToday-1)
	return true
}

// setLimitHeaders sends Etsy's rate-limit headers; a negative remaining
// count is left out.
func (s *Server) setLimitHeaders(w http.ResponseWriter, second, today int) {
	h := w.Header()
	h.Set("x-limit-per-second", strconv.Itoa(s.opts.PerSecond))
	h.Set("x-limit-per-day", strconv.Itoa(s.opts.PerDay))
	if second >= 0 {
		h.Set("x-remaining-this-second", strconv.Itoa(second))
	}
	if today >= 0 {
		h.Set("x-remaining-today", strconv.Itoa(today))
	}
}

// SetRemainingToday leaves n calls in the day's budget, as if the app had
// spent the rest elsewhere; ResetDay gives them back.
func (s *Server) SetRemainingToday(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls.dayOverride = &n
}

// ResetDay gives the app its whole day's budget back.
func (s *Server) ResetDay() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls.day, s.calls.dayOverride = nil, nil
}
