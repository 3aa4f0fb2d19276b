package ebay

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"stocksync/internal/channel"
	"stocksync/internal/channel/ebay/fake"
)

func TestConnectWithEbayTradesTheCodeForTheRefreshToken(t *testing.T) {
	a := newTestAccount(t)
	a.fake.SetAcceptURL("https://stocksync.example/channels/oauth/ebay/callback")
	creds := a.fake.Credentials()
	delete(creds, "refresh_token")
	opts := channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}}
	target, err := authorizeURL(creds, "https://stocksync.example/channels/oauth/ebay/callback", "state-1", "challenge", opts)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(target)
	if u.Path != "/oauth2/authorize" || u.Query().Get("redirect_uri") != fake.DefaultRuName || u.Query().Get("state") != "state-1" ||
		strings.Contains(target, fake.DefaultClientSecret) {
		t.Fatalf("authorize URL %s", target)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, _ := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || back.Query().Get("state") != "state-1" || back.Query().Get("code") == "" {
		t.Fatalf("consent: %d %s", res.StatusCode, back)
	}
	done, err := exchange(context.Background(), creds, "", back.Query().Get("code"), "", opts)
	if err != nil || done["refresh_token"] != fake.DefaultRefreshToken || done["client_id"] != creds["client_id"] {
		t.Fatalf("%v %v", err, done)
	}
	// A code is good once.
	if _, err := exchange(context.Background(), creds, "", back.Query().Get("code"), "", opts); !errors.Is(err, channel.ErrUnauthorized) {
		t.Fatalf("a code used twice: %v", err)
	}
	delete(creds, "ru_name")
	if _, err := authorizeURL(creds, "", "s", "", opts); err == nil || !strings.Contains(err.Error(), "RuName") {
		t.Fatalf("no RuName: %v", err)
	}
}
