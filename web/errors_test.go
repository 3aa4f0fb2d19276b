package web

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestServerErrorShowsAndLogsTheRequestID(t *testing.T) {
	var logs bytes.Buffer
	a := &App{log: slog.New(slog.NewTextHandler(&logs, nil))}
	e := echo.New()
	for _, htmx := range []bool{false, true} {
		logs.Reset()
		req := httptest.NewRequest(http.MethodGet, "/items", nil)
		if htmx {
			req.Header.Set("HX-Request", "true")
		}
		rec := httptest.NewRecorder()
		c := e.NewContext(req, rec)
		c.Response().Header().Set(echo.HeaderXRequestID, "req-123")
		a.handleError(errors.New("database exploded"), c)
		body := rec.Body.String()
		if rec.Code != 500 || !strings.Contains(body, "req-123") || !strings.Contains(body, "Something went wrong on our side.") {
			t.Fatalf("htmx=%v: %d %s", htmx, rec.Code, body)
		}
		if strings.Contains(body, "database exploded") {
			t.Fatal("the error's text reached the page")
		}
		if !strings.Contains(logs.String(), "request_id=req-123") || !strings.Contains(logs.String(), "database exploded") {
			t.Fatalf("log: %s", logs.String())
		}
		if htmx && (rec.Header().Get("HX-Retarget") != "#alerts" || strings.Contains(body, "<html")) {
			t.Fatalf("htmx error not aimed at the alert area: %v %s", rec.Header(), body)
		}
	}
}
