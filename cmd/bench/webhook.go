package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"stocksync/internal/channel"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/store"
)

const (
	webhookDeliveries = 300
	webhookSecret     = "bench-client-secret"
	webhookSenders    = 4
	webhookEvery      = 50 * time.Millisecond // per sender: 80 deliveries a second in all
)

// benchWebhook sends signed Shopify order deliveries to a running server
// (its own process, with its job workers) at a steady rate and measures how
// long the channel waits for its answer, and how long from sending until
// the delivery's job has imported the order (its delivery is marked
// processed in the transaction after the import, so the order shows on its
// page from then on). Should a delivery import nothing (its order
// refused), that second figure is reported as webhook_to_processed.
func benchWebhook(ctx context.Context, env *benchEnv) error {
	st, dbURL, err := env.newStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	shop := shopifyfake.New(shopifyfake.Options{})
	defer shop.Close()
	shop.Generate(50, 7)
	// The server's STOCKSYNC_SECRET_KEY, so the server opens what this seals.
	key := bytes.Repeat([]byte{0xcd}, 32)
	svc, err := sandboxService(st, key, channel.Options{})
	if err != nil {
		return err
	}
	id, err := svc.Connect(ctx, channelsync.ConnectRequest{Kind: "shopify", Name: "Bench Shopify",
		Credentials:  map[string]string{"shop_url": shop.URL(), "access_token": shopifyfake.DefaultAccessToken, "webhook_secret": webhookSecret},
		SyncInterval: 24 * time.Hour, FirstSyncDelay: 24 * time.Hour})
	if err != nil {
		return err
	}
	srv, err := env.startServer(ctx, dbURL, "STOCKSYNC_CHANNEL_ALLOW=127.0.0.1")
	if err != nil {
		return err
	}
	defer srv.Stop()
	to := srv.URL + "/webhooks/shopify/" + strconv.FormatInt(id, 10)
	variants := shop.Listings()

	var mu sync.Mutex
	var answers, imports []time.Duration
	var problems []string
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for s := range webhookSenders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(webhookEvery)
			defer tick.Stop()
			for i := s; i < webhookDeliveries; i += webhookSenders {
				<-tick.C
				body := benchOrderBody(i, variants)
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, to, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Shopify-Topic", "orders/create")
				req.Header.Set("X-Shopify-Webhook-Id", "bench-"+strconv.Itoa(i))
				req.Header.Set("X-Shopify-Hmac-Sha256", channel.SignWebhook(body, webhookSecret))
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					log.Printf("webhook: delivery %d: %v", i, err)
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				answered := time.Since(t0)
				if res.StatusCode != http.StatusOK {
					log.Printf("webhook: delivery %d answered %d", i, res.StatusCode)
					continue
				}
				problem, err := waitProcessed(ctx, st, "bench-"+strconv.Itoa(i))
				done := time.Since(t0)
				mu.Lock()
				answers = append(answers, answered)
				if err == nil {
					imports = append(imports, done)
					if problem != "" {
						problems = append(problems, problem)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(imports) < webhookDeliveries*9/10 {
		return fmt.Errorf("only %d of %d deliveries were processed", len(imports), webhookDeliveries)
	}
	report("webhook_answer_p50_ms", ms(percentile(answers, 0.50)), "ms")
	report("webhook_answer_p95_ms", ms(percentile(answers, 0.95)), "ms")
	name := "webhook_to_order"
	if len(problems) > 0 {
		log.Printf("webhook: %d deliveries were processed without an order, for example: %s", len(problems), problems[0])
		name = "webhook_to_processed"
	}
	report(name+"_p50_ms", ms(percentile(imports, 0.50)), "ms")
	report(name+"_p95_ms", ms(percentile(imports, 0.95)), "ms")
	return nil
}

// waitProcessed polls until the delivery's job has run and returns why it
// imported nothing ("" when it imported the order).
func waitProcessed(ctx context.Context, st *store.Store, deliveryID string) (string, error) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var d struct {
			Done  bool    `db:"done"`
			Error *string `db:"error"`
		}
		err := st.DB.GetContext(ctx, &d, `SELECT processed_at IS NOT NULL AS done, error FROM webhook_deliveries WHERE delivery_id = $1`, deliveryID)
		if err == nil && d.Done {
			if d.Error != nil {
				return *d.Error, nil
			}
			return "", nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return "", fmt.Errorf("delivery %s not processed within 30 s", deliveryID)
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// benchOrderBody is an order of two lines as Shopify's orders/create
// webhook carries it.
func benchOrderBody(i int, variants []shopifyfake.Listing) []byte {
	n := 6_000_000_000 + i
	now := time.Now().UTC().Format(time.RFC3339)
	var lines []string
	for j := range 2 {
		v := variants[(i+j*7)%len(variants)]
		variant := strings.TrimPrefix(v.ID, "gid://shopify/ProductVariant/")
		lines = append(lines, fmt.Sprintf(`{"id":%d%d,"admin_graphql_api_id":"gid://shopify/LineItem/%d%d","variant_id":%s,`+
			`"sku":%q,"name":"Bench line","quantity":%d,"price":"12.50"}`, n, j, n, j, variant, v.SKU, 1+j))
	}
	return fmt.Appendf(nil, `{"id":%d,"admin_graphql_api_id":"gid://shopify/Order/%d","name":"#B%d","currency":"USD",`+
		`"created_at":%q,"updated_at":%q,"cancelled_at":null,"financial_status":"paid","fulfillment_status":null,"line_items":[%s]}`,
		n, n, i, now, now, strings.Join(lines, ","))
}
