package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/inventory"
)

// A document is written by one statement that commits on its own where it
// can: no BEGIN and COMMIT round trips, and the stock rows it locks are
// held only while the database works, never while a client is scheduled
// (migration 00039). When it cannot (a balance falls short, a push must be
// enqueued, the order changed since it was read), the statement fails,
// nothing is written, and the document is decided and written again in a
// transaction, under locks, by stockTx.

// stockDoc writes a document that reads nothing before it writes (fn only
// describes it): as one statement that commits on its own, one round trip
// in all, or, when that statement finds it needs more (a balance short, a
// push to enqueue) or an availability hook is installed, through stockTx.
func (s *Store) stockDoc(ctx context.Context, c stockChange, docID *int64) error {
	if s.hook == nil {
		id, err := s.writeAlone(ctx, &c)
		if err == nil {
			*docID = id
			return nil
		}
		if !needsTransaction(err) {
			return err
		}
	}
	return s.stockTx(ctx, func(_ *sqlx.Tx, tc *stockChange) error {
		*tc = c
		return nil
	}, docID)
}

// writeAlone runs the document's statement committing on its own; extra
// are the parameters after the document's own (a document of an order:
// the versions it was decided on).
func (s *Store) writeAlone(ctx context.Context, c *stockChange, extra ...any) (int64, error) {
	st, err := s.prepared(ctx, documentAlone(c.doc))
	if err != nil {
		return 0, err
	}
	var id int64
	if err := st.QueryRowContext(ctx, append(c.callArgs(availabilityChanged(c.moves)), extra...)...).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: write %s: %w", c.doc, mapFK(err))
	}
	return id, nil
}

// errNeedsTransaction: the document is to be decided under the lock.
var errNeedsTransaction = errors.New("store: the document needs a transaction")

// needsTransaction reports the errors by which a document's statement
// says it cannot commit on its own (migration 00039), and
// errNeedsTransaction.
func needsTransaction(err error) bool {
	var pqErr *pq.Error
	return errors.Is(err, errNeedsTransaction) ||
		errors.As(err, &pqErr) && (pqErr.Code == "SS001" || pqErr.Code == "SS002" || pqErr.Code == "SS003")
}

// orderDoc writes a document of an order: decide describes it from the
// order as read (lockOrder's fields), or returns why it cannot be made.
// The order is read without a lock and the document written alone, on the
// condition that the order is unchanged; anything else (a refusal read
// from that unlocked copy included) is decided again under the lock.
func (s *Store) orderDoc(ctx context.Context, orderID int64, decide func(o inventory.SalesOrder, c *stockChange) error, docID ...*int64) error {
	if s.hook == nil {
		if id, err := s.orderAlone(ctx, orderID, decide); err == nil || !needsTransaction(err) {
			if err == nil && len(docID) > 0 {
				*docID[0] = id
			}
			return err
		}
	}
	return s.stockTx(ctx, func(tx *sqlx.Tx, c *stockChange) error {
		o, err := s.lockOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		return decide(o, c)
	}, docID...)
}

func (s *Store) orderAlone(ctx context.Context, orderID int64, decide func(o inventory.SalesOrder, c *stockChange) error) (int64, error) {
	o, versions, err := s.readOrder(ctx, orderID)
	if err != nil {
		return 0, errNeedsTransaction
	}
	c := &stockChange{}
	if err := decide(o, c); err != nil || c.doc == "" {
		return 0, errNeedsTransaction
	}
	return s.writeAlone(ctx, c, pq.Array(versions))
}
