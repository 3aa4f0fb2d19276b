package web_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"stocksync/internal/auth"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	woofake "stocksync/internal/channel/woocommerce/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/testkit/webtest"
)

const hookSecret = "whsec-test-2b7e151628aed2a6"

// sign is written out here rather than taken from the code under test.
func sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

type hookKind struct {
	kind, sigHeader, idHeader, topicHeader, topic string
	body                                          []byte
}

var (
	shopifyHook = hookKind{"shopify", "X-Shopify-Hmac-Sha256", "X-Shopify-Webhook-Id", "X-Shopify-Topic", "orders/create",
		[]byte(`{"id":5000000001,"admin_graphql_api_id":"gid://shopify/Order/5000000001","name":"#1001","currency":"USD",` +
			`"created_at":"2026-11-29T10:00:00Z","updated_at":"2026-11-29T10:00:00Z","cancelled_at":null,"financial_status":"paid",` +
			`"line_items":[{"id":13000000001,"admin_graphql_api_id":"gid://shopify/LineItem/13000000001","variant_id":44000000001,` +
			`"sku":"OAK-1","name":"Oak chair","quantity":2,"price":"19.50"}]}`)}
	wooHook = hookKind{"woocommerce", "X-WC-Webhook-Signature", "X-WC-Webhook-Delivery-ID", "X-WC-Webhook-Topic", "order.created",
		[]byte(`{"id":727,"number":"727","status":"processing","currency":"EUR","date_created_gmt":"2026-11-29T10:00:00",` +
			`"date_modified_gmt":"2026-11-29T10:00:00","total":"39.00","line_items":[{"id":1,"name":"Oak chair","product_id":100,` +
			`"variation_id":0,"quantity":2,"sku":"OAK-1","price":19.5,"total":"39.00"}]}`)}
)

