package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"stocksync/internal/auth"
)

const userColumns = `id, email, password_hash, role, disabled, created_at, last_login_at`

// userColumnsOf is userColumns qualified by a table alias, for joins.
func userColumnsOf(alias string) string {
	cols := strings.Split(userColumns, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

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

// SetPassword stores a new hash and ends every session of the user but the
// one that changed it, in one transaction.
func (s *Store) SetPassword(ctx context.Context, id int64, hash, keepSession string) error {
	return s.InTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, id, hash)
		if err != nil {
			return fmt.Errorf("store: set password: %w", err)
		}
		if err := mustAffect(res, auth.ErrNotFound); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_sessions WHERE user_id = $1 AND id <> $2`, id, keepSession); err != nil {
			return fmt.Errorf("store: end other sessions: %w", err)
		}
		return nil
	})
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
		res, err := tx.ExecContext(ctx, `UPDATE users SET role = $2 WHERE id = $1`, id, role)
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
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $2 WHERE id = $1`, id, disabled)
		if err != nil {
			return fmt.Errorf("store: set disabled: %w", err)
		}
		if err := mustAffect(res, auth.ErrNotFound); err != nil || !disabled {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_sessions WHERE user_id = $1`, id); err != nil {
			return fmt.Errorf("store: end sessions: %w", err)
		}
		return nil
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
