package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// currencyCache keeps the base currency for a moment: every page with an
// amount shows it, and it almost never changes. Another instance sees a
// change within currencyTTL.
type currencyCache struct {
	mu    sync.Mutex
	value string
	at    time.Time
}

const currencyTTL = 2 * time.Second

// DefaultCurrency is the base currency until an admin sets one.
const DefaultCurrency = "USD"

// BaseCurrency is the ISO code every amount is in.
func (s *Store) BaseCurrency(ctx context.Context) (string, error) {
	c := &s.currency
	c.mu.Lock()
	if c.value != "" && time.Since(c.at) < currencyTTL {
		v := c.value
		c.mu.Unlock()
		return v, nil
	}
	c.mu.Unlock()
	var v string
	err := s.DB.GetContext(ctx, &v, `SELECT value FROM settings WHERE key = 'base_currency'`)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && v == "") {
		v = DefaultCurrency
	} else if err != nil {
		return DefaultCurrency, fmt.Errorf("store: base currency: %w", err)
	}
	c.mu.Lock()
	c.value, c.at = v, time.Now()
	c.mu.Unlock()
	return v, nil
}

func (s *Store) SetBaseCurrency(ctx context.Context, code string, by int64) error {
	_, err := s.DB.ExecContext(ctx, `INSERT INTO settings (key, value, updated_by, updated_at) VALUES ('base_currency', $1, $2, now())
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`, code, by)
	if err != nil {
		return fmt.Errorf("store: set base currency: %w", err)
	}
	s.currency.mu.Lock()
	s.currency.value = ""
	s.currency.mu.Unlock()
	return nil
}
