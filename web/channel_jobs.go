package web

import (
	"errors"
	"time"

	"github.com/labstack/echo/v4"

	"stocksync/internal/channelsync"
)

func channelsyncNow(c echo.Context, a *App, channelID int64, full bool) (bool, error) {
	if a.jobs == nil {
		return false, errors.New("web: no job client configured")
	}
	return channelsync.SyncNow(c.Request().Context(), a.jobs, channelID, full)
}

func checkSchedule(interval, delay time.Duration) *channelsync.FieldError {
	var fe *channelsync.FieldError
	if errors.As(channelsync.CheckSchedule(interval, delay), &fe) {
		return fe
	}
	return nil
}
