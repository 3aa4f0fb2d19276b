package fake

import (
	"strconv"
	"time"
)

type limit struct {
	rate  float64
	burst int
}

// limits are the documented usage plans of the operations the fake serves.
var limits = map[string]limit{
	"searchListingsItems": {5, 5},
	"patchListingsItem":   {5, 5},
	"getOrders":           {0.0167, 20},
	"getOrderItems":       {0.5, 30},
	"createReport":        {0.0167, 15},
	"getReport":           {2, 15},
	"getReportDocument":   {0.0167, 15},
	"createFeedDocument":  {0.5, 15},
	"createFeed":          {0.0083, 15},
	"getFeed":             {2, 15},
	"getFeedDocument":     {0.0222, 10},
}

// bucket is a token bucket on the fake's clock.
type bucket struct {
	tokens float64
	at     time.Time
}

// take spends one call of op, or says the bucket is empty.
func (s *Server) take(op string, l limit) bool {
	if s.opts.Fast {
		return true
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[op]
	if b == nil {
		b = &bucket{tokens: float64(l.burst), at: now}
		s.buckets[op] = b
	}
	b.tokens = min(float64(l.burst), b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	// A hair of slack absorbs clock rounding between client and fake.
	if b.tokens < 1-1e-6 {
		return false
	}
	b.tokens--
	return true
}

func formatRate(r float64) string { return strconv.FormatFloat(r, 'f', -1, 64) }
