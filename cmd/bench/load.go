package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

type loadResult struct {
	requests int
	errors   int
	elapsed  time.Duration
	latency  []time.Duration
}

func (r loadResult) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r loadResult) percentile(p float64) time.Duration {
	if len(r.latency) == 0 {
		return 0
	}
	slices.Sort(r.latency)
	return r.latency[min(len(r.latency)-1, int(float64(len(r.latency))*p))]
}

// load sends the same request over conns keep-alive connections for the
// duration (after a warm-up) and records every latency. It uses raw
// connections so the generator spends little of the two shared cores.
// Every answer must be 200.
func load(ctx context.Context, addr string, request []byte, conns int, warmup, duration time.Duration) (loadResult, error) {
	return loadExpecting(ctx, addr, request, http.StatusOK, conns, warmup, duration)
}

// loadExpecting is load for a request whose every answer must be status.
func loadExpecting(ctx context.Context, addr string, request []byte, status, conns int, warmup, duration time.Duration) (loadResult, error) {
	return loadRotating(ctx, addr, [][]byte{request}, status, conns, warmup, duration)
}

// loadRotating is load over several requests: each connection sends them
// in turn, starting at a different one, so a page is measured over many
// records rather than one kept hot.
func loadRotating(ctx context.Context, addr string, requests [][]byte, status, conns int, warmup, duration time.Duration) (loadResult, error) {
	var mu sync.Mutex
	var res loadResult
	start := time.Now()
	measureFrom := start.Add(warmup)
	stopAt := measureFrom.Add(duration)
	var wg sync.WaitGroup
	errCh := make(chan error, conns)
	for i := 0; i < conns; i++ {
		wg.Add(1)
		next := i * len(requests) / conns
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				errCh <- err
				return
			}
			defer c.Close()
			br := bufio.NewReaderSize(c, 32<<10)
			local := make([]time.Duration, 0, 100000)
			errs := 0
			for ctx.Err() == nil {
				t0 := time.Now()
				if t0.After(stopAt) {
					break
				}
				request := requests[next%len(requests)]
				next++
				if _, err := c.Write(request); err != nil {
					errCh <- err
					return
				}
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					errCh <- err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != status {
					errs++
				}
				if t0.After(measureFrom) {
					local = append(local, time.Since(t0))
				}
			}
			mu.Lock()
			res.latency = append(res.latency, local...)
			res.errors += errs
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(errCh)
	if err := <-errCh; err != nil {
		return res, fmt.Errorf("load: %w", err)
	}
	res.requests = len(res.latency)
	res.elapsed = duration
	if res.errors > 0 {
		return res, fmt.Errorf("load: %d responses were not %d", res.errors, status)
	}
	return res, nil
}
