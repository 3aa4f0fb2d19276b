package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/bulk"
	"stocksync/internal/channel"
	_ "stocksync/internal/channel/all"
	"stocksync/internal/channelsync"
	"stocksync/internal/config"
	"stocksync/internal/devdb"
	"stocksync/internal/jobs"
	"stocksync/internal/sandbox"
	"stocksync/internal/store"
	channelviews "stocksync/views/channels"
	"stocksync/web"
)

const devDataDir = ".data"

func serve(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	doMigrate := fs.Bool("migrate", false, "apply pending migrations before serving")
	useSandbox := fs.Bool("sandbox", false, "run the sandbox channels inside the process")
	dev := fs.Bool("dev", false, "development defaults: find or start a database, keep keys under .data/, create a first admin")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("serve: %v", err)
	}
	tuneGC(getenv)
	if *dev {
		var stopDB func()
		var err error
		if getenv, stopDB, err = devEnvironment(ctx, getenv, log); err != nil {
			return err
		}
		defer stopDB()
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	st.SetHeavyReads(cfg.HeavyReads)
	pending, err := st.PendingMigrations(ctx)
	if err != nil {
		return err
	}
	if pending {
		if !*doMigrate {
			return errors.New("the database has pending migrations: run `stocksync migrate`, or start with `stocksync serve --migrate`")
		}
		if err := st.Migrate(ctx, log); err != nil {
			return err
		}
	}
	if *dev {
		if err := ensureFirstAdmin(ctx, st, stdout); err != nil {
			return err
		}
	}
	var presets []channelviews.Preset
	var sb *sandbox.Sandbox
	if *useSandbox {
		sb, err = sandbox.Start(log)
		if err != nil {
			return err
		}
		defer sb.Close()
		presets = sb.Presets
		if err := sandbox.SeedDemoItems(ctx, st, log); err != nil {
			log.Warn("sandbox: demo items not added", "err", err)
		}
	}

	// Outside the sandbox, channels are called only on public addresses
	// unless the operator allow-listed others.
	addresses := channel.AddressPolicy{Sandbox: *useSandbox, Hosts: cfg.ChannelAllowHosts, Networks: cfg.ChannelAllowNetworks}
	svc, err := channelsync.NewService(st, cfg.SecretKey, channel.Options{Logger: log, Addresses: addresses}, log)
	if err != nil {
		return err
	}
	if cfg.DeadWorkerAfter > 0 {
		svc.SetDeadAfter(cfg.DeadWorkerAfter)
	}
	reg := jobs.NewRegistry()
	jobs.AddLoginFailurePurge(reg, st)
	jobs.AddSessionPurge(reg, st, cfg.SessionIdle)
	jobs.AddDeliveryPurge(reg, st)
	var jc *jobs.Client
	channelsync.Register(reg, svc, func() *jobs.Client { return jc }, svc.SweepEvery())
	bulk.Register(reg, st, log)
	jc, err = jobs.NewClient(st.DB.DB, reg, jobs.Options{Logger: log})
	if err != nil {
		return err
	}
	if err := jc.Start(ctx); err != nil {
		return fmt.Errorf("serve: start jobs: %w", err)
	}

	e := web.New(web.Deps{Store: st, Config: cfg, Logger: log, Channels: svc, Jobs: jc, Presets: presets})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("STOCKSYNC_ADDR %s cannot be listened on: %v", cfg.Addr, err)
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("stocksync is serving", "url", "http://"+ln.Addr().String())
	if sb != nil {
		// New orders reach this server by webhook, as from a real shop.
		go sb.Trickle(ctx, "http://"+ln.Addr().String(), svc.ChannelsAt, log)
	}

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests and jobs")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	httpErr := srv.Shutdown(shutdownCtx)
	jobsErr := jobs.Stop(shutdownCtx, jc)
	return errors.Join(httpErr, jobsErr)
}

// devEnvironment layers a found-or-started database and generated keys under
// the real environment; anything set there wins.
func devEnvironment(ctx context.Context, getenv func(string) string, log *slog.Logger) (func(string) string, func(), error) {
	vals := map[string]string{}
	stop := func() {}
	if getenv("DATABASE_URL") == "" {
		url, stopDB, err := devdb.Resolve(ctx, devDataDir, log)
		if err != nil {
			return nil, stop, err
		}
		vals["DATABASE_URL"], stop = url, stopDB
	}
	if getenv("STOCKSYNC_SESSION_KEY") == "" || getenv("STOCKSYNC_SECRET_KEY") == "" {
		session, secret, err := devdb.Keys(devDataDir, log)
		if err != nil {
			return nil, stop, err
		}
		vals["STOCKSYNC_SESSION_KEY"], vals["STOCKSYNC_SECRET_KEY"] = session, secret
	}
	vals["STOCKSYNC_STATIC_DIR"] = "static"
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return vals[k]
	}, stop, nil
}

func ensureFirstAdmin(ctx context.Context, st *store.Store, stdout io.Writer) error {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	const email = "admin@stocksync.local"
	pw := auth.RandomPassword()
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	if _, err := st.CreateUser(ctx, email, auth.RoleAdmin, hash); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n  First admin created — sign in with\n    e-mail:   %s\n    password: %s\n  (shown only now; change it under Settings ▸ My password)\n\n", email, pw)
	return nil
}
