package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"
)

const (
	suggestItems       = 500_000
	suggestLinked      = 80_000 // listings linked already
	suggestUnconfirmed = 20_000 // unconfirmed listings; half resemble an item
)

// benchSuggest: suggestions over 500,000 items with realistic names.
// channel_item_page_p99_ms is the page of an unconfirmed listing with its
// three suggestions at 20 clients (rotating over 400 listings of every
// kind); bulk_suggest_10k_s is the preview of 10,000 listings' top
// suggestions, over HTTP, rendered.
func benchSuggest(ctx context.Context, env *benchEnv) error {
	dbURL, db, _, err := env.newDatabaseWithUser(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	channelID, err := seedSuggest(ctx, db)
	if err != nil {
		return err
	}
	report("suggest_seed_s", time.Since(start).Seconds(), "s")
	var pages []int64
	if err := db.QueryRowContext(ctx, `SELECT array_agg(id ORDER BY id) FROM (SELECT id FROM channel_items WHERE item_id IS NULL
		ORDER BY id LIMIT 400) l`).Scan(pq.Array(&pages)); err != nil {
		return err
	}
	srv, cookie, err := env.startSignedIn(ctx, dbURL)
	if err != nil {
		return err
	}
	defer srv.Stop()
	reqs := make([][]byte, len(pages))
	for i, id := range pages {
		reqs[i] = getRequest(srv.Addr, "/channel-items/"+strconv.FormatInt(id, 10), "Cookie", cookie)
	}
	res, err := loadRotating(ctx, srv.Addr, reqs, http.StatusOK, 20, 3*time.Second, 10*time.Second)
	if err != nil {
		return fmt.Errorf("channel item page: %w", err)
	}
	log.Printf("channel_item_page: %.0f req/s over %d listings", res.rps(), len(pages))
	report("channel_item_page_p50_ms", ms(res.percentile(0.50)), "ms")
	report("channel_item_page_p99_ms", ms(res.percentile(0.99)), "ms")
	// The same page of linked listings, which has no suggestions: what the
	// page costs without them, on the same machine at the same moment.
	var linked []int64
	if err := db.QueryRowContext(ctx, `SELECT array_agg(id ORDER BY id) FROM (SELECT id FROM channel_items WHERE item_id IS NOT NULL
		ORDER BY id LIMIT 400) l`).Scan(pq.Array(&linked)); err != nil {
		return err
	}
	for i, id := range linked {
		reqs[i] = getRequest(srv.Addr, "/channel-items/"+strconv.FormatInt(id, 10), "Cookie", cookie)
	}
	base, err := loadRotating(ctx, srv.Addr, reqs, http.StatusOK, 20, 3*time.Second, 10*time.Second)
	if err != nil {
		return fmt.Errorf("linked channel item page: %w", err)
	}
	report("channel_item_page_linked_p99_ms", ms(base.percentile(0.99)), "ms")

	// The preview of the first 10,000 unconfirmed listings of the channel,
	// three times (the first also warms the cache); the median counts.
	url := srv.URL + "/channel-items/bulk/suggest?all=1&status=unconfirmed&channel=" + strconv.FormatInt(channelID, 10)
	var took []time.Duration
	for i := 0; i < 3; i++ {
		t0 := time.Now()
		n, err := getPreview(ctx, url, cookie)
		if err != nil {
			return err
		}
		took = append(took, time.Since(t0))
		log.Printf("bulk_suggest: preview of 10,000 in %s, %d suggested", took[i].Round(time.Millisecond), n)
	}
	slices.Sort(took)
	report("bulk_suggest_10k_s", took[1].Seconds(), "s")
	return nil
}

func getPreview(ctx context.Context, url, cookie string) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Cookie", cookie)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err
	}
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `data-testid="suggest-summary"`) {
		return 0, fmt.Errorf("preview: status %d", res.StatusCode)
	}
	return strings.Count(string(body), `name="pair"`), nil
}

