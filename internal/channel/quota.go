package channel

import "time"

// QuotaStatus is a channel's daily call budget as its connector last saw
// it, for the channel's page: "Etsy calls today: 7,412 of 10,000 (rolling
// 24 h)".
type QuotaStatus struct {
	// Label names what is counted, in the channel's words: "Etsy calls today".
	Label string
	// Window says how the day is counted: "rolling 24 h", "Pacific day".
	Window                 string
	UsedToday, LimitPerDay int
	// ResetsAt is when calls come back to a spent budget; zero while some
	// are left or when the channel does not say.
	ResetsAt time.Time
	// ObservedAt is when the channel last reported the numbers: the newest
	// report wins when several server processes call one channel.
	ObservedAt time.Time
}

// QuotaReporter is implemented by connectors of channels that count calls
// against a daily budget and report it (Etsy's x-remaining-today). ok is
// false until an answer has told the connector.
type QuotaReporter interface {
	QuotaStatus() (status QuotaStatus, ok bool)
}

// Quota finds the QuotaReporter behind c, through the wrapping a Kind
// adds to the connector it builds.
func Quota(c Connector) (QuotaReporter, bool) {
	for {
		if r, ok := c.(QuotaReporter); ok {
			return r, true
		}
		w, ok := c.(interface{ Unwrap() Connector })
		if !ok {
			return nil, false
		}
		c = w.Unwrap()
	}
}
