package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"stocksync/internal/store"
	"stocksync/internal/syncrun"
	"stocksync/views/synchistory"
)

const failuresPerPage = 200

// syncHistory lists runs; every filter and the cursor live in the URL.
func (a *App) syncHistory(c echo.Context) error {
	q := c.QueryParams()
	f := synchistory.Filter{Channel: q.Get("channel"), Kind: q.Get("kind"), Status: q.Get("status"), From: q.Get("from"), To: q.Get("to")}
	rf := store.RunFilter{Kind: f.Kind, Status: f.Status, Limit: 50}
	switch f.Kind {
	case "", "catalogue", "full_catalogue", "stock":
	default:
		rf.Kind, f.Kind = "", ""
	}
	switch f.Status {
	case "", "running", "succeeded", "failed", "interrupted":
	default:
		rf.Status, f.Status = "", ""
	}
	if id, err := strconv.ParseInt(f.Channel, 10, 64); err == nil {
		rf.ChannelID = id
	} else {
		f.Channel = ""
	}
	if d, err := time.ParseInLocation("2006-01-02", f.From, time.Local); err == nil {
		rf.From = d
	} else {
		f.From = ""
	}
	if d, err := time.ParseInLocation("2006-01-02", f.To, time.Local); err == nil {
		rf.To = d.AddDate(0, 0, 1)
	} else {
		f.To = ""
	}
	rf.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	ctx := c.Request().Context()
	runs, err := a.store.ListRuns(ctx, rf)
	if err != nil {
		return err
	}
	channels, err := a.store.ChannelNames(ctx)
	if err != nil {
		return err
	}
	page := synchistory.ListPage{Runs: runs, Channels: channelChoices(channels), Filter: f, Now: a.now()}
	if len(runs) == rf.Limit {
		older := url.Values{}
		for k, v := range map[string]string{"channel": f.Channel, "kind": f.Kind, "status": f.Status, "from": f.From, "to": f.To} {
			if v != "" {
				older.Set(k, v)
			}
		}
		older.Set("before", strconv.FormatInt(runs[len(runs)-1].ID, 10))
		page.OlderURL = "/sync-history?" + older.Encode()
	}
	return a.render(c, http.StatusOK, synchistory.List(a.page(c, "Sync history", "sync-history"), page), "")
}

func (a *App) loadRun(c echo.Context) (syncrun.Run, error) {
	id, err := paramID(c, "run")
	if err != nil {
		return syncrun.Run{}, err
	}
	r, err := a.store.Run(c.Request().Context(), id)
	if errors.Is(err, store.ErrRunNotFound) {
		return r, echo.ErrNotFound
	}
	return r, err
}

// syncRun is a run's page; an htmx poll gets only the live fragment.
func (a *App) syncRun(c echo.Context) error {
	r, err := a.loadRun(c)
	if err != nil {
		return err
	}
	after, _ := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	fs, err := a.store.RunFailures(c.Request().Context(), r.ID, after, failuresPerPage)
	if err != nil {
		return err
	}
	page := synchistory.ShowPage{Run: r, Failures: fs, Now: a.now()}
	// The live fragment (polled while the run goes on) does not show it.
	if !isHTMX(c) || c.Request().Header.Get("HX-Boosted") == "true" {
		if page.Unconfirmed, err = a.store.RunUnconfirmed(c.Request().Context(), r.ChannelID, r.ID); err != nil {
			return err
		}
	}
	if len(fs) == failuresPerPage {
		page.MoreURL = "/sync-history/" + strconv.FormatInt(r.ID, 10) + "?after=" + strconv.FormatInt(fs[len(fs)-1].ID, 10)
	}
	return a.render(c, http.StatusOK, synchistory.Show(a.page(c, "Run "+strconv.FormatInt(r.ID, 10), "sync-history"), page), "live")
}

// syncRetry syncs an interrupted run's channel again, the same kind of
// sync. The sweep retries such a run by itself; this is for staff who see
// it before that, or after the retry failed too.
func (a *App) syncRetry(c echo.Context) error {
	r, err := a.loadRun(c)
	if err != nil {
		return err
	}
	ch, err := a.store.Channel(c.Request().Context(), r.ChannelID)
	if err != nil {
		return err
	}
	return a.queueSync(c, ch, r.Kind == "full_catalogue")
}
