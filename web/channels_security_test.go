package web_test

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	woofake "stocksync/internal/channel/woocommerce/fake"
	"stocksync/internal/testkit/webtest"
)

const unreachable = "stocksync could not reach the store at this address"

func TestStaffSeeChannelsButOnlyAdminsChangeThem(t *testing.T) {
	s := webtest.NewServer(t)
	shop := shopifyfake.New(shopifyfake.Options{})
	defer shop.Close()
	admin, _ := s.SignedIn(t, auth.RoleAdmin)
	admin.Get("/channels/new?kind=shopify")
	chURL := admin.Post("/channels", shopForm(shop, shopifyfake.DefaultAccessToken)).Location
	if !strings.HasPrefix(chURL, "/channels/") {
		t.Fatalf("an admin could not connect: %q", chURL)
	}

	staff, _ := s.SignedIn(t, auth.RoleStaff)
	page := staff.Get(chURL)
	if page.Status != 200 || !strings.Contains(page.Body, `data-testid="sync-now"`) || !strings.Contains(page.Body, `data-testid="ask-admin"`) {
		t.Fatalf("staff's channel page: %d %.500s", page.Status, page.Body)
	}
	for _, hidden := range []string{"/disconnect", "/settings", "/credentials"} {
		if strings.Contains(page.Body, chURL+hidden) {
			t.Errorf("staff are offered %s", hidden)
		}
	}
	if strings.Contains(staff.Get("/channels").Body, `href="/channels/new"`) {
		t.Error("staff are offered Connect a channel")
	}
	if r := staff.Get("/channels/new"); r.Status != http.StatusForbidden {
		t.Errorf("GET /channels/new as staff: %d", r.Status)
	}
	for path, form := range map[string]url.Values{
		"/channels":            shopForm(shop, shopifyfake.DefaultAccessToken),
		"/channels/test":       shopForm(shop, shopifyfake.DefaultAccessToken),
		chURL + "/disconnect":  nil,
		chURL + "/credentials": {"cred_shop_url": {shop.URL()}, "cred_access_token": {shopifyfake.DefaultAccessToken}},
		chURL + "/settings":    {"name": {"Renamed"}, "sync_interval": {"15"}, "first_sync_delay": {"0"}},
	} {
		staff.Get(chURL) // a fresh CSRF token, so only the role can refuse
		if r := staff.Post(path, form); r.Status != http.StatusForbidden {
			t.Errorf("POST %s as staff: %d, want 403", path, r.Status)
		}
	}
	cs, _ := s.Store.ListChannels(context.Background())
	if len(cs) != 1 || cs[0].Name != "Main shop" || cs[0].DisconnectedAt != nil {
		t.Fatalf("staff changed the channels: %+v", cs)
	}
	if n := len(shop.Calls()); n != 1 {
		t.Errorf("the shop was called %d times, want once (the admin's connect)", n)
	}
	staff.Get(chURL)
	if r := staff.Post(chURL+"/sync", nil); r.Status != http.StatusSeeOther {
		t.Errorf("Sync now as staff: %d", r.Status)
	}
}

// TestConnectRefusesPrivateAddresses runs the server with the production
// policy: nothing on loopback or a private network is called, and every
// refusal reads the same.
func TestConnectRefusesPrivateAddresses(t *testing.T) {
	s := webtest.NewServer(t, webtest.Options{StrictChannelAddresses: true})
	shop := shopifyfake.New(shopifyfake.Options{})
	defer shop.Close()
	port := shop.URL()[strings.LastIndex(shop.URL(), ":")+1:]
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	c.Get("/channels/new?kind=shopify")
	for _, addr := range []string{
		shop.URL(), "https://127.0.0.1:" + port, "https://10.0.0.1", "https://[::1]:" + port, "https://localhost:" + port,
		"https://169.254.169.254", "https://[::ffff:127.0.0.1]:" + port, "https://100.64.0.1", "https://[fd00::1]", "https://0.0.0.0:" + port,
	} {
		form := shopForm(shop, shopifyfake.DefaultAccessToken)
		form.Set("cred_shop_url", addr)
		for _, path := range []string{"/channels/test", "/channels"} {
			r := c.Post(path, form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, unreachable) {
				t.Errorf("POST %s with %s: %d %s", path, addr, r.Status, formError(r.Body))
			}
		}
	}
	if n := len(shop.Calls()); n != 0 {
		t.Fatalf("the server called a loopback address %d times", n)
	}
	if cs, _ := s.Store.ListChannels(context.Background()); len(cs) != 0 {
		t.Fatalf("a channel on a private address was stored: %+v", cs)
	}
}

// TestAllowListLetsOneAddressThrough: an operator's allow-list opens one
// address, not its neighbours.
func TestAllowListLetsOneAddressThrough(t *testing.T) {
	shop := shopifyfake.New(shopifyfake.Options{})
	defer shop.Close()
	s := webtest.NewServer(t, webtest.Options{StrictChannelAddresses: true, ChannelOptions: channel.Options{
		Addresses: channel.AddressPolicy{Networks: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}}})
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	c.Get("/channels/new?kind=shopify")
	if r := c.Post("/channels/test", shopForm(shop, shopifyfake.DefaultAccessToken)); r.Status != 200 || !strings.Contains(r.Body, "The connection works") {
		t.Fatalf("allow-listed address: %d %s", r.Status, formError(r.Body))
	}
	other := shopForm(shop, shopifyfake.DefaultAccessToken)
	other.Set("cred_shop_url", strings.Replace(shop.URL(), "127.0.0.1", "127.0.0.2", 1))
	if r := c.Post("/channels/test", other); !strings.Contains(r.Body, unreachable) {
		t.Fatalf("a neighbour of the allow-listed address: %d %s", r.Status, formError(r.Body))
	}
}

