package main

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"stocksync/internal/testkit/testdb"
)

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proc is a started child; exited closes when it has ended, then err holds
// what Wait said.
type proc struct {
	cmd    *exec.Cmd
	out    *lockedBuffer
	exited chan struct{}
	err    error
}

// startGroup starts cmd in a process group of its own, as a terminal runs a
// foreground job, so a signal can go to the whole group like Ctrl-C does.
func startGroup(t *testing.T, cmd *exec.Cmd, vals map[string]string) *proc {
	t.Helper()
	p := &proc{cmd: cmd, out: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	cmd.Env = os.Environ()
	for k, v := range vals {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 10 * time.Second // a pipe kept open by a stray child must not hang the test
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-p.exited
		}
	})
	return p
}

// waitHealthy waits until the server answers or its process ends; the first
// build of `make run` can take minutes on a busy machine.
func (p *proc) waitHealthy(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Minute)
	for time.Now().Before(deadline) {
		if res, err := http.Get("http://" + addr + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-p.exited:
			t.Fatalf("stopped before serving: %v\n%s", p.err, p.out.String())
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Fatalf("never answered /healthz:\n%s", p.out.String())
}

func (p *proc) waitExit(t *testing.T) error {
	t.Helper()
	select {
	case <-p.exited:
		return p.err
	case <-time.After(2 * time.Minute):
		t.Fatalf("did not stop after the signal:\n%s", p.out.String())
		return nil
	}
}

// `make run` says it is building, and Ctrl-C (SIGINT to the foreground
// group) ends it without make reporting an error; the binary it built stops
// with exit code 0 on SIGINT and on SIGTERM.
func TestMakeRunBuildsThenStopsCleanly(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "stocksync")
	vals := serveEnv(t, testdb.URL(t))

	mk := startGroup(t, exec.Command("make", "--no-print-directory", "-C", root, "run", "BIN="+bin), vals)
	mk.waitHealthy(t, vals["STOCKSYNC_ADDR"])
	if !strings.Contains(mk.out.String(), "Building "+bin) {
		t.Errorf("make run did not say it was building:\n%s", mk.out.String())
	}
	if err := syscall.Kill(-mk.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = mk.waitExit(t)
	// make passes the interrupt on to itself after its recipe ends, so it
	// may die of SIGINT; what it must not do is report a failed recipe.
	var exitErr *exec.ExitError
	if err != nil && !(errors.As(err, &exitErr) && !exitErr.Exited()) {
		t.Errorf("make run after Ctrl-C: %v", err)
	}
	if out := mk.out.String(); strings.Contains(out, "make: ***") || !strings.Contains(out, "shutting down") {
		t.Errorf("Ctrl-C did not end make run cleanly:\n%s", out)
	}

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		vals["STOCKSYNC_ADDR"] = freeAddr(t)
		srv := startGroup(t, exec.Command(bin, "serve"), vals)
		srv.waitHealthy(t, vals["STOCKSYNC_ADDR"])
		if err := srv.cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if err := srv.waitExit(t); err != nil || srv.cmd.ProcessState.ExitCode() != 0 {
			t.Errorf("after %v: %v, exit code %d\n%s", sig, err, srv.cmd.ProcessState.ExitCode(), srv.out.String())
		}
	}
}
