package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/catalogue"
	"stocksync/internal/inventory"
)

// Settling a listing (DESIGN §1.3) is one transaction that starts by
// locking the listing's row and checking it is still unconfirmed: of two
// people settling one listing at the same moment the second waits for the
// first, then finds it settled and is told by whom. Each method settles one
// listing with statements that take the listing and item as parameters, so
// a bulk version can run the same statements over a set.

const listingColumns = `ci.id, ci.channel_id, ch.name AS channel_name, ch.kind AS channel_kind, ci.external_id,
	ci.product_id, ci.sku, ci.name, ` + listingPrice + ` AS price, ci.quantity, ci.inventory_ref, ci.channel_updated_at,
	ci.item_id, it.name AS item_name, it.sku AS item_sku, ci.link_source, ci.first_seen_at, ci.updated_at, ci.linked_at,
	u.email AS linked_by_email, ci.auto_link_blocked, ci.stock_push_pending, ci.pushed_quantity, ci.pushed_at,
	ci.push_error, ci.push_retry_at, ci.drift_since, ci.url, ci.raw, ci.first_seen_run,
	ch.last_sync_at AS channel_synced_at`

const listingFrom = `channel_items ci JOIN channels ch ON ch.id = ci.channel_id
	LEFT JOIN items it ON it.id = ci.item_id LEFT JOIN users u ON u.id = ci.linked_by`

// Listing is one listing as its page shows it.
func (s *Store) Listing(ctx context.Context, id int64) (catalogue.Listing, error) {
	var l catalogue.Listing
	st, err := s.prepared(ctx, listingQuery)
	if err != nil {
		return l, err
	}
	if err := st.GetContext(ctx, &l, id); err != nil {
		return l, fmt.Errorf("store: listing %d: %w", id, notFound(err, catalogue.ErrNotFound))
	}
	return l, nil
}

// listingQuery reads a listing by id alone, so it is planned over every
// channel's partition: prepared, that is done once, not on each page view.
const listingQuery = `SELECT ` + listingColumns + ` FROM ` + listingFrom + ` WHERE ci.id = $1`

// lockUnconfirmed locks the listing's row for the rest of the transaction
// and refuses it when it is settled already.
func lockUnconfirmed(ctx context.Context, tx *sqlx.Tx, id int64) (catalogue.Listing, error) {
	// Lock first, read after: a statement that waited for the lock sees the
	// listing's new row but still the joined rows of its own snapshot (the
	// item and the user who settled it would be missing).
	if _, err := tx.ExecContext(ctx, `SELECT 1 FROM channel_items WHERE id = $1 FOR UPDATE`, id); err != nil {
		return catalogue.Listing{}, fmt.Errorf("store: lock listing %d: %w", id, err)
	}
	var l catalogue.Listing
	err := tx.GetContext(ctx, &l, `SELECT `+listingColumns+` FROM `+listingFrom+` WHERE ci.id = $1`, id)
	if err != nil {
		return l, fmt.Errorf("store: listing %d: %w", id, notFound(err, catalogue.ErrNotFound))
	}
	if l.ItemID != nil {
		e := &catalogue.AlreadySettledError{ItemID: *l.ItemID}
		if l.ItemName != nil {
			e.ItemName = *l.ItemName
		}
		if l.LinkedByEmail != nil {
			e.By = *l.LinkedByEmail
		}
		if l.LinkSource != nil {
			e.Source = *l.LinkSource
		}
		return l, e
	}
	return l, nil
}

// NewItemFromListing is what Confirm and Update settle a listing with.
type NewItemFromListing struct {
	// Fields is the item as the Update form saved it; nil confirms the
	// listing as it is (catalogue.Listing.ItemInput).
	Fields *inventory.ItemFields
	// Warehouse takes the opening stock; 0 is the primary warehouse.
	Warehouse int64
	By        int64
}

