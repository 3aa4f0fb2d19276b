package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"stocksync/migrations"
)

func (s *Store) goose() (*goose.Provider, error) {
	p, err := goose.NewProvider(goose.DialectPostgres, s.DB.DB, migrations.FS)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

func (s *Store) river() (*rivermigrate.Migrator[*sql.Tx], error) {
	m, err := rivermigrate.New(riverdatabasesql.New(s.DB.DB), nil)
	if err != nil {
		return nil, fmt.Errorf("store: river migrations: %w", err)
	}
	return m, nil
}

// Migrate applies our migrations (each in its own transaction), then River's.
func (s *Store) Migrate(ctx context.Context, log *slog.Logger) error {
	p, err := s.goose()
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, r := range results {
		log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	m, err := s.river()
	if err != nil {
		return err
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("store: river migrate: %w", err)
	}
	for _, v := range res.Versions {
		log.Info("river migration applied", "version", v.Version)
	}
	return nil
}

// PendingMigrations reports whether our or River's migrations are not yet
// applied, so serve can refuse to run on an old schema.
func (s *Store) PendingMigrations(ctx context.Context) (bool, error) {
	p, err := s.goose()
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("store: migration status: %w", err)
	}
	if pending {
		return true, nil
	}
	m, err := s.river()
	if err != nil {
		return false, err
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: river migration status: %w", err)
	}
	return !res.OK, nil
}
