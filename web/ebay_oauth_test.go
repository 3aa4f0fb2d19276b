package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"stocksync/internal/auth"
	ebayfake "stocksync/internal/channel/ebay/fake"
	"stocksync/internal/testkit/webtest"
)

func ebayOAuthForm(seller *ebayfake.Server) url.Values {
	creds := seller.Credentials()
	return url.Values{"kind": {"ebay"}, "name": {"My eBay"}, "cred_client_id": {creds["client_id"]},
		"cred_client_secret": {creds["client_secret"]}, "cred_marketplace": {"EBAY_US"}, "cred_ru_name": {creds["ru_name"]},
		"cred_api_url": {creds["api_url"]}, "sync_interval": {"15"}, "first_sync_delay": {"30"}}
}

// Connect with eBay: the consent page gets the RuName (eBay's name for our
// callback), the callback refuses a state it did not issue, and the right
// one connects the channel with the refresh token eBay issued.
func TestConnectWithEbay(t *testing.T) {
	s := webtest.NewServer(t)
	seller := ebayfake.New(ebayfake.Options{})
	defer seller.Close()
	seller.SetAcceptURL(s.URL + "/channels/oauth/ebay/callback")
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	if r := c.Get("/channels/new?kind=ebay"); !strings.Contains(r.Body, `data-testid="oauth-connect"`) || !strings.Contains(r.Body, "Connect with eBay") {
		t.Fatal("the eBay form has no Connect with eBay button")
	}
	r := c.Post("/channels/oauth/ebay/start", ebayOAuthForm(seller))
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, seller.URL()+"/oauth2/authorize?") {
		t.Fatalf("start: %d %q %.300s", r.Status, r.Location, r.Body)
	}
	q, _ := url.Parse(r.Location)
	if q.Query().Get("redirect_uri") != ebayfake.DefaultRuName || q.Query().Get("state") == "" || strings.Contains(r.Location, ebayfake.DefaultClientSecret) {
		t.Fatalf("authorize URL %s", r.Location)
	}
	back := consent(t, r.Location)

	forgedStateRefused(t, c, back)
	if cs, _ := s.Store.ListChannels(context.Background()); len(cs) != 0 {
		t.Fatal("a refused callback connected a channel")
	}
	callbackConnects(t, c, back, "My eBay")
	cs, _ := s.Store.ListChannels(context.Background())
	if len(cs) != 1 || cs[0].Kind != "ebay" {
		t.Fatalf("channels %+v", cs)
	}
	// Connecting verified the credentials with eBay: the code's refresh
	// token minted an access token.
	if seller.TokenCalls() < 2 {
		t.Fatalf("%d token calls: the code exchange and a refresh", seller.TokenCalls())
	}
}
