package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// InventoryRefs returns the stock address stored for each of the channel's
// listings with these external ids, one statement for the lot; listings
// not stored, or stored without one, are left out.
func (s *Store) InventoryRefs(ctx context.Context, channelID int64, externalIDs []string) (map[string]string, error) {
	refs := make(map[string]string, len(externalIDs))
	if len(externalIDs) == 0 {
		return refs, nil
	}
	var rows []struct {
		ExternalID string `db:"external_id"`
		Ref        string `db:"inventory_ref"`
	}
	if err := s.DB.SelectContext(ctx, &rows, `SELECT external_id, inventory_ref FROM channel_items
		WHERE channel_id = $1 AND external_id = ANY($2) AND inventory_ref <> ''`, channelID, pq.Array(externalIDs)); err != nil {
		return nil, fmt.Errorf("store: inventory refs: %w", err)
	}
	for _, r := range rows {
		refs[r.ExternalID] = r.Ref
	}
	return refs, nil
}
