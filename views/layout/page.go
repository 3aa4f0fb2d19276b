// Package layout holds the page frame every screen renders inside.
package layout

import (
	"encoding/json"

	"stocksync/internal/auth"
)

// Page is what the frame needs to know about the request.
type Page struct {
	Title   string
	Active  string // navigation key: dashboard, items, channel-items, sales-orders, sync-history, channels, settings
	User    *auth.User
	CSRF    string
	Flashes []Flash
}

type Flash struct {
	Kind    string // success, info, warning, danger
	Message string
}

func csrfHeaders(token string) string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": token})
	return string(b)
}

type navEntry struct{ Key, Label, Href string }

var navEntries = []navEntry{
	{"dashboard", "Dashboard", "/"},
	{"items", "Items", "/items"},
	{"channel-items", "Channel items", "/channel-items"},
	{"sales-orders", "Sales orders", "/sales-orders"},
	{"sync-history", "Sync history", "/sync-history"},
	{"channels", "Channels", "/channels"},
	{"settings", "Settings", "/settings"},
}
