package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lib/pq"

	"stocksync/internal/channel"
	_ "stocksync/internal/channel/woocommerce"
	woofake "stocksync/internal/channel/woocommerce/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/config"
	"stocksync/internal/jobs"
	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
)

// These tests kill a real serve process in the middle of a sync, as an
// out-of-memory kill or a lost machine would, and watch another instance
// take the channel over.

type serveProcess struct {
	cmd    *exec.Cmd
	logs   *lockedBuffer
	exited chan struct{}
}

var clientIDLog = regexp.MustCompile(`River client started.*client_id=(\S+)`)

func startServe(t *testing.T, bin string, vals map[string]string) *serveProcess {
	t.Helper()
	p := &serveProcess{cmd: exec.Command(bin, "serve"), logs: &lockedBuffer{}, exited: make(chan struct{})}
	for k, v := range vals {
		if k != "STOCKSYNC_ADDR" {
			p.cmd.Env = append(p.cmd.Env, k+"="+v)
		}
	}
	p.cmd.Env = append(p.cmd.Env, "STOCKSYNC_ADDR="+freeAddr(t))
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("serve %d logs:\n%s", p.cmd.Process.Pid, p.logs)
		}
	})
	return p
}

// clientID waits for the process's River client and returns its id, which
// River records on the jobs the process works.
func (p *serveProcess) clientID(t *testing.T) string {
	t.Helper()
	var id string
	waitFor(t, "serve to start its job client", func() bool {
		select {
		case <-p.exited:
			t.Fatalf("serve stopped:\n%s", p.logs)
		default:
		}
		if m := clientIDLog.FindStringSubmatch(p.logs.String()); m != nil {
			id = m[1]
		}
		return id != ""
	})
	return id
}

