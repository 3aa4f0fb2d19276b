package ebay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"stocksync/internal/channel"
)

const (
	feedPath       = "/sell/feed/v1"
	reportFeedType = "LMS_ACTIVE_INVENTORY_REPORT"
	// reportReuse is how old a report an incremental sync takes rather
	// than asking for another: eBay makes at most 25 of them for a seller
	// in 24 hours, so one an hour leaves room for full syncs.
	reportReuse = 60 * time.Minute
	// longestReportWait bounds how long a sync waits for eBay to make one.
	longestReportWait = 60 * time.Minute
)

// activeReport is the seller's active inventory report, by SKU.
type activeReport struct {
	rows map[string][]reportRow
	// fresh is true when the report was made for this sync; an older one
	// still names the listings and their prices, but its quantities may
	// predate our own pushes, so they are not believed over the inventory
	// item's.
	fresh bool
}

// unlisted tells that the SKU had no live listing when the sync began:
// the report, made for this sync, names none.
func (r *activeReport) unlisted(sku string) bool { return r.fresh && len(r.rows[sku]) == 0 }

type feedTask struct {
	TaskID       string `json:"taskId"`
	Status       string `json:"status"` // QUEUED, IN_PROCESS, COMPLETED, COMPLETED_WITH_ERROR, PARTIALLY_PROCESSED, FAILED
	CreationDate string `json:"creationDate"`
}

// report returns the active inventory report a sync reads: a new one for a
// full sync, one made within the last hour for an incremental sync. When
// eBay refuses another report today it falls back to the newest it made.
func (c *Client) report(ctx context.Context, full bool) (*activeReport, error) {
	var tasks []feedTask
	if !full {
		var err error
		if tasks, err = c.reportTasks(ctx); err != nil {
			return nil, err
		}
		if t, ok := newestCompleted(tasks, c.now().Add(-reportReuse)); ok {
			return c.downloadReport(ctx, t.TaskID, false)
		}
	}
	id, err := c.createReport(ctx)
	var httpErr *channel.HTTPError
	if errors.As(err, &httpErr) && httpErr.Status == http.StatusConflict {
		if full {
			if tasks, err = c.reportTasks(ctx); err != nil {
				return nil, err
			}
		}
		if t, ok := newestCompleted(tasks, time.Time{}); ok {
			return c.downloadReport(ctx, t.TaskID, false)
		}
		return nil, fmt.Errorf("ebay: eBay makes at most 25 active inventory reports a day and has no recent one to read (%w); the catalogue is read again tomorrow", httpErr)
	}
	if err != nil {
		return nil, err
	}
	if err := c.waitReport(ctx, id); err != nil {
		return nil, err
	}
	return c.downloadReport(ctx, id, true)
}

// reportTasks lists the report tasks of the last day, newest last.
func (c *Client) reportTasks(ctx context.Context) ([]feedTask, error) {
	const what = "active inventory report tasks"
	q := url.Values{"feed_type": {reportFeedType}, "look_back_days": {"1"}, "limit": {"100"}}
	resp, err := c.call(ctx, what, http.MethodGet, feedPath+"/inventory_task", q, nil)
	if err != nil {
		return nil, err
	}
	var page struct {
		Tasks []feedTask `json:"tasks"`
	}
	if err := decode(what, resp, &page); err != nil {
		return nil, err
	}
	return page.Tasks, nil
}

// newestCompleted is the newest finished task created after since.
func newestCompleted(tasks []feedTask, since time.Time) (feedTask, bool) {
	var best feedTask
	var bestAt time.Time
	for _, t := range tasks {
		at, err := time.Parse(time.RFC3339Nano, t.CreationDate)
		if err != nil || at.Before(since) || (t.Status != "COMPLETED" && t.Status != "COMPLETED_WITH_ERROR") {
			continue
		}
		if best.TaskID == "" || at.After(bestAt) {
			best, bestAt = t, at
		}
	}
	return best, best.TaskID != ""
}

// createReport asks for a new report and returns its task ID, the last
// segment of the Location eBay answers with.
func (c *Client) createReport(ctx context.Context) (string, error) {
	const what = "asking for the active inventory report"
	resp, err := c.callBare(ctx, what, http.MethodPost, feedPath+"/inventory_task",
		map[string]string{"feedType": reportFeedType, "schemaVersion": "1.0"})
	if err != nil {
		return "", err
	}
	loc := resp.Header.Get("Location")
	id := loc[strings.LastIndex(loc, "/")+1:]
	if id == "" {
		return "", &channel.MalformedError{What: "ebay: " + what, Err: fmt.Errorf("the answer has no Location naming the task (got %q)", loc)}
	}
	return id, nil
}

func (c *Client) waitReport(ctx context.Context, id string) error {
	deadline := c.now().Add(longestReportWait)
	what := "status of active inventory report task " + id
	for n := 0; ; n++ {
		resp, err := c.call(ctx, what, http.MethodGet, feedPath+"/inventory_task/"+url.PathEscape(id), nil, nil)
		if err != nil {
			return err
		}
		var t feedTask
		if err := decode(what, resp, &t); err != nil {
			return err
		}
		switch t.Status {
		case "COMPLETED", "COMPLETED_WITH_ERROR", "PARTIALLY_PROCESSED":
			return nil
		case "FAILED":
			return fmt.Errorf("ebay: eBay could not make the active inventory report (task %s ended FAILED); nothing was imported, and the next sync asks for a new report", id)
		}
		if c.now().After(deadline) {
			return channel.Retryable(fmt.Errorf("ebay: the active inventory report (task %s) was still %s after %s", id, t.Status, longestReportWait))
		}
		if err := c.sleep(ctx, min(250*time.Millisecond<<min(n, 7), 30*time.Second)); err != nil {
			return err
		}
	}
}

func (c *Client) downloadReport(ctx context.Context, id string, fresh bool) (*activeReport, error) {
	resp, err := c.callBare(ctx, "active inventory report "+id, http.MethodGet, feedPath+"/task/"+url.PathEscape(id)+"/download_result_file", nil)
	if err != nil {
		return nil, err
	}
	rows, err := parseReport(resp.Body)
	if err != nil {
		return nil, err
	}
	return &activeReport{rows: rows, fresh: fresh}, nil
}
