package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// unconfirmedSearches are what staff type into the Unconfirmed Items
// list's search, sent in turn: broad words that match thousands of the
// channel's unconfirmed listings, a pair of words, a number and SKUs as
// shops write them that match a handful, and a word that matches none.
var unconfirmedSearches = []string{"oak", "chair", "walnut lamp", "412345", "sku 04123", "ms-5012", "rustik", "velvet cushion set"}

// benchUnconfirmed: the Unconfirmed Items list of the seed's biggest
// channel (500,000 listings, 100,000 unconfirmed; see settle_seed.go),
// then the same list searched, at 20 keep-alive clients against the real
// server, signed in.
func benchUnconfirmed(ctx context.Context, env *benchEnv) error {
	dbURL, err := settleSeed(ctx, env)
	if err != nil {
		return err
	}
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	ids, err := settleChannelIDs(ctx, db)
	db.Close()
	if err != nil {
		return err
	}
	srv, cookie, err := env.startSignedIn(ctx, dbURL)
	if err != nil {
		return err
	}
	defer srv.Stop()
	list := "/channel-items?status=unconfirmed&channel=" + strconv.FormatInt(ids[0], 10)
	var searches [][]byte
	for _, q := range unconfirmedSearches {
		path := list + "&q=" + url.QueryEscape(q)
		rows, err := listingRows(srv.URL+path, cookie)
		if err != nil {
			return err
		}
		log.Printf("unconfirmed: %q shows %d listings on its first page", q, rows)
		searches = append(searches, getRequest(srv.Addr, path, "Cookie", cookie))
	}
	if rows, err := listingRows(srv.URL+list, cookie); err != nil || rows != 50 {
		return fmt.Errorf("the unconfirmed list shows %d listings (want a page of 50): %v", rows, err)
	}
	for _, p := range []struct {
		name string
		reqs [][]byte
	}{
		{"unconfirmed_list", [][]byte{getRequest(srv.Addr, list, "Cookie", cookie)}},
		{"unconfirmed_search", searches},
	} {
		log.Printf("%s: machine load before: %s", p.name, loadAverage())
		res, err := loadRotating(ctx, srv.Addr, p.reqs, http.StatusOK, 20, 2*time.Second, 8*time.Second)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		log.Printf("%s: %.0f req/s; machine load after: %s", p.name, res.rps(), loadAverage())
		report(p.name+"_p50_ms", ms(res.percentile(0.50)), "ms")
		report(p.name+"_p99_ms", ms(res.percentile(0.99)), "ms")
	}
	return nil
}

// listingRows fetches a list page and counts its listings.
func listingRows(u, cookie string) (int, error) {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Cookie", cookie)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: status %d", u, res.StatusCode)
	}
	return strings.Count(string(body), `data-testid="listing-link"`), nil
}

// loadAverage is the machine's 1, 5 and 15 minute load (two cores, shared).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