// CreateItemFromListing creates an item from the listing, with its opening
// stock, and links the listing to it, in one transaction. It returns the
// new item's id.
func (s *Store) CreateItemFromListing(ctx context.Context, listingID int64, n NewItemFromListing) (int64, error) {
	var itemID int64
	var sku string
	err := s.stockTx(ctx, func(tx *sqlx.Tx, c *stockChange) error {
		l, err := lockUnconfirmed(ctx, tx, listingID)
		if err != nil {
			return err
		}
		source, f := catalogue.LinkedByUpdate, n.Fields
		if f == nil {
			fields, errs := inventory.ValidateItem(l.ItemInput(), true)
			if len(errs) > 0 {
				return &catalogue.NeedsUpdateError{Fields: errs}
			}
			source, f = catalogue.LinkedByConfirm, &fields
		}
		sku = f.SKU
		wh := n.Warehouse
		if wh == 0 {
			if wh, err = primaryWarehouse(ctx, tx); err != nil {
				return err
			}
		} else if err := warehouseExists(ctx, tx, wh); err != nil {
			return err
		}
		if itemID, err = insertItem(ctx, tx, c, *f, "channel", wh, n.By); err != nil {
			return err
		}
		if err := linkListing(ctx, tx, l, itemID, source, false, n.By); err != nil {
			return err
		}
		_, err = s.settleOrdersOf(ctx, tx, []int64{listingID})
		return err
	})
	if err != nil {
		return 0, s.skuClash(ctx, err, sku, 0)
	}
	return itemID, nil
}

// LinkListing links the listing to an existing active item and marks it
// for a stock overwrite with the item's available quantity (§1.3).
func (s *Store) LinkListing(ctx context.Context, listingID, itemID, by int64) error {
	return s.InTx(ctx, func(tx *sqlx.Tx) error {
		l, err := lockUnconfirmed(ctx, tx, listingID)
		if err != nil {
			return err
		}
		// FOR SHARE: a deactivation waits for this link, or this link sees it.
		var active bool
		err = tx.GetContext(ctx, &active, `SELECT active FROM items WHERE id = $1 FOR SHARE`, itemID)
		if err != nil {
			return fmt.Errorf("store: item %d: %w", itemID, notFound(err, catalogue.ErrItemGone))
		}
		if !active {
			return catalogue.ErrItemInactive
		}
		if err := linkListing(ctx, tx, l, itemID, catalogue.LinkedByHand, true, by); err != nil {
			return err
		}
		if _, err = s.settleOrdersOf(ctx, tx, []int64{listingID}); err != nil {
			return err
		}
		return s.pushLinked(ctx, tx, []int64{itemID})
	})
}

// linkListing writes the link of a locked, unconfirmed listing and its
// activity entry. A person's link lifts any block a person's unlink set.
func linkListing(ctx context.Context, tx *sqlx.Tx, l catalogue.Listing, itemID int64, source string, push bool, by int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE channel_items SET item_id = $3, link_source = $4, linked_at = now(), linked_by = $5,
		auto_link_blocked = false, stock_push_pending = $6 WHERE id = $1 AND channel_id = $2`,
		l.ID, l.ChannelID, itemID, source, by, push)
	if err != nil {
		return fmt.Errorf("store: link listing %d: %w", l.ID, err)
	}
	return logListingActivity(ctx, tx, itemID, by, settleAction[source], l)
}

var settleAction = map[string]string{
	catalogue.LinkedByConfirm: "created from listing",
	catalogue.LinkedByUpdate:  "created from edited listing",
	catalogue.LinkedByHand:    "linked to listing",
}

func logListingActivity(ctx context.Context, tx *sqlx.Tx, itemID, by int64, action string, l catalogue.Listing) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO item_activity (item_id, user_id, action, detail, channel_id, channel_item_id)
		SELECT $1, $2, $3, ch.name || ': ' || `+labelSQL("ci")+`, ci.channel_id, ci.id
		FROM channel_items ci JOIN channels ch ON ch.id = ci.channel_id WHERE ci.id = $4 AND ci.channel_id = $5`,
		itemID, by, action, l.ID, l.ChannelID)
	if err != nil {
		return fmt.Errorf("store: log listing activity: %w", err)
	}
	return nil
}

