package web

import (
	"net/http"
	"os"
	"path/filepath"

	"github.com/labstack/echo/v4"
)

// static serves files from the configured folder; vendor/ is filled by
// `make assets` from the pinned npm packages. Folders are never listed.
func (a *App) static() echo.HandlerFunc {
	root := http.Dir(a.cfg.StaticDir)
	if _, err := os.Stat(filepath.Join(a.cfg.StaticDir, "vendor", "htmx.min.js")); err != nil {
		a.log.Warn("static/vendor is empty: run `make assets` for Bootstrap and htmx", "dir", a.cfg.StaticDir)
	}
	return func(c echo.Context) error {
		f, err := root.Open("/" + c.Param("*"))
		if err != nil {
			return echo.ErrNotFound
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || st.IsDir() {
			return echo.ErrNotFound
		}
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		http.ServeContent(c.Response(), c.Request(), st.Name(), st.ModTime(), f)
		return nil
	}
}
