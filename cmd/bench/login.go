package main

import (
	"context"
	"time"
)

// benchLogin: the sign-in page at 50 concurrent keep-alive connections, and
// the server's resident memory while idle.
func benchLogin(ctx context.Context, env *benchEnv) error {
	dbURL, err := env.newDatabase(ctx)
	if err != nil {
		return err
	}
	srv, err := env.startServer(ctx, dbURL)
	if err != nil {
		return err
	}
	defer srv.Stop()
	time.Sleep(3 * time.Second) // let start-up work (periodic jobs, GC) settle
	rss, err := srv.rssMB()
	if err != nil {
		return err
	}
	report("idle_rss_mb", rss, "MB")

	req := []byte("GET /login HTTP/1.1\r\nHost: " + srv.Addr + "\r\nUser-Agent: stocksync-bench\r\n\r\n")
	res, err := load(ctx, srv.Addr, req, 50, 2*time.Second, 8*time.Second)
	if err != nil {
		return err
	}
	report("login_rps", res.rps(), "req/s")
	report("login_p50_ms", float64(res.percentile(0.50).Microseconds())/1000, "ms")
	report("login_p99_ms", float64(res.percentile(0.99).Microseconds())/1000, "ms")
	return nil
}