// connectHooked connects a channel of the kind at a fake, with the webhook
// secret, and returns its id.
func connectHooked(t *testing.T, s *webtest.Server, kind, secret string) int64 {
	t.Helper()
	creds := map[string]string{"webhook_secret": secret}
	switch kind {
	case "shopify":
		shop := shopifyfake.New(shopifyfake.Options{})
		t.Cleanup(shop.Close)
		creds["shop_url"], creds["access_token"] = shop.URL(), shopifyfake.DefaultAccessToken
	default:
		woo := woofake.New(woofake.Options{})
		t.Cleanup(woo.Close)
		creds["site_url"], creds["consumer_key"], creds["consumer_secret"] = woo.URL(), woofake.DefaultConsumerKey, woofake.DefaultConsumerSecret
	}
	id, err := s.Channels.Connect(context.Background(), channelsync.ConnectRequest{Kind: kind, Name: kind + " shop",
		Credentials: creds, SyncInterval: 15 * time.Minute, FirstSyncDelay: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func hookURL(s *webtest.Server, kind string, id int64) string {
	return s.URL + "/webhooks/" + kind + "/" + strconv.FormatInt(id, 10)
}

// deliver posts a delivery as the channel would; sig "" sends none.
func deliver(t *testing.T, to string, k hookKind, deliveryID, sig string, body io.Reader) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, to, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(k.topicHeader, k.topic)
	if deliveryID != "" {
		req.Header.Set(k.idHeader, deliveryID)
	}
	if sig != "" {
		req.Header.Set(k.sigHeader, sig)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func countRows(t *testing.T, s *webtest.Server, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.Store.DB.Get(&n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWebhookSignedDeliveryIsStoredAndQueued(t *testing.T) {
	for _, k := range []hookKind{shopifyHook, wooHook} {
		t.Run(k.kind, func(t *testing.T) {
			s := webtest.NewServer(t)
			id := connectHooked(t, s, k.kind, hookSecret)
			if st := deliver(t, hookURL(s, k.kind, id), k, "d-1", sign(k.body, hookSecret), bytes.NewReader(k.body)); st != http.StatusOK {
				t.Fatalf("signed delivery: %d, want 200", st)
			}
			var row struct {
				ID    int64  `db:"id"`
				Topic string `db:"topic"`
				Body  []byte `db:"body"`
			}
			if err := s.Store.DB.Get(&row, `SELECT id, topic, body FROM webhook_deliveries WHERE channel_id = $1 AND delivery_id = 'd-1'`, id); err != nil {
				t.Fatalf("delivery not stored: %v", err)
			}
			if row.Topic != k.topic || !bytes.Equal(row.Body, k.body) {
				t.Fatalf("stored topic %q, body equal %v", row.Topic, bytes.Equal(row.Body, k.body))
			}
			if n := countRows(t, s, `SELECT count(*) FROM river_job WHERE kind = 'webhook_delivery' AND (args->>'delivery_id')::bigint = $1`, row.ID); n != 1 {
				t.Fatalf("%d import jobs for the delivery, want 1", n)
			}
			c, _ := s.SignedIn(t, auth.RoleStaff)
			page := c.Get("/channels/" + strconv.FormatInt(id, 10)).Body
			if !strings.Contains(page, `value="`+hookURL(s, k.kind, id)+`"`) {
				t.Error("the channel page does not show the absolute webhook address")
			}
			if got := testidText(page, "webhook-deliveries"); got != "1" {
				t.Errorf("deliveries shown: %q, want 1", got)
			}
			if got := testidText(page, "webhook-last"); got == "—" || got == "" {
				t.Errorf("last delivery shown as %q", got)
			}
			if strings.Contains(page, hookSecret) {
				t.Error("the channel page shows the webhook secret")
			}
		})
	}
}

// testidText is the text right inside the element with the data-testid.
func testidText(body, id string) string {
	_, after, ok := strings.Cut(body, `data-testid="`+id+`">`)
	if !ok {
		return ""
	}
	text, _, _ := strings.Cut(after, "<")
	return strings.TrimSpace(text)
}

func TestWebhookBadSignatureIsRefusedAndCounted(t *testing.T) {
	s := webtest.NewServer(t)
	id := connectHooked(t, s, "woocommerce", hookSecret)
	noSecret := connectHooked(t, s, "shopify", "")
	k := wooHook
	to := hookURL(s, k.kind, id)
	tampered := append(bytes.Clone(k.body[:len(k.body)-1]), ' ', '}')
	for name, st := range map[string]int{
		"missing":        deliver(t, to, k, "d-1", "", bytes.NewReader(k.body)),
		"other secret":   deliver(t, to, k, "d-2", sign(k.body, "another secret"), bytes.NewReader(k.body)),
		"tampered body":  deliver(t, to, k, "d-3", sign(k.body, hookSecret), bytes.NewReader(tampered)),
		"not base64":     deliver(t, to, k, "d-4", "%%%", bytes.NewReader(k.body)),
		"hex not base64": deliver(t, to, k, "d-5", "deadbeef", bytes.NewReader(k.body)),
	} {
		if st != http.StatusUnauthorized {
			t.Errorf("%s signature: %d, want 401", name, st)
		}
	}
	// A channel without a secret accepts nothing, not even an empty signature
	// of an empty secret.
	if st := deliver(t, hookURL(s, "shopify", noSecret), shopifyHook, "d-6", sign(shopifyHook.body, ""), bytes.NewReader(shopifyHook.body)); st != http.StatusUnauthorized {
		t.Errorf("channel without a secret: %d, want 401", st)
	}
	if n := countRows(t, s, `SELECT count(*) FROM webhook_deliveries`); n != 0 {
		t.Fatalf("%d deliveries stored from refused requests", n)
	}
	if n := countRows(t, s, `SELECT count(*) FROM river_job WHERE kind = 'webhook_delivery'`); n != 0 {
		t.Fatalf("%d jobs queued by refused requests", n)
	}
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	page := c.Get("/channels/" + strconv.FormatInt(id, 10)).Body
	if got := testidText(page, "webhook-rejected"); got != "5" {
		t.Errorf("rejected counter shows %q, want 5", got)
	}
	other := c.Get("/channels/" + strconv.FormatInt(noSecret, 10)).Body
	if testidText(other, "webhook-rejected") != "1" || !strings.Contains(other, `data-testid="webhook-no-secret"`) {
		t.Error("the channel without a secret does not say so, or did not count its refusal")
	}
}

func TestWebhookBodyOver1MiBIs413(t *testing.T) {
	s := webtest.NewServer(t)
	id := connectHooked(t, s, "shopify", hookSecret)
	to := hookURL(s, "shopify", id)
	big := bytes.Repeat([]byte(" "), 1<<20+1)
	if st := deliver(t, to, shopifyHook, "d-big", sign(big, hookSecret), bytes.NewReader(big)); st != http.StatusRequestEntityTooLarge {
		t.Fatalf("1 MiB + 1 with Content-Length: %d, want 413", st)
	}
	// Without a Content-Length (chunked), the cap holds while reading.
	if st := deliver(t, to, shopifyHook, "d-big2", sign(big, hookSecret), io.MultiReader(bytes.NewReader(big))); st != http.StatusRequestEntityTooLarge {
		t.Fatalf("1 MiB + 1 chunked: %d, want 413", st)
	}
	if n := countRows(t, s, `SELECT count(*) FROM webhook_deliveries`); n != 0 {
		t.Fatalf("%d deliveries stored from bodies over the cap", n)
	}
	// Exactly 1 MiB is read, checked and kept (its import then says it is no order).
	full := big[:1<<20]
	if st := deliver(t, to, shopifyHook, "d-full", sign(full, hookSecret), io.MultiReader(bytes.NewReader(full))); st != http.StatusOK {
		t.Fatalf("exactly 1 MiB: %d, want 200", st)
	}
}

func TestWebhookSameDeliveryThreeTimesAtOnceIsStoredOnce(t *testing.T) {
	s := webtest.NewServer(t)
	id := connectHooked(t, s, "shopify", hookSecret)
	k := shopifyHook
	sig := sign(k.body, hookSecret)
	var wg sync.WaitGroup
	statuses := make([]int, 3)
	start := make(chan struct{})
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i] = deliver(t, hookURL(s, k.kind, id), k, "same-delivery", sig, bytes.NewReader(k.body))
		}()
	}
	close(start)
	wg.Wait()
	for i, st := range statuses {
		if st != http.StatusOK {
			t.Errorf("copy %d: %d, want 200 (a copy is acknowledged so the channel stops retrying)", i, st)
		}
	}
	if n := countRows(t, s, `SELECT count(*) FROM webhook_deliveries`); n != 1 {
		t.Fatalf("%d delivery rows, want 1", n)
	}
	if n := countRows(t, s, `SELECT count(*) FROM river_job WHERE kind = 'webhook_delivery'`); n != 1 {
		t.Fatalf("%d import jobs, want 1", n)
	}
}

func TestWebhookAddressesThatLeadNowhereAre404(t *testing.T) {
	s := webtest.NewServer(t)
	woo := connectHooked(t, s, "woocommerce", hookSecret)
	gone := connectHooked(t, s, "shopify", hookSecret)
	if err := s.Store.DisconnectChannel(context.Background(), gone); err != nil {
		t.Fatal(err)
	}
	k := shopifyHook
	sig := sign(k.body, hookSecret)
	for name, to := range map[string]string{
		"unknown channel":       hookURL(s, "shopify", 999999),
		"another kind's":        hookURL(s, "shopify", woo),
		"disconnected":          hookURL(s, "shopify", gone),
		"kind without webhooks": hookURL(s, "etsy", woo),
		"not a number":          s.URL + "/webhooks/shopify/abc",
		"other path":            s.URL + "/webhooks/shopify",
	} {
		if st := deliver(t, to, k, "d-1", sig, bytes.NewReader(k.body)); st != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", name, st)
		}
	}
	if n := countRows(t, s, `SELECT count(*) FROM webhook_deliveries`) + countRows(t, s, `SELECT count(*) FROM webhook_rejections`); n != 0 {
		t.Fatalf("%d rows stored for addresses that lead nowhere", n)
	}
}

func TestWooCommercePingIsAnsweredWithoutStoring(t *testing.T) {
	s := webtest.NewServer(t)
	id := connectHooked(t, s, "woocommerce", hookSecret)
	res, err := http.Post(hookURL(s, "woocommerce", id), "application/x-www-form-urlencoded", strings.NewReader("webhook_id=12"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("ping: %d, want 200", res.StatusCode)
	}
	if n := countRows(t, s, `SELECT count(*) FROM webhook_deliveries`) + countRows(t, s, `SELECT count(*) FROM webhook_rejections`); n != 0 {
		t.Fatal("the ping was stored or counted as rejected")
	}
}
