package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrOAuthStateNotFound is a state that was never issued, or was used
// already.
var ErrOAuthStateNotFound = errors.New("store: oauth state not found")

// OAuthState is an OAuth authorization under way.
type OAuthState struct {
	Kind      string    `db:"kind"`
	UserID    int64     `db:"user_id"`
	Pending   []byte    `db:"pending"` // sealed by the channel service
	ExpiresAt time.Time `db:"expires_at"`
}

// SaveOAuthState records an authorization under way, and forgets the ones
// that expired a day ago or more.
func (s *Store) SaveOAuthState(ctx context.Context, stateHash []byte, st OAuthState) error {
	tx, err := s.DB.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: save oauth state: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_states WHERE expires_at < now() - interval '1 day'`); err != nil {
		return fmt.Errorf("store: save oauth state: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO oauth_states (state_hash, kind, user_id, pending, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		stateHash, st.Kind, st.UserID, st.Pending, st.ExpiresAt); err != nil {
		return fmt.Errorf("store: save oauth state: %w", err)
	}
	return tx.Commit()
}

// TakeOAuthState returns the authorization under way and deletes it, so
// that a state is used at most once, expired or not.
func (s *Store) TakeOAuthState(ctx context.Context, stateHash []byte) (OAuthState, error) {
	var st OAuthState
	err := s.DB.GetContext(ctx, &st, `DELETE FROM oauth_states WHERE state_hash = $1 RETURNING kind, user_id, pending, expires_at`, stateHash)
	if err != nil {
		return st, fmt.Errorf("store: take oauth state: %w", notFound(err, ErrOAuthStateNotFound))
	}
	return st, nil
}
