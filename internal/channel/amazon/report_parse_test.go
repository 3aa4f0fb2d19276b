package amazon

import (
	"testing"
	"time"
)

func TestReportTimeReadsTheMarketplaceZone(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2024-03-11 13:16:24 PST":   time.Date(2024, 3, 11, 21, 16, 24, 0, time.UTC),
		"2024-07-01 10:00:00 CEST":  time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC),
		"2024-07-01T10:00:00+09:00": time.Date(2024, 7, 1, 1, 0, 0, 0, time.UTC),
		"yesterday":                 {},
	} {
		if got := reportTime(in); !got.Equal(want) {
			t.Errorf("reportTime(%q) = %v, want %v", in, got, want)
		}
	}
}
