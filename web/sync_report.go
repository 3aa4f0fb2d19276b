package web

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"stocksync/views/synchistory"
)

// syncReport is the printable failure report of a run.
func (a *App) syncReport(c echo.Context) error {
	r, err := a.loadRun(c)
	if err != nil {
		return err
	}
	fs, err := a.store.RunFailures(c.Request().Context(), r.ID, 0, 0)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, synchistory.Report(r, fs, a.now()), "")
}

// syncFailuresCSV exports a run's failures; cells that a spreadsheet would
// run as a formula are neutralised.
func (a *App) syncFailuresCSV(c echo.Context) error {
	r, err := a.loadRun(c)
	if err != nil {
		return err
	}
	fs, err := a.store.RunFailures(c.Request().Context(), r.ID, 0, 0)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="sync-run-%d-failures.csv"`, r.ID))
	c.Response().WriteHeader(http.StatusOK)
	// The byte-order mark is how Excel knows the file is UTF-8; without it
	// accented names come out garbled.
	if _, err := io.WriteString(c.Response(), "\ufeff"); err != nil {
		return err
	}
	w := csv.NewWriter(c.Response())
	_ = w.Write([]string{"run", "channel", "record", "sku", "listing id", "cause"})
	for _, f := range fs {
		_ = w.Write([]string{fmt.Sprint(r.ID), safeCell(r.ChannelName), safeCell(f.Label), safeCell(f.SKU), safeCell(f.ExternalID), safeCell(f.Cause)})
	}
	w.Flush()
	return w.Error()
}

// safeCell keeps a spreadsheet from treating channel text as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
