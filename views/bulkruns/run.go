// Package bulkruns renders a bulk action on listings: its progress, then
// its summary.
package bulkruns

import (
	"github.com/a-h/templ"

	"strconv"
	"time"
)

type Run struct {
	ID                   int64
	Kind                 string // "confirm" or "link"
	RequestedBy          string
	Total, Position      int
	Done, Skipped        int
	Status               string // queued, running, succeeded, failed
	Error                string
	CreatedAt, UpdatedAt time.Time
	FinishedAt           *time.Time
	Skips                []Skip
}

type Skip struct {
	ListingID   int64
	Listing     string
	Channel     string
	Reason      string
	Detail      string
	OtherItemID *int64
}

func (r Run) active() bool { return r.Status == "queued" || r.Status == "running" }

func Title(r Run) string {
	if r.Kind == "link" {
		return "Bulk link " + strconv.FormatInt(r.ID, 10)
	}
	return "Bulk confirm " + strconv.FormatInt(r.ID, 10)
}

func (r Run) verb() string {
	if r.Kind == "link" {
		return "linked"
	}
	return "confirmed"
}

func percent(r Run) int {
	if r.Total == 0 {
		if r.active() {
			return 0
		}
		return 100
	}
	return r.Position * 100 / r.Total
}

func n(i int) string {
	s := strconv.Itoa(i)
	for k := len(s) - 3; k > 0 && s[k-1] != '-'; k -= 3 {
		s = s[:k] + "," + s[k:]
	}
	return s
}

func statusLabel(r Run) string {
	switch r.Status {
	case "queued":
		return "queued"
	case "running":
		return "running"
	case "failed":
		return "stopped"
	}
	if r.Skipped > 0 {
		return "done, some skipped"
	}
	return "done"
}

func statusClass(r Run) string {
	switch {
	case r.Status == "failed":
		return "text-bg-danger"
	case r.active():
		return "text-bg-primary"
	case r.Skipped > 0:
		return "text-bg-warning"
	}
	return "text-bg-success"
}

func listingURL(id int64) templ.SafeURL {
	return templ.SafeURL("/channel-items/" + strconv.FormatInt(id, 10))
}

func itemURL(id int64) templ.SafeURL { return templ.SafeURL("/items/" + strconv.FormatInt(id, 10)) }

func runURL(id int64) string { return "/bulk-runs/" + strconv.FormatInt(id, 10) }

// silence is how long a running run has made no progress, once that is
// more than a chunk could take.
func silence(r Run) time.Duration {
	if r.Status != "running" {
		return 0
	}
	if d := time.Since(r.UpdatedAt).Round(time.Second); d > time.Minute {
		return d
	}
	return 0
}
