-- +goose Up
-- An OAuth authorization under way ("Connect with Etsy"): from the POST
-- that sends the admin to the channel's consent page until the channel
-- sends them back to /channels/oauth/{kind}/callback. The state is kept
-- only as its SHA-256, so the table cannot be used to finish someone
-- else's authorization; pending is sealed, because it holds the
-- connect form's credentials and the PKCE verifier. A row is used once.
CREATE TABLE oauth_states (
    state_hash bytea       PRIMARY KEY,
    kind       text        NOT NULL,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pending    bytea       NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_states_expires ON oauth_states (expires_at);

-- +goose Down
DROP TABLE oauth_states;
