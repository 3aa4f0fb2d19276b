package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"stocksync/internal/auth"
	etsyfake "stocksync/internal/channel/etsy/fake"
	"stocksync/internal/testkit/webtest"
)

func etsyOAuthForm(shop *etsyfake.Server) url.Values {
	creds := shop.Credentials()
	return url.Values{"kind": {"etsy"}, "name": {"My Etsy"}, "cred_keystring": {creds["keystring"]},
		"cred_shared_secret": {creds["shared_secret"]}, "cred_shop_id": {creds["shop_id"]}, "cred_api_url": {creds["api_url"]},
		"sync_interval": {"15"}, "first_sync_delay": {"30"}}
}

// consent follows the channel's consent page, which approves at once, and
// returns where it sends the browser back.
func consent(t *testing.T, target string) *url.URL {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("consent page: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	return back
}

// forgedStateRefused: the callback with a state this server did not issue
// is refused with a clear message.
func forgedStateRefused(t *testing.T, c *webtest.Client, back *url.URL) {
	t.Helper()
	wrong := back.Query()
	wrong.Set("state", "forged-state")
	if r := c.Get(back.Path + "?" + wrong.Encode()); r.Status != http.StatusBadRequest ||
		!strings.Contains(r.Body, "This sign-in was not started here, or it was used already") {
		t.Fatalf("wrong state: %d %.500s", r.Status, r.Body)
	}
}

// callbackConnects: the callback with the right state connects the channel
// and its page says so.
func callbackConnects(t *testing.T, c *webtest.Client, back *url.URL, name string) {
	t.Helper()
	r := c.Get(back.RequestURI())
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/channels/") {
		t.Fatalf("callback: %d %q %.500s", r.Status, r.Location, r.Body)
	}
	if page := c.Get(r.Location); !strings.Contains(page.Body, name+" is connected") {
		t.Fatalf("channel page %.300s", page.Body)
	}
}

func TestConnectWithEtsy(t *testing.T) {
	s := webtest.NewServer(t)
	shop := etsyfake.New(etsyfake.Options{})
	defer shop.Close()
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	if r := c.Get("/channels/new?kind=etsy"); !strings.Contains(r.Body, `data-testid="oauth-connect"`) {
		t.Fatal("the Etsy form has no Connect with Etsy button")
	}
	r := c.Post("/channels/oauth/etsy/start", etsyOAuthForm(shop))
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, shop.URL()+"/oauth/connect?") {
		t.Fatalf("start: %d %q %.300s", r.Status, r.Location, r.Body)
	}
	q, _ := url.Parse(r.Location)
	if q.Query().Get("code_challenge_method") != "S256" || q.Query().Get("state") == "" ||
		!strings.HasSuffix(q.Query().Get("redirect_uri"), "/channels/oauth/etsy/callback") {
		t.Fatalf("authorize URL %s", r.Location)
	}
	if strings.Contains(r.Location, etsyfake.DefaultSharedSecret) {
		t.Fatal("the shared secret travels in the authorize URL")
	}
	back := consent(t, r.Location)

	// A wrong state is refused with a clear message, and costs nothing.
	forgedStateRefused(t, c, back)
	// Another admin cannot finish this admin's sign-in.
	s.CreateUser(t, "second-admin@example.com", auth.RoleAdmin, "correct horse battery")
	other := s.Client(t)
	other.Login("second-admin@example.com", "correct horse battery")
	if r := other.Get(back.RequestURI()); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "by another user") {
		t.Fatalf("another admin's callback: %d %.300s", r.Status, r.Body)
	}
	if cs, _ := s.Store.ListChannels(context.Background()); len(cs) != 0 {
		t.Fatal("a refused callback connected a channel")
	}

	// The right state, once: connected with the refresh token Etsy issued.
	r = c.Post("/channels/oauth/etsy/start", etsyOAuthForm(shop))
	back = consent(t, r.Location)
	callbackConnects(t, c, back, "My Etsy")
	if again := c.Get(back.RequestURI()); again.Status != http.StatusBadRequest {
		t.Fatalf("a state used twice: %d", again.Status)
	}
	cs, _ := s.Store.ListChannels(context.Background())
	if len(cs) != 1 || cs[0].Kind != "etsy" || shop.Refreshes() != 1 {
		t.Fatalf("channels %+v, refreshes %d", cs, shop.Refreshes())
	}
}

func TestEtsyConsentRefusedConnectsNothing(t *testing.T) {
	s := webtest.NewServer(t)
	shop := etsyfake.New(etsyfake.Options{})
	defer shop.Close()
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	c.Get("/channels/new?kind=etsy")
	r := c.Post("/channels/oauth/etsy/start", etsyOAuthForm(shop))
	back := consent(t, r.Location)
	q := back.Query()
	q.Del("code")
	q.Set("error", "access_denied")
	if r := c.Get(back.Path + "?" + q.Encode()); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "did not grant access") {
		t.Fatalf("refused: %d %.300s", r.Status, r.Body)
	}
	staff, _ := s.SignedIn(t, auth.RoleStaff)
	staff.Get("/channels")
	if r := staff.Post("/channels/oauth/etsy/start", etsyOAuthForm(shop)); r.Status != http.StatusForbidden {
		t.Fatalf("staff started an OAuth connect: %d", r.Status)
	}
}

// A channel whose credentials stopped working is reconnected through
// Etsy's consent page: the same channel, its new refresh token stored.
func TestReconnectWithEtsy(t *testing.T) {
	s := webtest.NewServer(t)
	shop := etsyfake.New(etsyfake.Options{})
	defer shop.Close()
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	c.Get("/channels/new?kind=etsy")
	form := etsyOAuthForm(shop)
	form.Set("cred_refresh_token", shop.IssueRefreshToken())
	r := c.Post("/channels", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("connect: %d %.300s", r.Status, r.Body)
	}
	page := r.Location
	cs, _ := s.Store.ListChannels(context.Background())
	if err := s.Store.SetNeedsAttention(context.Background(), cs[0].ID, "Etsy rejected the credentials."); err != nil {
		t.Fatal(err)
	}
	if r := c.Get(page); !strings.Contains(r.Body, `data-testid="oauth-reconnect"`) || !strings.Contains(r.Body, "Reconnect with Etsy") {
		t.Fatal("no Reconnect with Etsy on a channel that needs attention")
	}
	start := etsyOAuthForm(shop)
	start.Del("cred_shared_secret")
	if r := c.Post(page+"/oauth/start", start); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Shared secret is required") {
		t.Fatalf("without the secret: %d", r.Status)
	}
	r = c.Post(page+"/oauth/start", etsyOAuthForm(shop))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("start: %d %.300s", r.Status, r.Body)
	}
	back := consent(t, r.Location)
	r = c.Get(back.RequestURI())
	if r.Status != http.StatusSeeOther || r.Location != page {
		t.Fatalf("callback: %d %q %.300s", r.Status, r.Location, r.Body)
	}
	if body := c.Get(page).Body; !strings.Contains(body, "Reconnected.") || strings.Contains(body, `data-testid="needs-attention"`) {
		t.Fatal("not reconnected")
	}
	cs, _ = s.Store.ListChannels(context.Background())
	if len(cs) != 1 || cs[0].NeedsAttention != nil {
		t.Fatalf("channels %+v", cs)
	}
}
