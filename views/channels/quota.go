package channels

import (
	"time"

	"stocksync/views/components"
)

// QuotaSection is what the channel page shows of the channel's call
// limits. The zero value shows nothing: channels without a daily budget
// that neither throttle us nor keep stock waiting have no such section.
type QuotaSection struct {
	// The day's budget: Label ("Etsy calls today"), Used of Limit, counted
	// over Window ("rolling 24 h"); Limit 0 when the channel reports none.
	// ResetsAt is when a spent budget comes back, AsOf when it was read.
	Label, Window string
	Used, Limit   int
	ResetsAt      *time.Time
	AsOf          *time.Time
	// ThrottledUntil: the channel asked us to wait until then (HTTP 429).
	ThrottledUntil *time.Time
	// Waiting listings were refused for the quota and go again from
	// NextTry; Reason is the channel's refusal of the first. Listings are
	// the first of them.
	Waiting  int
	NextTry  *time.Time
	Reason   string
	Listings []QuotaWaitingListing
}

// QuotaWaitingListing is a listing whose stock waits for the quota.
type QuotaWaitingListing struct {
	ID      int64
	Label   string
	RetryAt time.Time
}

func (q QuotaSection) shown() bool { return q.Limit > 0 || q.ThrottledUntil != nil || q.Waiting > 0 }

// clock is a time of day to the second, for waits measured in seconds.
func clock(t time.Time) string { return t.Local().Format("15:04:05") }

// about is the phrase with the time, or nothing when there is no time.
func about(phrase string, t *time.Time) string {
	if t == nil {
		return ""
	}
	return phrase + components.When(*t)
}
