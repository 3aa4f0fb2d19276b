package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/inventory"
)

// AvailabilityHook is told, inside the transaction and just before it
// commits, which items' available quantity that transaction changed (after
// their listings were marked for the stock push and the push enqueued, see
// availabilityChanged). An error rolls the whole document back.
type AvailabilityHook func(ctx context.Context, tx *sqlx.Tx, itemIDs []int64) error

// SetAvailabilityHook installs the hook; call it once at start-up.
func (s *Store) SetAvailabilityHook(h AvailabilityHook) { s.hook = h }

// PushEnqueuer enqueues, in the caller's transaction, a stock push of each
// channel (stock push sets it at start-up).
type PushEnqueuer func(ctx context.Context, tx *sqlx.Tx, channelIDs []int64, trigger string) error

// SetPushEnqueuer installs the enqueuer; call it once at start-up.
func (s *Store) SetPushEnqueuer(e PushEnqueuer) { s.enqueuePush = e }

// movement is one ledger row to be written.
type movement struct {
	item, warehouse   int64
	onHand, committed int64
}

// stockChange is one document: doc names its statement (documents, in
// stock_sql.go), by is the person, args its own arguments and moves the
// ledger rows it makes. Every value travels as a parameter; the statement
// is prepared once per connection.
type stockChange struct {
	doc   string
	by    int64
	args  []any
	moves []movement
}

func (c *stockChange) add(item, warehouse, onHand, committed int64) {
	if onHand == 0 && committed == 0 {
		return
	}
	c.moves = append(c.moves, movement{item, warehouse, onHand, committed})
}

// stockTx runs one document in one transaction: fn reads what it must
// (under lock) and describes the document; one statement then writes it
// with its ledger, balances and item totals, and the availability hook
// runs. Stock changes only by this path and by the same statement
// committing alone (stock_alone.go). The document's id is stored in docID
// when given.
func (s *Store) stockTx(ctx context.Context, fn func(tx *sqlx.Tx, c *stockChange) error, docID ...*int64) error {
	if err := s.prepareStockStatements(ctx); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *sqlx.Tx) error {
		c := &stockChange{}
		if err := fn(tx, c); err != nil {
			return err
		}
		if c.doc == "" {
			return nil
		}
		changed := availabilityChanged(c.moves)
		id, channels, err := s.writeDocument(ctx, tx, c, changed)
		if err != nil {
			return err
		}
		if len(docID) > 0 {
			*docID[0] = id
		}
		return s.availabilityChangedMarked(ctx, tx, changed, channels)
	})
}

// writeDocument runs the document's statement in tx: one round trip for
// the document, its ledger, balances and totals, and the marks of the
// changed items' listings for the stock push (taken after the balances, in
// listing id order, as every document takes them). It returns the channels
// of the marked listings. A decrease that took a balance below zero comes
// back as the first such balance and is refused.
func (s *Store) writeDocument(ctx context.Context, tx *sqlx.Tx, c *stockChange, changed []int64) (int64, []int64, error) {
	st, err := s.stockStatement(tx, documentCall(c.doc))
	if err != nil {
		return 0, nil, err
	}
	var id int64
	var shortItem, shortWarehouse, shortOnHand, shortRemove sql.NullInt64
	var channels pq.Int64Array
	if err := st.QueryRowContext(ctx, c.callArgs(changed)...).Scan(&id, &shortItem, &shortWarehouse, &shortOnHand, &shortRemove, &channels); err != nil {
		return 0, nil, fmt.Errorf("store: write %s: %w", c.doc, mapFK(err))
	}
	if shortItem.Valid {
		return 0, nil, belowZero(ctx, tx, balanceKey{shortItem.Int64, shortWarehouse.Int64}, shortOnHand.Int64, shortRemove.Int64)
	}
	return id, channels, nil
}

// callArgs are the document statement's arguments (stock_sql.go): its
// movements as four arrays, the items whose availability changed, the
// person, then the document's own.
func (c *stockChange) callArgs(changed []int64) []any {
	var items, whs, onHand, committed []int64
	for _, m := range c.moves {
		items, whs, onHand, committed = append(items, m.item), append(whs, m.warehouse), append(onHand, m.onHand), append(committed, m.committed)
	}
	return append([]any{pq.Array(items), pq.Array(whs), pq.Array(onHand), pq.Array(committed), pq.Array(changed), c.by}, c.args...)
}

// prepareStockStatements prepares every statement a stock transaction
// runs, before the first one begins. Preparing on the pool takes a
// connection of its own: inside a transaction that holds one, 40 writers
// would each wait for a 41st and none would finish.
func (s *Store) prepareStockStatements(ctx context.Context) error {
	if _, ok := s.stmts.Load(preparedKey{s.DB, lockOrderQuery}); ok {
		return nil
	}
	queries := []string{shipPackageQuery}
	for _, name := range documentNames() {
		queries = append(queries, documentCall(name))
	}
	for _, q := range append(queries, lockOrderQuery) { // lockOrderQuery last: it marks them all done
		if _, err := s.prepared(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// stockStatement is a statement prepared by prepareStockStatements, bound
// to tx's connection (prepared there once, then reused by later
// transactions on it).
func (s *Store) stockStatement(tx *sqlx.Tx, query string) (*sqlx.Stmt, error) {
	st, ok := s.stmts.Load(preparedKey{s.DB, query})
	if !ok {
		return nil, fmt.Errorf("store: statement not prepared before the transaction: %.60s", query)
	}
	return tx.Stmtx(st.(*sqlx.Stmt)), nil
}

type balanceKey struct{ item, warehouse int64 }

// availabilityChanged lists, in id order, the items whose available
// quantity the movements change.
func availabilityChanged(moves []movement) []int64 {
	net := map[int64]int64{}
	for _, m := range moves {
		net[m.item] += m.onHand - m.committed
	}
	var ids []int64
	for id, d := range net {
		if d != 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// lineArrays are a document's lines as array parameters: items,
// warehouses, quantities and, withRates, rates.
func lineArrays(lines []inventory.Line, withRates bool) []any {
	var items, whs, qty []int64
	var rates []inventory.Money
	for _, l := range lines {
		items, whs, qty, rates = append(items, l.ItemID), append(whs, l.WarehouseID), append(qty, l.Quantity), append(rates, l.Rate)
	}
	if !withRates {
		return []any{pq.Array(items), pq.Array(whs), pq.Array(qty)}
	}
	return []any{pq.Array(items), pq.Array(whs), pq.Array(qty), moneyArray(rates)}
}

// docDate is a document's date as the date its person picked.
func docDate(t time.Time) string { return t.Format("2006-01-02") }

func belowZero(ctx context.Context, tx *sqlx.Tx, k balanceKey, onHand, remove int64) error {
	var it inventory.Item
	var wh string
	if err := tx.QueryRowxContext(ctx, `SELECT i.name, i.sku, w.name FROM items i, warehouses w WHERE i.id = $1 AND w.id = $2`,
		k.item, k.warehouse).Scan(&it.Name, &it.SKU, &wh); err != nil {
		return fmt.Errorf("store: describe shortage: %w", err)
	}
	return &inventory.BelowZeroError{Item: it.Label(), Warehouse: wh, OnHand: onHand, Remove: remove}
}

func asPQ(err error, target **pq.Error) bool { return errors.As(err, target) }