// TestNetworkFailuresReadAlike: a closed port and an open port that does
// not speak HTTP give staff the same sentence.
func TestNetworkFailuresReadAlike(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	c.Get("/channels/new?kind=shopify")
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			conn, err := silent.Accept()
			if err != nil {
				return
			}
			conn.Read(make([]byte, 512))
			conn.Write([]byte("220 not a web server\r\n"))
			conn.Close()
		}
	}()
	var answers []string
	for _, addr := range []string{"http://" + closedAddr, "http://" + silent.Addr().String(), "https://" + silent.Addr().String()} {
		form := url.Values{"kind": {"shopify"}, "name": {"Shop"}, "cred_shop_url": {addr}, "cred_access_token": {"shpat_x"}}
		r := c.Post("/channels/test", form)
		answers = append(answers, formError(r.Body))
	}
	for _, a := range answers {
		if a != answers[0] || !strings.Contains(a, unreachable) {
			t.Fatalf("network failures read differently: %q", answers)
		}
	}
}

// TestConnectionTestNeedsTheChannelsAPI: stocksync's own address as a
// WooCommerce Store URL answers with its sign-in page, which is no proof
// that WooCommerce accepted anything.
func TestConnectionTestNeedsTheChannelsAPI(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	c.Get("/channels/new?kind=woocommerce")
	form := url.Values{"kind": {"woocommerce"}, "name": {"Not a shop"}, "cred_site_url": {s.URL},
		"cred_consumer_key": {woofake.DefaultConsumerKey}, "cred_consumer_secret": {woofake.DefaultConsumerSecret},
		"sync_interval": {"15"}, "first_sync_delay": {"30"}}
	for _, path := range []string{"/channels/test", "/channels"} {
		r := c.Post(path, form)
		msg := formError(r.Body)
		if r.Status != http.StatusUnprocessableEntity || strings.Contains(r.Body, "The connection works") ||
			!strings.Contains(msg, "The address answered with an HTML page (after a redirect to /login") || !strings.Contains(msg, "not the WooCommerce REST API: check the Store URL") {
			t.Errorf("POST %s: %d %q", path, r.Status, msg)
		}
	}
	if cs, _ := s.Store.ListChannels(context.Background()); len(cs) != 0 {
		t.Fatalf("a channel that is not WooCommerce was stored: %+v", cs)
	}
}

// TestTypedSecretsAreNotSentBack: after a failed test, connect or
// reconnect the page asks for the secrets again instead of carrying them.
func TestTypedSecretsAreNotSentBack(t *testing.T) {
	s := webtest.NewServer(t)
	woo := woofake.New(woofake.Options{})
	defer woo.Close()
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	c.Get("/channels/new?kind=woocommerce")
	const key, secret = "ck_typedkey4711", "cs_typedsecret4711"
	form := url.Values{"kind": {"woocommerce"}, "name": {"Shop"}, "cred_site_url": {woo.URL()},
		"cred_consumer_key": {key}, "cred_consumer_secret": {secret}, "sync_interval": {"15"}, "first_sync_delay": {"30"}}
	for _, path := range []string{"/channels/test", "/channels"} {
		r := c.Post(path, form)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "rejected the credentials") {
			t.Fatalf("POST %s: %d %s", path, r.Status, formError(r.Body))
		}
		if strings.Contains(r.Body, key) || strings.Contains(r.Body, secret) || strings.Contains(r.Body, "4711") {
			t.Fatalf("POST %s sent a typed secret back", path)
		}
		if strings.Count(r.Body, `data-testid="retype-secret"`) != 2 || !strings.Contains(r.Body, `value="`+woo.URL()+`"`) {
			t.Fatalf("POST %s: the secrets are not asked for again, or the Store URL was lost: %.2000s", path, r.Body)
		}
	}

	shop := shopifyfake.New(shopifyfake.Options{})
	defer shop.Close()
	chURL := c.Post("/channels", shopForm(shop, shopifyfake.DefaultAccessToken)).Location
	id, _ := strconv.ParseInt(strings.TrimPrefix(chURL, "/channels/"), 10, 64)
	s.Store.SetNeedsAttention(context.Background(), id, "The channel rejected its credentials during a sync: reconnect it.")
	c.Get(chURL)
	r := c.Post(chURL+"/credentials", url.Values{"cred_shop_url": {shop.URL()}, "cred_access_token": {"shpat_typed4711"}})
	if r.Status != http.StatusUnprocessableEntity || strings.Contains(r.Body, "shpat_typed4711") || !strings.Contains(r.Body, `data-testid="retype-secret"`) {
		t.Fatalf("failed reconnect: %d, echoes the token: %v", r.Status, strings.Contains(r.Body, "shpat_typed4711"))
	}
}

// formError is the form's error message, for failure output.
func formError(body string) string {
	_, after, ok := strings.Cut(body, `data-testid="form-error">`)
	if !ok {
		return ""
	}
	msg, _, _ := strings.Cut(after, "<")
	return msg
}
