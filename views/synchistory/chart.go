package synchistory

import (
	"fmt"
	"slices"

	"stocksync/internal/syncrun"
)

// Bar is one run in the chart of a channel's recent runs.
type Bar struct {
	X, Width           float64
	RecordsY, RecordsH float64
	FailedY, FailedH   float64
	Title              string
	Href               string
}

const chartHeight = 120.0

// Chart lays out the last runs (oldest first) as bars of records with the
// failures drawn over them, scaled to the busiest run.
func Chart(runs []syncrun.Run, width float64) []Bar {
	runs = slices.Clone(runs)
	slices.Reverse(runs)
	top := 1
	for _, r := range runs {
		top = max(top, r.Records)
	}
	slot := width / 30
	bars := make([]Bar, 0, len(runs))
	for i, r := range runs {
		rh := chartHeight * float64(r.Records) / float64(top)
		fh := chartHeight * float64(r.Failed) / float64(top)
		if r.Failed > 0 && fh < 2 {
			fh = 2
		}
		bars = append(bars, Bar{
			X: float64(i)*slot + 1, Width: slot - 2,
			RecordsY: chartHeight - rh, RecordsH: rh,
			FailedY: chartHeight - fh, FailedH: fh,
			Title: fmt.Sprintf("Run %d, %s: %d records, %d failures (%s)", r.ID, When(r.StartedAt), r.Records, r.Failed, StatusLabel(r.Status, r.Failed)),
			Href:  runURL(r.ID),
		})
	}
	return bars
}

func f(v float64) string { return fmt.Sprintf("%.1f", v) }
