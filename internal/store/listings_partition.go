package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"
)

// Each channel's listings live in a partition of channel_items of their own
// (migration 00006), named by listingsPartition. A channel has none until
// its first import: that import loads a new table and attaches it (see
// BulkLoad); an import that finds none otherwise makes an empty one.

func listingsPartition(channelID int64) string {
	return listingsPartitionPrefix + strconv.FormatInt(channelID, 10)
}

// listingsPartitionPrefix followed by the channel's id names its partition;
// SQL that looks for a channel's partition builds the name the same way.
const listingsPartitionPrefix = "channel_items_"

// HasListingsPartition tells whether the channel's listings have their
// partition yet, which is to say whether any import of it has finished.
func (s *Store) HasListingsPartition(ctx context.Context, channelID int64) (bool, error) {
	if _, ok := s.partitions.Load(channelID); ok {
		return true, nil
	}
	var has bool
	if err := s.DB.GetContext(ctx, &has, `SELECT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'channel_items'::regclass AND c.relname = $1)`, listingsPartition(channelID)); err != nil {
		return false, fmt.Errorf("store: listings partition: %w", err)
	}
	if has {
		s.partitions.Store(channelID, struct{}{})
	}
	return has, nil
}

// ensureListingsPartition gives the channel an empty partition if it has
// none. The table is made apart and attached, which locks channel_items
// only against other changes of its partitions, where CREATE TABLE ...
// PARTITION OF would stop every reader and writer of listings meanwhile.
// Two imports of the channel may get here at once: an advisory lock lets
// one make the partition and the other find it made.
func (s *Store) ensureListingsPartition(ctx context.Context, channelID int64) error {
	has, err := s.HasListingsPartition(ctx, channelID)
	if err != nil || has {
		return err
	}
	name := listingsPartition(channelID)
	err = s.InTx(ctx, func(tx *sqlx.Tx) error {
		var exists bool
		if err := tx.GetContext(ctx, &exists, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0)) IS NULL
			OR to_regclass($1) IS NOT NULL`, name); err != nil {
			return err
		}
		if exists {
			return nil
		}
		if _, err := tx.ExecContext(ctx, newListingsTableSQL(name, channelID)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, attachListingsSQL(name, channelID))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: listings partition: %w", err)
	}
	s.partitions.Store(channelID, struct{}{})
	return nil
}

// newListingsTableSQL makes a table fit to be the channel's partition: the
// columns, defaults and checks of channel_items, and a check that every row
// is the channel's, which spares ATTACH PARTITION a scan of the table.
// Each page keeps a fifth free, where a re-sync's changed stock and prices
// are rewritten in place without touching an index (see updateDetailsSQL);
// a full page sends the new version elsewhere and into every index.
// (A tenth was enough before rows carried the channel's raw record: a
// page of rows of a few hundred bytes then often had no room for two.)
//
// The search text is generated as on channel_items, with its statistics
// target (migration 00034): the planner reads a search's term against the
// partition's own statistics.
func newListingsTableSQL(name string, channelID int64) string {
	return fmt.Sprintf(`CREATE TABLE %s (LIKE channel_items INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED,
		CONSTRAINT partition_channel_check CHECK (channel_id = %d)) WITH (fillfactor = 80);
		ALTER TABLE %[1]s ALTER COLUMN search_text SET STATISTICS 300`, name, channelID)
}

// attachListingsSQL attaches a table as the channel's partition. Indexes of
// channel_items the table lacks are built by the attach.
func attachListingsSQL(name string, channelID int64) string {
	return fmt.Sprintf(`ALTER TABLE channel_items ATTACH PARTITION %s FOR VALUES IN (%d)`, name, channelID)
}
