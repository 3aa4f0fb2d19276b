// Package synchistory renders sync runs: the history list, a run's page,
// its printable failure report, and the live progress fragment.
package synchistory

import (
	"fmt"
	"strconv"
	"time"

	"stocksync/internal/syncrun"
)

func runURL(id int64) string { return "/sync-history/" + strconv.FormatInt(id, 10) }

func KindLabel(kind string) string {
	switch kind {
	case "catalogue":
		return "Catalogue"
	case "full_catalogue":
		return "Full catalogue"
	case "stock":
		return "Stock push"
	}
	return kind
}

func TriggerLabel(trigger string) string {
	switch trigger {
	case "first":
		return "first sync"
	case "schedule":
		return "scheduled"
	case "manual":
		return "Sync now"
	case "change":
		return "stock change"
	case "sync":
		return "after a sync"
	}
	return trigger
}

// StatusLabel is how a run's outcome reads: a run that succeeded with
// failures must not pass for a clean one.
func StatusLabel(status string, failed int) string {
	if status == "succeeded" && failed > 0 {
		return "succeeded with " + plural(failed, "failure", "failures")
	}
	return status
}

// StatusClass colours a run's outcome: green only for a clean success.
func StatusClass(status string, failed int) string {
	switch {
	case status == "succeeded" && failed > 0:
		return "text-bg-warning"
	case status == "succeeded":
		return "text-bg-success"
	case status == "failed":
		return "text-bg-danger"
	case status == "interrupted":
		return "text-bg-warning"
	}
	return "text-bg-primary"
}

// silentAfter is how long a running run may go without a heartbeat before
// staff are told: its process beats every few seconds while alive.
const silentAfter = 20 * time.Second

// silence is how long a running run's process has given no sign of life,
// or 0 while it is fine (or no longer running).
func silence(r syncrun.Run) time.Duration {
	if r.Status != "running" || r.HeartbeatAt == nil {
		return 0
	}
	if d := time.Since(*r.HeartbeatAt); d >= silentAfter {
		return d
	}
	return 0
}

func When(t time.Time) string { return t.Local().Format("2 Jan 2006 15:04:05") }

func WhenPtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return When(*t)
}

func Duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
}

func n(i int) string { return strconv.Itoa(i) }

// percent is how far a run has got, when the channel told its total.
func percent(r syncrun.Run) (int, bool) {
	if r.Status != "running" && r.Status != "interrupted" {
		return 100, true
	}
	if r.RecordsTotal == nil || *r.RecordsTotal <= 0 || *r.RecordsTotal < r.Records {
		return 0, false
	}
	return min(99, r.Records*100 / *r.RecordsTotal), true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func progressText(r syncrun.Run) string {
	s := plural(r.Records, "record", "records") + ", " + plural(r.PagesDone, "page", "pages")
	// A channel's total may count products where the sync counts their
	// variants; a total already passed says nothing useful.
	if r.RecordsTotal != nil && *r.RecordsTotal >= r.Records {
		s = fmt.Sprintf("%d of %d records, %s", r.Records, *r.RecordsTotal, plural(r.PagesDone, "page", "pages"))
	}
	return s
}

func errText(r syncrun.Run) string {
	if r.Error == nil {
		return ""
	}
	return *r.Error
}

// unconfirmedURL lists the listings run created that are still unconfirmed.
func unconfirmedURL(r syncrun.Run) string {
	return "/channel-items?status=unconfirmed&channel=" + strconv.FormatInt(r.ChannelID, 10) + "&run=" + strconv.FormatInt(r.ID, 10)
}
