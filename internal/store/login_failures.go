package store

import (
	"context"
	"fmt"
	"time"

	"stocksync/internal/auth"
)

// LoginFailures counts recent failed sign-ins of one account from one
// address, and from that address for any account.
func (s *Store) LoginFailures(ctx context.Context, email, ip string, t auth.Throttle, now time.Time) (auth.FailureCounts, error) {
	var f auth.FailureCounts
	row := s.DB.QueryRowxContext(ctx, `SELECT p.n, COALESCE(p.last, 'epoch'),
		(SELECT count(*) FROM login_failures WHERE client_ip = $2 AND failed_at > $4),
		COALESCE((SELECT failed_at FROM login_failures WHERE client_ip = $2 AND failed_at > $4
			ORDER BY failed_at DESC OFFSET $5 LIMIT 1), 'epoch')
		FROM (SELECT count(*) AS n, max(failed_at) AS last FROM login_failures
			WHERE lower(email) = lower($1) AND client_ip = $2 AND failed_at > $3) p`,
		email, ip, now.Add(-t.PairWindow), now.Add(-t.Window), t.MaxPerIP-1)
	if err := row.Scan(&f.ByPair, &f.LastByPair, &f.ByIP, &f.OldestByIP); err != nil {
		return f, fmt.Errorf("store: login failures: %w", err)
	}
	return f, nil
}

func (s *Store) RecordLoginFailure(ctx context.Context, email, ip string, at time.Time) error {
	_, err := s.DB.ExecContext(ctx, `INSERT INTO login_failures (email, client_ip, failed_at) VALUES ($1, $2, $3)`, email, ip, at)
	if err != nil {
		return fmt.Errorf("store: record login failure: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets a pair's failures after it signs in; other
// addresses' failures at the same account stay counted.
func (s *Store) ClearLoginFailures(ctx context.Context, email, ip string) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM login_failures WHERE lower(email) = lower($1) AND client_ip = $2`, email, ip)
	if err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}

// DeleteLoginFailuresBefore is the periodic clean-up of expired rows.
func (s *Store) DeleteLoginFailuresBefore(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM login_failures WHERE failed_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("store: delete old login failures: %w", err)
	}
	return res.RowsAffected()
}
