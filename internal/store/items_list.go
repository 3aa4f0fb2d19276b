package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"stocksync/internal/inventory"
)

// ItemFilter is the items list query; every field comes from the URL.
type ItemFilter struct {
	Q      string
	Status string // active (default), inactive, all
	Stock  string // in, low, out, or "" for any
	Linked string // yes, no, or ""
	Sort   string // name (default), sku, available, updated
	After  int64  // id of the last row of the previous page
	Limit  int
}

type ListItem struct {
	ID             int64           `db:"id"`
	Name           string          `db:"name"`
	SKU            string          `db:"sku"`
	Unit           string          `db:"unit"`
	SellingPrice   inventory.Money `db:"selling_price"`
	OnHand         int64           `db:"on_hand"`
	Committed      int64           `db:"committed"`
	Available      int64           `db:"available"`
	ReorderLevel   int64           `db:"reorder_level"`
	Active         bool            `db:"active"`
	LinkedChannels int             `db:"linked_channels"`
	UpdatedAt      time.Time       `db:"updated_at"`
}

func (it ListItem) StockState() string { return inventory.StockState(it.Available, it.ReorderLevel) }

// ListItems returns one keyset page and the cursor of the next (0 at the
// end). Each sort has its own (key, id) index; the cursor row's key is read
// first so the page query is a plain index range scan.
func (s *Store) ListItems(ctx context.Context, f ItemFilter) ([]ListItem, int64, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch f.Status {
	case "inactive":
		where = append(where, "NOT i.active")
	case "all":
	default:
		where = append(where, "i.active")
	}
	switch f.Stock {
	case "in":
		where = append(where, "i.available > 0")
	case "low":
		where = append(where, "i.reorder_level > 0 AND i.available > 0 AND i.available <= i.reorder_level")
	case "out":
		where = append(where, "i.available <= 0")
	}
	switch f.Linked {
	case "yes":
		where = append(where, "i.linked_channels > 0")
	case "no":
		where = append(where, "i.linked_channels = 0")
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		esc := likeEscape(q)
		if utf8.RuneCountInString(q) >= 3 {
			// Contains, through the trigram indexes.
			p := arg("%" + esc + "%")
			where = append(where, "(i.name ILIKE "+p+" OR i.sku ILIKE "+p+")")
		} else {
			// Too short for trigrams: prefix, through the btree indexes.
			// SKUs are case-sensitive, but people type in lower case, so
			// the typed and the upper-cased prefix both match.
			p := arg(esc + "%")
			where = append(where, `(lower(i.name) COLLATE "C" LIKE lower(`+p+`) OR (i.sku <> '' AND (i.sku LIKE `+p+` OR i.sku LIKE upper(`+p+`))))`)
		}
	}
	order := `lower(i.name) COLLATE "C", i.id`
	if f.After > 0 {
		var k struct {
			Name      string    `db:"lname"`
			NoSKU     bool      `db:"no_sku"`
			SKU       string    `db:"sku"`
			Available int64     `db:"available"`
			UpdatedAt time.Time `db:"updated_at"`
		}
		err := s.DB.GetContext(ctx, &k, `SELECT lower(name) AS lname, sku = '' AS no_sku, sku, available, updated_at FROM items WHERE id = $1`, f.After)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, 0, fmt.Errorf("store: items cursor: %w", err)
		}
		if err == nil {
			id := arg(f.After)
			switch f.Sort {
			case "sku":
				where = append(where, "((i.sku = ''), i.sku, i.id) > ("+arg(k.NoSKU)+", "+arg(k.SKU)+", "+id+")")
			case "available":
				where = append(where, "(i.available, i.id) > ("+arg(k.Available)+", "+id+")")
			case "updated":
				where = append(where, "(i.updated_at, i.id) < ("+arg(k.UpdatedAt)+", "+id+")")
			default:
				where = append(where, `(lower(i.name) COLLATE "C", i.id) > (`+arg(k.Name)+", "+id+")")
			}
		}
	}
	switch f.Sort {
	case "sku":
		order = "(i.sku = ''), i.sku, i.id"
	case "available":
		order = "i.available, i.id"
	case "updated":
		order = "i.updated_at DESC, i.id DESC"
	}
	q := `SELECT i.id, i.name, i.sku, i.unit, i.selling_price, i.on_hand, i.committed, i.available, i.reorder_level,
		i.active, i.linked_channels, i.updated_at FROM items i`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY " + order + " LIMIT " + strconv.Itoa(f.Limit+1)
	var rows []ListItem
	if err := s.DB.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, 0, fmt.Errorf("store: list items: %w", err)
	}
	var next int64
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		next = rows[len(rows)-1].ID
	}
	return rows, next, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Counts for the dashboard.
type ItemCounts struct {
	Active int `db:"active"`
	Low    int `db:"low"`
	Out    int `db:"out"`
}

func (s *Store) ItemCounts(ctx context.Context) (ItemCounts, error) {
	var c ItemCounts
	err := s.DB.GetContext(ctx, &c, `SELECT
		(SELECT count(*) FROM items WHERE active) AS active,
		(SELECT count(*) FROM items WHERE active AND reorder_level > 0 AND available > 0 AND available <= reorder_level) AS low,
		(SELECT count(*) FROM items WHERE active AND available <= 0) AS out`)
	if err != nil {
		return c, fmt.Errorf("store: item counts: %w", err)
	}
	return c, nil
}
