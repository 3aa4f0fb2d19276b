package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/inventory"
)

// AvailabilityHook is told, inside the transaction and just before it
// commits, which items' available quantity that transaction changed. Stock
// push enqueues its job here, so a rolled-back document is never pushed and
// a committed one never missed. An error rolls the whole document back.
type AvailabilityHook func(ctx context.Context, tx *sqlx.Tx, itemIDs []int64) error

// SetAvailabilityHook installs the hook; call it once at start-up.
func (s *Store) SetAvailabilityHook(h AvailabilityHook) { s.hook = h }

// movement is one ledger row to be written.
type movement struct {
	item, warehouse   int64
	onHand, committed int64
}

// stockChange collects the movements of one document.
type stockChange struct {
	kind  string
	docID int64
	user  *int64
	moves []movement
	// head, when set, is the document's own write (inlined), sent in the
	// same round trip as the ledger; it returns one id, kept in headID.
	// When the document is new, the ledger reads its id as docIDSQL (the
	// sequence's currval). A document then costs BEGIN, one round trip
	// and COMMIT.
	head, docIDSQL string
	headID         int64
}

func (c *stockChange) add(item, warehouse, onHand, committed int64) {
	if onHand == 0 && committed == 0 {
		return
	}
	c.moves = append(c.moves, movement{item, warehouse, onHand, committed})
}

// stockTx runs one document in one transaction: fn writes the document and
// records its movements; then the ledger, balances and item totals are
// written and the availability hook runs. This is the only path by which
// stock changes.
// When fn sets a head, the id it returns is stored in docID.
func (s *Store) stockTx(ctx context.Context, fn func(tx *sqlx.Tx, c *stockChange) error, docID ...*int64) error {
	return s.InTx(ctx, func(tx *sqlx.Tx) error {
		c := &stockChange{}
		if err := fn(tx, c); err != nil {
			return err
		}
		changed, err := applyMovements(ctx, tx, c)
		if err != nil {
			return err
		}
		if len(docID) > 0 {
			*docID[0] = c.headID
		}
		if s.hook != nil && len(changed) > 0 {
			if err := s.hook(ctx, tx, changed); err != nil {
				return fmt.Errorf("store: availability hook: %w", err)
			}
		}
		return nil
	})
}

type balanceKey struct{ item, warehouse int64 }