// labelSQL names a listing of table alias t in an activity entry: name and
// SKU, either, or its id.
func labelSQL(t string) string {
	return fmt.Sprintf(`CASE WHEN %[1]s.sku <> '' AND %[1]s.name <> '' THEN %[1]s.name || ' (' || %[1]s.sku || ')'
		WHEN %[1]s.sku <> '' THEN 'SKU ' || %[1]s.sku WHEN %[1]s.name <> '' THEN %[1]s.name
		ELSE 'listing ' || %[1]s.external_id END`, t)
}

// UnlinkItem unlinks the item from its listings on the given channels
// (§1.6): each becomes unconfirmed, is no longer sent stock, and is marked
// so auto-link never links it again; a person still can. One statement for
// any number of listings. It returns how many were unlinked.
func (s *Store) UnlinkItem(ctx context.Context, itemID int64, channelIDs []int64, by int64) (int, error) {
	var n int
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &n, `WITH gone AS (
			UPDATE channel_items ci SET item_id = NULL, link_source = NULL, linked_at = NULL, linked_by = NULL,
				auto_link_blocked = true, stock_push_pending = false
			WHERE ci.item_id = $1 AND ci.channel_id = ANY($2)
			RETURNING ci.id, ci.channel_id, ci.external_id, ci.sku, ci.name
		), logged AS (
			INSERT INTO item_activity (item_id, user_id, action, detail, channel_id, channel_item_id)
			SELECT $1, $3, 'unlinked from listing', ch.name || ': ' || `+labelSQL("g")+`, g.channel_id, g.id
			FROM gone g JOIN channels ch ON ch.id = g.channel_id
			RETURNING 1
		) SELECT count(*) FROM logged`, itemID, pq.Array(channelIDs), by)
	})
	if err != nil {
		return 0, fmt.Errorf("store: unlink item %d: %w", itemID, err)
	}
	return n, nil
}

// ItemListings is every listing linked to the item, for its page.
func (s *Store) ItemListings(ctx context.Context, itemID int64) ([]catalogue.ChannelItem, error) {
	var rows []catalogue.ChannelItem
	err := s.DB.SelectContext(ctx, &rows, `SELECT ci.id, ci.channel_id, ch.name AS channel_name, ci.external_id, ci.sku, ci.name,
		`+listingPrice+` AS price, ci.quantity, ci.item_id, NULL AS item_name, ci.link_source, ci.first_seen_at
		FROM channel_items ci JOIN channels ch ON ch.id = ci.channel_id WHERE ci.item_id = $1 ORDER BY ch.name, ci.id`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: item listings: %w", err)
	}
	return rows, nil
}

// ListingActivity is the newest 50 entries of the listing's log.
func (s *Store) ListingActivity(ctx context.Context, listingID int64) ([]catalogue.Activity, error) {
	var as []catalogue.Activity
	st, err := s.prepared(ctx, `SELECT a.id, a.action, a.detail, u.email AS user_email, a.created_at, a.item_id, i.name AS item_name
		FROM item_activity a JOIN items i ON i.id = a.item_id LEFT JOIN users u ON u.id = a.user_id
		WHERE a.channel_item_id = $1 ORDER BY a.id DESC LIMIT 50`)
	if err != nil {
		return nil, err
	}
	if err := st.SelectContext(ctx, &as, listingID); err != nil {
		return nil, fmt.Errorf("store: listing activity: %w", err)
	}
	return as, nil
}

func warehouseExists(ctx context.Context, tx *sqlx.Tx, id int64) error {
	var ok bool
	if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM warehouses WHERE id = $1)`, id); err != nil {
		return fmt.Errorf("store: warehouse: %w", err)
	}
	if !ok {
		return ErrNoWarehouse
	}
	return nil
}
