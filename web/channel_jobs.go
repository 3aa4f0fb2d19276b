package web

import (
	"errors"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"stocksync/internal/channelsync"
	"stocksync/internal/store"
	channelviews "stocksync/views/channels"
)

func channelsyncNow(c echo.Context, a *App, channelID int64, full bool) (bool, error) {
	if a.jobs == nil {
		return false, errors.New("web: no job client configured")
	}
	return channelsync.SyncNow(c.Request().Context(), a.jobs, channelID, full)
}

// queueSync enqueues a sync of the channel, says so, and goes back to the
// channel's page, where its progress shows.
func (a *App) queueSync(c echo.Context, ch store.Channel, full bool) error {
	back := "/channels/" + strconv.FormatInt(ch.ID, 10)
	switch {
	case ch.DisconnectedAt != nil:
		addFlash(c, "warning", "This channel is disconnected; connect it again to sync.")
	case ch.NeedsAttention != nil:
		addFlash(c, "warning", "Reconnect the channel first: "+*ch.NeedsAttention)
	default:
		queued, err := channelsyncNow(c, a, ch.ID, full)
		if err != nil {
			return err
		}
		// The channel page tells it while the sync is queued or running,
		// and drops it when the run ends, which a flash could not.
		notice := channelviews.NoticeAlready
		if queued {
			notice = channelviews.NoticeStarted
		}
		back += "?sync=" + notice
	}
	return a.redirectAfterPost(c, back)
}

func checkSchedule(interval, delay time.Duration) *channelsync.FieldError {
	var fe *channelsync.FieldError
	if errors.As(channelsync.CheckSchedule(interval, delay), &fe) {
		return fe
	}
	return nil
}
