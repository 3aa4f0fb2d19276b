package store

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/lib/pq"
)

// commonWordsCache keeps common_name_words() for a minute: it comes from
// the items' statistics, which change only when ANALYZE runs, and reading
// pg_stats on every listing page cost a millisecond. A word that became
// common meanwhile only costs a broader near-name lookup for that minute.
type commonWordsCache struct {
	mu    sync.Mutex
	words []string
	at    time.Time
}

const commonWordsTTL = time.Minute

func (s *Store) commonWords(ctx context.Context) ([]string, error) {
	c := &s.common
	c.mu.Lock()
	if c.words != nil && time.Since(c.at) < commonWordsTTL {
		w := c.words
		c.mu.Unlock()
		return w, nil
	}
	c.mu.Unlock()
	var words pq.StringArray
	if err := s.DB.QueryRowContext(ctx, `SELECT common_name_words()`).Scan(&words); err != nil {
		return nil, fmt.Errorf("store: common name words: %w", err)
	}
	if words == nil {
		words = pq.StringArray{}
	}
	c.mu.Lock()
	c.words, c.at = words, time.Now()
	c.mu.Unlock()
	return words, nil
}
