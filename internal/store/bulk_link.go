package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/catalogue"
)

// linkChunk links a chunk's listings to the items chosen for them (a
// person ticked each pair on the suggestions preview), as LinkListing links
// one: each listing still unconfirmed and each item still active, the
// listing marked for a stock overwrite (§1.3). The items are locked FOR
// SHARE, so a deactivation waits for the links or the links see it.
func (s *Store) linkChunk(ctx context.Context, tx *sqlx.Tx, ids, itemIDs []int64, by int64) (int, []bulkSkip, error) {
	if len(itemIDs) != len(ids) {
		return 0, nil, fmt.Errorf("store: bulk link: %d listings, %d items", len(ids), len(itemIDs))
	}
	listings, err := lockListings(ctx, tx, ids)
	if err != nil {
		return 0, nil, err
	}
	var items []struct {
		ID     int64  `db:"id"`
		Name   string `db:"name"`
		Active bool   `db:"active"`
	}
	if err := tx.SelectContext(ctx, &items, `SELECT id, name, active FROM items WHERE id = ANY($1) ORDER BY id FOR SHARE`,
		pq.Array(itemIDs)); err != nil {
		return 0, nil, fmt.Errorf("store: lock items: %w", err)
	}
	active := make(map[int64]bool, len(items))
	name := make(map[int64]string, len(items))
	for _, it := range items {
		active[it.ID], name[it.ID] = it.Active, it.Name
	}
	var skips []bulkSkip
	var ls, its []int64
	for i, id := range ids {
		l, found := listings[id]
		item := itemIDs[i]
		switch isActive, exists := active[item]; {
		case !found || l.ItemID != nil:
			skips = append(skips, settledSkip(id, l, found))
		case !exists:
			skips = append(skips, bulkSkip{listing: id, reason: SkipItemMissing,
				detail: fmt.Sprintf("The item chosen for it (#%d) no longer exists.", item)})
		case !isActive:
			skips = append(skips, bulkSkip{listing: id, reason: SkipItemInactive, other: &item,
				detail: fmt.Sprintf("Item %s was deactivated meanwhile; inactive items take no new links.", name[item])})
		default:
			ls, its = append(ls, id), append(its, item)
		}
	}
	if len(ls) == 0 {
		return 0, skips, nil
	}
	if err := linkListings(ctx, tx, ls, its, catalogue.LinkedByHand, true, by); err != nil {
		return 0, nil, err
	}
	// Orders that waited on these listings take their items and commit (§1.5).
	if _, err := s.settleOrdersOf(ctx, tx, ls); err != nil {
		return 0, nil, err
	}
	if err := s.pushLinked(ctx, tx, its); err != nil {
		return 0, nil, err
	}
	return len(ls), skips, nil
}
