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
	return func(c echo.Context) error { return serveFile(c, root, "/"+c.Param("*")) }
}

// favicon answers the address every browser asks for on its own, whatever
// the page links.
func (a *App) favicon() echo.HandlerFunc {
	root := http.Dir(a.cfg.StaticDir)
	return func(c echo.Context) error { return serveFile(c, root, "/favicon.ico") }
}

func serveFile(c echo.Context, root http.FileSystem, name string) error {
	f, err := root.Open(name)
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
