package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/store"
	"stocksync/internal/testkit/webtest"
)

// A channel's orders commit stock in the warehouse its settings name; the
// primary one until someone chooses another.
func TestChannelSettingsChooseTheOrdersWarehouse(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	ch, err := s.Store.CreateChannel(context.Background(), store.NewChannel{Kind: "shopify", Name: "Web shop", Credentials: []byte{1}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/channels/" + strconv.FormatInt(ch, 10)
	if p := c.Get(path); strings.Contains(p.Body, `data-testid="channel-warehouse"`) {
		t.Fatal("a choice of warehouse with only one warehouse")
	}
	var online int64
	s.Store.DB.Get(&online, `INSERT INTO warehouses (name) VALUES ('Online') RETURNING id`)
	p := c.Get(path)
	mustContain(t, "channel page", p.Body, `data-testid="channel-warehouse"`, ">Online<")
	form := url.Values{"name": {"Web shop"}, "sync_interval": {"15"}, "first_sync_delay": {"30"}, "enabled": {"1"}}
	form.Set("warehouse", "x")
	if r := c.Post(path+"/settings", form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Choose a warehouse.") {
		t.Fatalf("bad warehouse: %d", r.Status)
	}
	form.Set("warehouse", strconv.FormatInt(online, 10))
	if r := c.Post(path+"/settings", form); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %.500s", r.Status, r.Body)
	}
	var got *int64
	s.Store.DB.Get(&got, `SELECT default_warehouse_id FROM channels WHERE id = $1`, ch)
	if got == nil || *got != online {
		t.Fatalf("default warehouse %v, want %d", got, online)
	}
}
