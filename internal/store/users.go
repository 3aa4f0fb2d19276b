package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"stocksync/internal/auth"
)

const userColumns = `id, email, password_hash, role, disabled, session_version, created_at, last_login_at`

func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.DB.GetContext(ctx, &n, `SELECT count(*) FROM users`)
	if err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

func (s *Store) CreateUser(ctx context.Context, email string, role auth.Role, passwordHash string) (auth.User, error) {
	var u auth.User
	err := s.DB.GetContext(ctx, &u, `INSERT INTO users (email, role, password_hash) VALUES ($1, $2, $3) RETURNING `+userColumns,
		email, role, passwordHash)
	if isUniqueViolation(err) {
		return u, auth.ErrEmailTaken
	}
	if err != nil {
		return u, fmt.Errorf("store: create user: %w", err)
	}
	return u, nil
}

func (s *Store) UserByID(ctx context.Context, id int64) (auth.User, error) {
	var u auth.User
	err := s.DB.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	if err != nil {
		return u, fmt.Errorf("store: user %d: %w", id, notFound(err, auth.ErrNotFound))
	}
	return u, nil
}

func (s *Store) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	var u auth.User
	err := s.DB.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1)`, email)
	if err != nil {
		return u, fmt.Errorf("store: user by e-mail: %w", notFound(err, auth.ErrNotFound))
	}
	return u, nil
}

func (s *Store) ListUsers(ctx context.Context) ([]auth.User, error) {
	var us []auth.User
	err := s.DB.SelectContext(ctx, &us, `SELECT `+userColumns+` FROM users ORDER BY lower(email)`)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	return us, nil
}

func (s *Store) RecordLogin(ctx context.Context, id int64) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE users SET last_login_at = now() WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("store: record login: %w", err)
	}
	return nil
}

// SetPassword stores a new hash and bumps the session version, which ends
// every session issued before; it returns the new version so the caller can
// keep its own session alive.
func (s *Store) SetPassword(ctx context.Context, id int64, hash string) (int, error) {
	var v int
	err := s.DB.GetContext(ctx, &v, `UPDATE users SET password_hash = $2, session_version = session_version + 1
		WHERE id = $1 RETURNING session_version`, id, hash)
	if err != nil {
		return 0, fmt.Errorf("store: set password: %w", notFound(err, auth.ErrNotFound))
	}
	return v, nil
}

// SetRole changes a role; demoting the last active admin is refused inside
// the same transaction that checks it, with the admins row-locked.
func (s *Store) SetRole(ctx context.Context, id int64, role auth.Role) error {
	return s.InTx(ctx, func(tx *sqlx.Tx) error {
		if role != auth.RoleAdmin {
			if err := guardLastAdmin(ctx, tx, id); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET role = $2, session_version = session_version + 1 WHERE id = $1`, id, role)
		if err != nil {
			return fmt.Errorf("store: set role: %w", err)
		}
		return mustAffect(res, auth.ErrNotFound)
	})
}

// SetDisabled disables (ending the user's sessions at once) or re-enables.
func (s *Store) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	return s.InTx(ctx, func(tx *sqlx.Tx) error {
		if disabled {
			if err := guardLastAdmin(ctx, tx, id); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $2, session_version = session_version + 1 WHERE id = $1`, id, disabled)
		if err != nil {
			return fmt.Errorf("store: set disabled: %w", err)
		}
		return mustAffect(res, auth.ErrNotFound)
	})
}

func guardLastAdmin(ctx context.Context, tx *sqlx.Tx, id int64) error {
	var others int
	// Locking every active admin row serialises concurrent demotions.
	err := tx.GetContext(ctx, &others, `SELECT count(*) FROM (
		SELECT id FROM users WHERE role = 'admin' AND NOT disabled FOR UPDATE) a WHERE id <> $1`, id)
	if err != nil {
		return fmt.Errorf("store: count admins: %w", err)
	}
	var isActiveAdmin bool
	if err := tx.GetContext(ctx, &isActiveAdmin, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND role = 'admin' AND NOT disabled)`, id); err != nil {
		return fmt.Errorf("store: check admin: %w", err)
	}
	if isActiveAdmin && others == 0 {
		return auth.ErrLastAdmin
	}
	return nil
}

// LoginFailures counts recent failed sign-ins for an e-mail and an address.
// Oldest* is the failure whose expiry lifts the block (the Max-th newest).
func (s *Store) LoginFailures(ctx context.Context, email, ip string, t auth.Throttle, now time.Time) (auth.FailureCounts, error) {
	var f auth.FailureCounts
	since := now.Add(-t.Window)
	row := s.DB.QueryRowxContext(ctx, `SELECT
		(SELECT count(*) FROM login_failures WHERE lower(email) = lower($1) AND failed_at > $3),
		COALESCE((SELECT failed_at FROM login_failures WHERE lower(email) = lower($1) AND failed_at > $3
			ORDER BY failed_at DESC OFFSET $4 LIMIT 1), 'epoch'),
		(SELECT count(*) FROM login_failures WHERE client_ip = $2 AND failed_at > $3),
		COALESCE((SELECT failed_at FROM login_failures WHERE client_ip = $2 AND failed_at > $3
			ORDER BY failed_at DESC OFFSET $5 LIMIT 1), 'epoch')`,
		email, ip, since, t.Max-1, t.MaxPerIP-1)
	if err := row.Scan(&f.ByEmail, &f.OldestByEmail, &f.ByIP, &f.OldestByIP); err != nil {
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

func (s *Store) ClearLoginFailures(ctx context.Context, email string) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM login_failures WHERE lower(email) = lower($1)`, email)
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