// Names as a shop's catalogue has them: a brand (3,000, made up), a
// material, a kind of thing, a colour and a size, e.g. "Kovira Oak Chair
// Sage 45cm". Each part repeats across thousands of items, as real words
// do, while the brand and the size tell most items apart.
var (
	brandSyllables = strings.Fields("ka ve lo mi tar sen dor fi qua bre nox ul zen pa ri mo vel cas tin ro")
	colours        = strings.Fields("Sage Ivory Black White Navy Rust Ochre Slate Blush Teal Sand Olive Charcoal Cream Forest Plum Mustard Stone Coral Smoke")
	sizeUnits      = []string{"cm", "ml", "mm", "g"}
)

func brand(b int) string {
	n := len(brandSyllables)
	s := brandSyllables[b%n] + brandSyllables[(b/n)%n]
	if b%3 != 0 {
		s += brandSyllables[(b/(n*n))%n]
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func mix(i int) int {
	x := uint64(i)*0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019
	x ^= x >> 29
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 32
	return int(x & 0x7fffffff)
}

func suggestName(i int) string {
	h := mix(i)
	return fmt.Sprintf("%s %s %s %s %d%s", brand(h%3000), materials[(h/3000)%len(materials)], nouns[(h/72000)%len(nouns)],
		colours[(h/7)%len(colours)], 10+(h/11)%90, sizeUnits[(h/13)%len(sizeUnits)])
}

func suggestSKU(i int) string {
	return fmt.Sprintf("%s-%06d", strings.ToUpper(brand(mix(i) % 3000)[:3]), i)
}

func suggestPrice(i int) string {
	h := mix(i + 17)
	return fmt.Sprintf("%d.%s", 5+h%196, []string{"99", "49", "00"}[h%3])
}

// seedSuggest copies the items and one channel's listings: 80,000 linked
// and 20,000 unconfirmed, of which, in tens: one has an item's SKU apart
// from case and punctuation, one an item's name apart from case and
// spacing, one an item's name with words added at its price, one an
// item's name with its colour changed at another price, one an item's name
// with a word left out, and five are products of their own.
func seedSuggest(ctx context.Context, db *sql.DB) (int64, error) {
	start := time.Now()
	defs, err := dropIndexes(ctx, db, "items", "item_stock")
	if err != nil {
		return 0, err
	}
	if err := copyRows(ctx, db, "items", []string{"id", "name", "sku", "selling_price", "purchase_price"}, suggestItems,
		func(i int, emit func(...any) error) error {
			return emit(int64(i), suggestName(i), suggestSKU(i), suggestPrice(i), suggestPrice(i))
		}); err != nil {
		return 0, err
	}
	if err := copyRows(ctx, db, "item_stock", []string{"item_id", "on_hand"}, suggestItems, func(i int, emit func(...any) error) error {
		return emit(int64(i), int64(i%40))
	}); err != nil {
		return 0, err
	}
	// The copy skips triggers (copyRows), so the words table is filled here
	// as its trigger would (migration 00027).
	if _, err := db.ExecContext(ctx, `INSERT INTO item_name_words (word, item_id)
		SELECT t.lexeme, i.id FROM items i, unnest(to_tsvector('simple', i.name)) t WHERE i.active`); err != nil {
		return 0, err
	}
	if _, err := db.ExecContext(ctx, `SELECT setval('items_id_seq', $1)`, suggestItems); err != nil {
		return 0, err
	}
	var channelID int64
	if err := db.QueryRowContext(ctx, `INSERT INTO channels (kind, name, credentials) VALUES ('shopify', 'Bench shop', '\x01') RETURNING id`).Scan(&channelID); err != nil {
		return 0, err
	}
	part := "channel_items_" + strconv.FormatInt(channelID, 10)
	if _, err := db.ExecContext(ctx, `CREATE TABLE `+part+` PARTITION OF channel_items FOR VALUES IN (`+strconv.FormatInt(channelID, 10)+`)`); err != nil {
		return 0, err
	}
	total := suggestLinked + suggestUnconfirmed
	err = copyRows(ctx, db, part, []string{"channel_id", "external_id", "sku", "name", "price", "quantity", "item_id", "link_source", "linked_at", "listing_key"},
		total, func(i int, emit func(...any) error) error {
			ext := "gid://shopify/ProductVariant/" + strconv.Itoa(i)
			if i <= suggestLinked {
				item := (i*6)%suggestItems + 1
				return emit(channelID, ext, suggestSKU(item), suggestName(item), suggestPrice(item), i%30, int64(item), "sku", start, int64(mix(i)))
			}
			j := i - suggestLinked
			item := (j*24+7)%suggestItems + 1
			sku, name, price := "CH-"+strconv.Itoa(j), suggestName(item), suggestPrice(item)
			switch j % 10 {
			case 0:
				sku = strings.ToLower(strings.ReplaceAll(suggestSKU(item), "-", " "))
				name = "Listing " + strconv.Itoa(j)
			case 1:
				name = strings.ToUpper(strings.ReplaceAll(name, " ", "  "))
			case 2:
				name += " Gift Box"
			case 3:
				w := strings.Fields(name)
				w[3] = colours[(slices.Index(colours, w[3])+1)%len(colours)]
				name, price = strings.Join(w, " "), "1"+price
			case 4:
				w := strings.Fields(name)
				name, price = strings.Join(append(w[:1:1], w[2:]...), " "), "2"+price
			default:
				name, price = suggestName(1_000_000+j), suggestPrice(1_000_000+j)
			}
			return emit(channelID, ext, sku, name, price, i%30, nil, nil, nil, int64(mix(i)))
		})
	if err != nil {
		return 0, err
	}
	if _, err := db.ExecContext(ctx, `UPDATE channels SET listings = $2, unconfirmed = $3 WHERE id = $1`, channelID, total, suggestUnconfirmed); err != nil {
		return 0, err
	}
	log.Printf("suggest: copied %d items and %d listings in %s", suggestItems, total, time.Since(start).Round(time.Millisecond))
	if err := rebuildIndexes(ctx, db, defs); err != nil {
		return 0, err
	}
	for _, t := range []string{"items", "item_stock", "item_name_words", part} {
		if _, err := db.ExecContext(ctx, `VACUUM ANALYZE `+t); err != nil {
			return 0, err
		}
	}
	if _, err := db.ExecContext(ctx, `CHECKPOINT`); err != nil {
		return 0, err
	}
	log.Printf("suggest: seeded in %s", time.Since(start).Round(time.Millisecond))
	return channelID, nil
}

// dropIndexes drops the tables' secondary indexes and returns their
// definitions for rebuildIndexes: building an index once after a COPY
// costs a fraction of keeping it row by row.
func dropIndexes(ctx context.Context, db *sql.DB, tables ...string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY($1) AND indexname NOT LIKE '%_pkey'`, pq.Array(tables))
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			return nil, err
		}
		names, defs = append(names, n), append(defs, d)
	}
	rows.Close()
	for _, n := range names {
		if _, err := db.ExecContext(ctx, `DROP INDEX `+pq.QuoteIdentifier(n)); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

func rebuildIndexes(ctx context.Context, db *sql.DB, defs []string) error {
	start := time.Now()
	g := newGroup(ctx, 2)
	for _, d := range defs {
		g.Go(func() error {
			conn, err := db.Conn(g.ctx)
			if err != nil {
				return err
			}
			defer conn.Close()
			if _, err := conn.ExecContext(g.ctx, `SET maintenance_work_mem = '256MB'`); err != nil {
				return err
			}
			if _, err := conn.ExecContext(g.ctx, d); err != nil {
				return fmt.Errorf("seed: %s: %w", d, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	log.Printf("suggest: rebuilt %d indexes in %s", len(defs), time.Since(start).Round(time.Millisecond))
	return nil
}
