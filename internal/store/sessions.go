package store

import (
	"context"
	"fmt"
	"time"

	"stocksync/internal/auth"
)

// StartSession records a sign-in: the new session and the user's last
// sign-in time, in one statement.
func (s *Store) StartSession(ctx context.Context, userID int64, id string, at time.Time) error {
	_, err := s.DB.ExecContext(ctx, `WITH u AS (UPDATE users SET last_login_at = $3 WHERE id = $1)
		INSERT INTO user_sessions (id, user_id, created_at, seen_at) VALUES ($2, $1, $3, $3)`, userID, id, at)
	if err != nil {
		return fmt.Errorf("store: start session: %w", err)
	}
	return nil
}

// sessionUser is read on every signed-in request, so it is one primary-key
// lookup of the session joined to its user, prepared once.
var sessionUser = `SELECT ` + userColumnsOf("u") + `, s.seen_at
	FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`

// Session returns a live session with its user; auth.ErrNotFound when it has
// ended (signed out, revoked, cleaned up) or the user is gone.
func (s *Store) Session(ctx context.Context, id string) (auth.Session, error) {
	st, err := s.prepared(ctx, sessionUser)
	if err != nil {
		return auth.Session{}, err
	}
	// Scanned by hand: it runs on every request.
	out := auth.Session{ID: id}
	u := &out.User
	err = st.QueryRowContext(ctx, id).Scan(&u.ID, &u.Email, &u.PasswordHash, &u.Role, &u.Disabled, &u.CreatedAt, &u.LastLoginAt, &out.SeenAt)
	if err != nil {
		return auth.Session{}, fmt.Errorf("store: session: %w", notFound(err, auth.ErrNotFound))
	}
	return out, nil
}

// TouchSession records that a session was used.
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE user_sessions SET seen_at = $2 WHERE id = $1`, id, at)
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// EndSession signs one browser out; ending a session that has already ended
// is not an error.
func (s *Store) EndSession(ctx context.Context, id string) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM user_sessions WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("store: end session: %w", err)
	}
	return nil
}

// EndUserSessions signs a user out everywhere and says how many sessions
// that ended.
func (s *Store) EndUserSessions(ctx context.Context, userID int64) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM user_sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, fmt.Errorf("store: end user sessions: %w", err)
	}
	return res.RowsAffected()
}

// DeleteSessionsSeenBefore is the periodic clean-up of sessions that have
// expired by idleness (their cookies would be refused anyway).
func (s *Store) DeleteSessionsSeenBefore(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM user_sessions WHERE seen_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("store: delete idle sessions: %w", err)
	}
	return res.RowsAffected()
}
