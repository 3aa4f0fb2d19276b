package store

import (
	"context"
	"fmt"
)

// ChannelName is what a filter's choice of channel shows.
type ChannelName struct {
	ID   int64
	Name string
}

// ChannelNames lists every channel's id and name in ListChannels' order:
// the lists' channel filters read only these, on every request, so the
// statement is prepared and reads no sealed credentials.
func (s *Store) ChannelNames(ctx context.Context) ([]ChannelName, error) {
	st, err := s.prepared(ctx, `SELECT c.id, c.name FROM channels c
		ORDER BY c.disconnected_at IS NOT NULL, lower(c.name), c.id`)
	if err != nil {
		return nil, err
	}
	rs, err := st.QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: channel names: %w", err)
	}
	defer rs.Close()
	var out []ChannelName
	for rs.Next() {
		var c ChannelName
		if err := rs.Scan(&c.ID, &c.Name); err != nil {
			return nil, fmt.Errorf("store: channel names: %w", err)
		}
		out = append(out, c)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("store: channel names: %w", err)
	}
	return out, nil
}
