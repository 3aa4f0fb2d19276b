package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"stocksync/internal/auth"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/testkit/webtest"
)

func TestWebhookSecretIsSetOnItsOwnAndNeverShown(t *testing.T) {
	s := webtest.NewServer(t)
	id := connectHooked(t, s, "woocommerce", "")
	chURL := "/channels/" + strconv.FormatInt(id, 10)
	staff, _ := s.SignedIn(t, auth.RoleStaff)
	staff.Get(chURL)
	if r := staff.Post(chURL+"/webhook-secret", url.Values{"webhook_secret": {"x"}}); r.Status != http.StatusForbidden {
		t.Fatalf("staff setting the secret: %d, want 403", r.Status)
	}
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	c.Get(chURL)
	if r := c.Post(chURL+"/webhook-secret", url.Values{"webhook_secret": {"  "}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-webhook_secret-msg" class="invalid-feedback`) {
		t.Fatalf("blank secret: %d", r.Status)
	}
	const secret = "woo-secret-typed-9931"
	r := c.Post(chURL+"/webhook-secret", url.Values{"webhook_secret": {secret}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("set secret: %d", r.Status)
	}
	page := c.Get(chURL).Body
	if strings.Contains(page, secret) || strings.Contains(page, "9931") || strings.Contains(page, `data-testid="webhook-no-secret"`) {
		t.Fatal("the page shows the secret, or still says none is set")
	}
	if st := deliver(t, hookURL(s, "woocommerce", id), wooHook, "d-1", sign(wooHook.body, secret), bytes.NewReader(wooHook.body)); st != http.StatusOK {
		t.Fatalf("delivery signed with the new secret: %d, want 200", st)
	}
	// The API credentials still work: the connector is unchanged.
	ch, err := s.Store.Channel(context.Background(), id)
	if err != nil || ch.CredentialsHint == "" || ch.NeedsAttention != nil {
		t.Fatalf("channel after setting the secret: %+v %v", ch, err)
	}
}

// TestReconnectKeepsTheWebhookSecretLeftBlank: reconnecting after a rotated
// token, with the optional webhook secret left empty, keeps the stored one.
func TestReconnectKeepsTheWebhookSecretLeftBlank(t *testing.T) {
	s := webtest.NewServer(t)
	shop := shopifyfake.New(shopifyfake.Options{})
	defer shop.Close()
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	c.Get("/channels/new?kind=shopify")
	form := shopForm(shop, shopifyfake.DefaultAccessToken)
	form.Set("cred_webhook_secret", hookSecret)
	chURL := c.Post("/channels", form).Location
	id, _ := strconv.ParseInt(strings.TrimPrefix(chURL, "/channels/"), 10, 64)
	if st := deliver(t, hookURL(s, "shopify", id), shopifyHook, "d-1", sign(shopifyHook.body, hookSecret), bytes.NewReader(shopifyHook.body)); st != http.StatusOK {
		t.Fatalf("delivery signed with the secret typed on Connect: %d", st)
	}
	s.Store.SetNeedsAttention(context.Background(), id, "The channel rejected its credentials during a sync: reconnect it.")
	c.Get(chURL)
	r := c.Post(chURL+"/credentials", url.Values{"cred_shop_url": {shop.URL()}, "cred_access_token": {shopifyfake.DefaultAccessToken}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("reconnect without a webhook secret: %d %s", r.Status, formError(r.Body))
	}
	if st := deliver(t, hookURL(s, "shopify", id), shopifyHook, "d-2", sign(shopifyHook.body, hookSecret), bytes.NewReader(shopifyHook.body)); st != http.StatusOK {
		t.Fatalf("after reconnecting, the kept secret: %d, want 200", st)
	}
}