func (p *serveProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.exited
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func buildStocksync(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "stocksync")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

type runRow struct {
	ID      int64   `db:"id"`
	JobID   int64   `db:"job_id"`
	Status  string  `db:"status"`
	Records int     `db:"records"`
	Failed  int     `db:"failed"`
	New     int     `db:"new_records"`
	Error   *string `db:"error"`
}

func channelRuns(t *testing.T, st *store.Store, ch int64) []runRow {
	t.Helper()
	var runs []runRow
	if err := st.DB.Select(&runs, `SELECT id, job_id, status, records, failed, new_records, error FROM sync_runs
		WHERE channel_id = $1 ORDER BY id`, ch); err != nil {
		t.Fatal(err)
	}
	return runs
}

// runningOn tells which River client works the channel's running run, once
// it has imported something.
func runningOn(t *testing.T, st *store.Store, ch int64) (run int64, client string) {
	t.Helper()
	var r struct {
		ID      int64          `db:"id"`
		Workers pq.StringArray `db:"attempted_by"`
	}
	waitFor(t, "a run with imported batches", func() bool {
		err := st.DB.Get(&r, `SELECT r.id, j.attempted_by FROM sync_runs r JOIN river_job j ON j.id = r.job_id
			WHERE r.channel_id = $1 AND r.status = 'running' AND r.records > 0 AND j.state = 'running'`, ch)
		return err == nil
	})
	return r.ID, r.Workers[len(r.Workers)-1]
}

// takenOver waits for the killed run to be closed and its retry to end, and
// checks that the channel's listings are all there, once.
func takenOver(t *testing.T, st *store.Store, ch, killed int64, listings int) (dead, retry runRow) {
	t.Helper()
	waitFor(t, "the killed run to close and its retry to end", func() bool {
		runs := channelRuns(t, st, ch)
		return len(runs) >= 2 && runs[len(runs)-1].ID > killed && runs[len(runs)-1].Status != "running" &&
			runs[slices.IndexFunc(runs, func(r runRow) bool { return r.ID == killed })].Status != "running"
	})
	runs := channelRuns(t, st, ch)
	dead = runs[slices.IndexFunc(runs, func(r runRow) bool { return r.ID == killed })]
	retry = runs[len(runs)-1]
	if dead.Status != "interrupted" || dead.Error == nil || !strings.Contains(*dead.Error, "process running this sync stopped") {
		t.Fatalf("the killed run: %+v %v", dead, dead.Error)
	}
	if retry.Status != "succeeded" || retry.JobID == dead.JobID || len(runs) != slices.Index(runs, retry)+1 {
		t.Fatalf("after the killed run %d: %+v", killed, runs)
	}
	var jobState string
	st.DB.Get(&jobState, `SELECT state FROM river_job WHERE id = $1`, dead.JobID)
	if jobState != "cancelled" {
		t.Fatalf("the killed run's job is %s", jobState)
	}
	var n, distinct, counted int
	st.DB.QueryRow(`SELECT count(*), count(DISTINCT external_id) FROM channel_items WHERE channel_id = $1`, ch).Scan(&n, &distinct)
	st.DB.Get(&counted, `SELECT listings FROM channels WHERE id = $1`, ch)
	if n != listings || distinct != listings || counted != listings {
		t.Fatalf("%d listings stored (%d distinct, channel counts %d); the channel has %d", n, distinct, counted, listings)
	}
	return dead, retry
}

// testInstance is the test process's store and Service on the serve
// processes' database and configuration.
func testInstance(t *testing.T, vals map[string]string) (*store.Store, *channelsync.Service) {
	t.Helper()
	cfg, err := config.Load(env(vals))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := channelsync.NewService(st, cfg.SecretKey, channel.Options{
		Addresses: channel.AddressPolicy{Hosts: cfg.ChannelAllowHosts, Networks: cfg.ChannelAllowNetworks}}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return st, svc
}

func TestAKilledServeHoldsItsChannelNoLongerThanItsSilence(t *testing.T) {
	bin := buildStocksync(t)
	vals := serveEnv(t, testdb.URL(t))
	vals["STOCKSYNC_DEAD_WORKER_AFTER"] = "5s"
	vals["STOCKSYNC_CHANNEL_ALLOW"] = "127.0.0.1" // the fake store listens on loopback
	ctx := context.Background()
	st, svc := testInstance(t, vals)
	const listings = 2000
	shop := woofake.New(woofake.Options{})
	defer shop.Close()
	shop.Generate(listings, 9)
	ch, err := svc.Connect(ctx, channelsync.ConnectRequest{Kind: "woocommerce", Name: "Woo",
		Credentials:  map[string]string{"site_url": shop.URL(), "consumer_key": woofake.DefaultConsumerKey, "consumer_secret": woofake.DefaultConsumerSecret},
		SyncInterval: 15 * time.Minute, FirstSyncDelay: 0})
	if err != nil {
		t.Fatal(err)
	}

	// A first import, on the only instance: its first sweep finds the
	// channel due. The channel is slow enough that the kill lands mid-run.
	shop.Slow(20 * time.Millisecond)
	a := startServe(t, bin, vals)
	aID := a.clientID(t)
	first, on := runningOn(t, st, ch)
	if on != aID {
		t.Fatalf("the run is worked by %s, not by the only instance %s", on, aID)
	}
	// Its schedule comes due again while it runs: the sweep leaves it due
	// (the running sync is its sync) and says so.
	st.DB.MustExec(`UPDATE channels SET next_sync_at = now() WHERE id = $1`, ch)
	waitFor(t, "the sweep to skip the due channel", func() bool { return strings.Contains(a.logs.String(), "scheduled sync not enqueued") })
	var stillDue bool
	st.DB.Get(&stillDue, `SELECT next_sync_at <= now() FROM channels WHERE id = $1`, ch)
	if !stillDue {
		t.Fatal("the sweep moved the channel's due time without enqueueing its sync")
	}
	b := startServe(t, bin, vals)
	b.clientID(t)
	a.kill(t)
	shop.Slow(0)

	dead, retry := takenOver(t, st, ch, first, listings)
	if dead.Records != dead.Failed || dead.New != 0 || !strings.Contains(*dead.Error, "not kept") {
		t.Fatalf("the killed first import reports listings its dropped load never kept: %+v %s", dead, *dead.Error)
	}
	if retry.New != listings-retry.Failed {
		t.Fatalf("the retried first import: %+v", retry)
	}
	var next time.Time
	st.DB.Get(&next, `SELECT next_sync_at FROM channels WHERE id = $1`, ch)
	if until := time.Until(next); until < 14*time.Minute {
		t.Fatalf("after the retry the next sync is in %v, want the 15 minute interval", until)
	}

	// An incremental run with two instances alive: whichever works it is
	// killed, and the other takes over.
	c := startServe(t, bin, vals)
	cID := c.clientID(t)
	st.DB.MustExec(`UPDATE channels SET listings_since = '2000-01-01' WHERE id = $1`, ch)
	shop.Slow(20 * time.Millisecond)
	reg := jobs.NewRegistry()
	channelsync.Register(reg, svc, func() *jobs.Client { return nil }, time.Hour)
	inserter, err := jobs.NewClient(st.DB.DB, reg, jobs.Options{InsertOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	// River records the retry's job completed a moment after its run
	// ends; until then Sync now is a duplicate of it.
	waitFor(t, "the retry's job to be recorded completed", func() bool {
		var active int
		st.DB.Get(&active, `SELECT count(*) FROM river_job WHERE kind = 'catalogue_sync' AND state NOT IN ('completed', 'cancelled', 'discarded')`)
		return active == 0
	})
	if ok, err := channelsync.SyncNow(ctx, inserter, ch, false); err != nil || !ok {
		t.Fatalf("Sync now: %v %v", ok, err)
	}
	incremental, on := runningOn(t, st, ch)
	if on == cID {
		c.kill(t)
	} else {
		b.kill(t)
	}
	shop.Slow(0)
	dead, _ = takenOver(t, st, ch, incremental, listings)
	if dead.Records == 0 || strings.Contains(*dead.Error, "not kept") {
		t.Fatalf("the killed incremental run kept its listings but reports otherwise: %+v %s", dead, *dead.Error)
	}
}
