-- +goose Up
-- A signed-in browser's cookie names a row here, and only a row that exists
-- makes the cookie good: signing out deletes it, so a copy of the cookie is
-- useless on every instance. This replaces the per-user session version,
-- which could end all of a user's sessions but never a single one.
CREATE TABLE user_sessions (
    id         text        PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    -- refreshed at most once a minute; idle expiry and clean-up read it
    seen_at    timestamptz NOT NULL
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);
CREATE INDEX user_sessions_seen_idx ON user_sessions (seen_at);
-- Cookies issued before this migration carry no session id: their holders
-- sign in once more.
ALTER TABLE users DROP COLUMN session_version;

-- The sign-in throttle counts failures per (account, address) pair.
DROP INDEX login_failures_email_idx;
CREATE INDEX login_failures_pair_idx ON login_failures (lower(email), client_ip, failed_at);

-- +goose Down
DROP INDEX login_failures_pair_idx;
CREATE INDEX login_failures_email_idx ON login_failures (lower(email), failed_at);
ALTER TABLE users ADD COLUMN session_version integer NOT NULL DEFAULT 1;
DROP TABLE user_sessions;
