package store

import (
	"context"
	"fmt"
)

// BaseCurrency is the ISO code every amount is in.
func (s *Store) BaseCurrency(ctx context.Context) (string, error) {
	var v string
	err := s.DB.GetContext(ctx, &v, `SELECT value FROM settings WHERE key = 'base_currency'`)
	if err != nil {
		return "USD", fmt.Errorf("store: base currency: %w", err)
	}
	return v, nil
}

func (s *Store) SetBaseCurrency(ctx context.Context, code string, by int64) error {
	_, err := s.DB.ExecContext(ctx, `INSERT INTO settings (key, value, updated_by, updated_at) VALUES ('base_currency', $1, $2, now())
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`, code, by)
	if err != nil {
		return fmt.Errorf("store: set base currency: %w", err)
	}
	return nil
}