// applyMovements writes the ledger and brings balances and item totals in
// line with it, returning the items whose available quantity changed.
// Locks are taken in one global order — balances by (item, warehouse), then
// item totals by item id — so concurrent documents wait for each other but
// never deadlock.
func applyMovements(ctx context.Context, tx *sqlx.Tx, c *stockChange) ([]int64, error) {
	if len(c.moves) == 0 {
		if c.head != "" {
			if err := tx.GetContext(ctx, &c.headID, c.head); err != nil {
				return nil, fmt.Errorf("store: write document: %w", mapFK(err))
			}
		}
		return nil, nil
	}
	sums := map[balanceKey]movement{}
	for _, m := range c.moves {
		k := balanceKey{m.item, m.warehouse}
		s := sums[k]
		s.item, s.warehouse = m.item, m.warehouse
		s.onHand += m.onHand
		s.committed += m.committed
		sums[k] = s
	}
	keys := make([]balanceKey, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b balanceKey) int {
		if a.item != b.item {
			return int(sign(a.item - b.item))
		}
		return int(sign(a.warehouse - b.warehouse))
	})
	var li, lw, lo, lc []int64
	for _, m := range c.moves {
		li, lw, lo, lc = append(li, m.item), append(lw, m.warehouse), append(lo, m.onHand), append(lc, m.committed)
	}
	var bi, bw, bo, bc []int64
	for _, k := range keys {
		s := sums[k]
		bi, bw, bo, bc = append(bi, s.item), append(bw, s.warehouse), append(bo, s.onHand), append(bc, s.committed)
	}
	// Item totals, in id order (keys are sorted by item first).
	type total struct{ onHand, committed int64 }
	totals := map[int64]total{}
	var ids []int64
	for _, k := range keys {
		s := sums[k]
		t, seen := totals[k.item]
		if !seen {
			ids = append(ids, k.item)
		}
		t.onHand += s.onHand
		t.committed += s.committed
		totals[k.item] = t
	}
	var to, tc []int64
	var changed []int64
	for _, id := range ids {
		t := totals[id]
		to, tc = append(to, t.onHand), append(tc, t.committed)
		if t.onHand != t.committed {
			changed = append(changed, id)
		}
	}
	// One round trip, two statements run in order: the ledger and the
	// balances, then the item totals; in each, a sorted SELECT feeds the
	// upsert, so rows are locked in key order.
	var docID any = c.docID
	if c.docIDSQL != "" {
		docID = sqlExpr(c.docIDSQL)
	}
	q := inlineSQL(`WITH ledger AS (
			INSERT INTO stock_movements (item_id, warehouse_id, on_hand_delta, committed_delta, doc_kind, doc_id, created_by)
			SELECT i, w, o, c, $9, $10, $11 FROM unnest($1, $2, $3, $4) AS m(i, w, o, c))
		INSERT INTO stock_balances AS b (item_id, warehouse_id, on_hand, committed)
		SELECT i, w, o, c FROM unnest($5, $6, $7, $8) AS u(i, w, o, c) ORDER BY i, w
		ON CONFLICT (item_id, warehouse_id) DO UPDATE
			SET on_hand = b.on_hand + EXCLUDED.on_hand, committed = b.committed + EXCLUDED.committed
		RETURNING item_id, warehouse_id, on_hand;
		INSERT INTO item_stock AS t (item_id, on_hand, committed)
		SELECT i, o, c FROM unnest($12, $13, $14) AS u(i, o, c) ORDER BY i
		ON CONFLICT (item_id) DO UPDATE SET on_hand = t.on_hand + EXCLUDED.on_hand, committed = t.committed + EXCLUDED.committed`,
		li, lw, lo, lc, bi, bw, bo, bc, inlineText(c.kind), docID, c.user, ids, to, tc)
	if c.head != "" {
		q = c.head + ";\n" + q
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store: write stock movements: %w", mapFK(err))
	}
	if c.head != "" {
		for rows.Next() {
			if err := rows.Scan(&c.headID); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: write document: %w", err)
			}
		}
		if !rows.NextResultSet() {
			err := rows.Err()
			rows.Close()
			if err == nil {
				err = errors.New("no result from the ledger statement")
			}
			return nil, fmt.Errorf("store: write document: %w", mapFK(err))
		}
	}
	var short *balanceKey
	var shortOnHand int64
	for rows.Next() {
		var k balanceKey
		var onHand int64
		if err := rows.Scan(&k.item, &k.warehouse, &onHand); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: read balances: %w", err)
		}
		if onHand < 0 && sums[k].onHand < 0 && short == nil {
			short, shortOnHand = &k, onHand
		}
	}
	for rows.NextResultSet() {
		for rows.Next() {
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, fmt.Errorf("store: write stock movements: %w", mapFK(err))
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("store: write stock movements: %w", err)
	}
	if short != nil {
		return nil, belowZero(ctx, tx, *short, shortOnHand-sums[*short].onHand, -sums[*short].onHand)
	}
	return changed, nil
}

func belowZero(ctx context.Context, tx *sqlx.Tx, k balanceKey, onHand, remove int64) error {
	var it inventory.Item
	var wh string
	if err := tx.QueryRowxContext(ctx, `SELECT i.name, i.sku, w.name FROM items i, warehouses w WHERE i.id = $1 AND w.id = $2`,
		k.item, k.warehouse).Scan(&it.Name, &it.SKU, &wh); err != nil {
		return fmt.Errorf("store: describe shortage: %w", err)
	}
	return &inventory.BelowZeroError{Item: it.Label(), Warehouse: wh, OnHand: onHand, Remove: remove}
}

func sign(x int64) int64 {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

func asPQ(err error, target **pq.Error) bool { return errors.As(err, target) }
