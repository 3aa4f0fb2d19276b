-- +goose Up
CREATE TABLE users (
    id              bigserial PRIMARY KEY,
    email           text        NOT NULL CHECK (email <> ''),
    password_hash   text        NOT NULL,
    role            text        NOT NULL CHECK (role IN ('admin', 'staff')),
    disabled        boolean     NOT NULL DEFAULT false,
    -- bumped to end every other session of the user at once (cookie sessions
    -- carry the version they were issued under)
    session_version integer     NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_login_at   timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE login_failures (
    id        bigserial   PRIMARY KEY,
    email     text        NOT NULL,
    client_ip text        NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (lower(email), failed_at);
CREATE INDEX login_failures_ip_idx ON login_failures (client_ip, failed_at);

-- +goose Down
DROP TABLE login_failures;
DROP TABLE users;
