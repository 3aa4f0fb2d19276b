package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"stocksync/internal/store"
)

// openStore needs only DATABASE_URL, so migrate and user add run without keys.
func openStore(ctx context.Context, getenv func(string) string) (*store.Store, error) {
	url := strings.TrimSpace(getenv("DATABASE_URL"))
	if url == "" {
		return nil, fmt.Errorf("DATABASE_URL is not set: give it a PostgreSQL URL such as postgres://user@127.0.0.1:5432/stocksync?sslmode=disable")
	}
	return store.Open(ctx, url)
}

func migrate(ctx context.Context, getenv func(string) string, log *slog.Logger) error {
	st, err := openStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx, log); err != nil {
		return err
	}
	log.Info("database is up to date")
	return nil
}
