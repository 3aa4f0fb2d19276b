package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"stocksync/views/layout"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render is the one render rule: the whole page normally; for an htmx
// request that is not a boosted navigation, only the named fragment when the
// handler names one.
func (a *App) render(c echo.Context, status int, page templ.Component, fragment string) error {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	ctx := c.Request().Context()
	var err error
	if fragment != "" && isHTMX(c) && c.Request().Header.Get("HX-Boosted") != "true" {
		err = templ.RenderFragments(ctx, buf, page, fragment)
	} else {
		err = page.Render(ctx, buf)
	}
	if err != nil {
		return err
	}
	// With its length known the page goes out as one body, not in chunks,
	// which costs the connection fewer writes.
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	return c.Blob(status, echo.MIMETextHTMLCharsetUTF8, buf.Bytes())
}

func isHTMX(c echo.Context) bool { return c.Request().Header.Get("HX-Request") == "true" }

// page describes the request to the layout, consuming queued flash messages.
func (a *App) page(c echo.Context, title, active string) layout.Page {
	p := layout.Page{Title: title, Active: active, User: currentUser(c), CSRF: csrfToken(c)}
	if s := session(c); s != nil {
		if fl := s.Flashes(); len(fl) > 0 {
			for _, f := range fl {
				str, _ := f.(string)
				kind, msg, ok := strings.Cut(str, "|")
				if !ok {
					kind, msg = "info", str
				}
				p.Flashes = append(p.Flashes, layout.Flash{Kind: kind, Message: msg})
			}
			if err := a.saveSession(c, s); err != nil {
				a.log.Error("save session after reading flashes", "err", err)
			}
		}
	}
	return p
}

// redirectAfterPost is the POST-redirect-GET step; htmx follows a 303 on its
// own, so the same answer serves both.
func (a *App) redirectAfterPost(c echo.Context, to string) error {
	if s := session(c); s != nil {
		if err := a.saveSession(c, s); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, to)
}
