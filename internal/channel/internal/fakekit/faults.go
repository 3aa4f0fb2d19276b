package fakekit

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// FaultKind is what a fake should do instead of answering normally.
type FaultKind int

const (
	NoFault   FaultKind = iota
	Hang                // never answer: wait until the client gives up
	Fail                // answer with a server error status
	Throttle            // answer the channel's way of saying "slow down"
	Malformed           // answer with a body cut in half
)

// Fault is the decision for one request.
type Fault struct {
	Kind   FaultKind
	Status int           // for Fail
	Delay  time.Duration // wait this long first (Slow)
}

// Faults are switches a test or the sandbox flips at run time; they are safe
// for concurrent use. Each "Next" switch applies to that many requests and
// then clears itself.
type Faults struct {
	mu         sync.Mutex
	failN      int
	failStatus int
	throttleN  int
	timeoutN   int
	malformedN int
	slow       time.Duration

	closeOnce sync.Once
	closing   chan struct{}
}

// NewFaults returns switches that are all off.
func NewFaults() *Faults { return &Faults{closing: make(chan struct{})} }

// FailNext makes the next n requests answer with status (a 5xx).
func (f *Faults) FailNext(n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failN, f.failStatus = n, status
}

// ThrottleNext makes the next n requests answer the channel's throttling
// response (Shopify THROTTLED, WooCommerce 429 with Retry-After).
func (f *Faults) ThrottleNext(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.throttleN = n
}

// TimeoutNext makes the next n requests hang until the client gives up.
func (f *Faults) TimeoutNext(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.timeoutN = n
}

// MalformedNext makes the next n answers arrive with their JSON cut short.
func (f *Faults) MalformedNext(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.malformedN = n
}

// Slow delays every answer by d; 0 turns it off.
func (f *Faults) Slow(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.slow = d
}

// Next consumes the fault for one request, the most disruptive first. It is
// a function rather than a method so that fakes can embed Faults and expose
// only the switches.
func Next(f *Faults) Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	fault := Fault{Delay: f.slow}
	switch {
	case f.timeoutN > 0:
		f.timeoutN--
		fault.Kind = Hang
	case f.failN > 0:
		f.failN--
		fault.Kind, fault.Status = Fail, f.failStatus
	case f.throttleN > 0:
		f.throttleN--
		fault.Kind = Throttle
	case f.malformedN > 0:
		f.malformedN--
		fault.Kind = Malformed
	}
	return fault
}

// Wait sleeps d, returning false early when the request is abandoned or the
// fake is closing.
func Wait(ctx context.Context, f *Faults, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-f.closing:
	}
	return false
}

// Block blocks until the request is abandoned or the fake is closing.
func Block(ctx context.Context, f *Faults) {
	select {
	case <-ctx.Done():
	case <-f.closing:
	}
}

// Release ends every Hang and Wait, so that closing the server does not
// wait for requests that would never finish on their own.
func Release(f *Faults) { f.closeOnce.Do(func() { close(f.closing) }) }

// EveryNth picks every Nth request (a host's rate limiter that refuses one
// request in N); safe for concurrent use. The zero value is ready.
type EveryNth struct {
	mu sync.Mutex
	n  int
}

// Hit counts a request and reports whether it is an Nth one; every <= 0
// never hits.
func (e *EveryNth) Hit(every int) bool {
	if every <= 0 {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n++
	return e.n%every == 0
}

// Begin is how every fake takes a request: it records the call, consumes
// the request's fault and waits out its delay, and serves a Hang by
// blocking. ok is false when the request is done with (abandoned during the
// delay, or hung until released); otherwise the fake answers as fault says.
func Begin(r *http.Request, rec *Recorder, f *Faults, c Call) (fault Fault, ok bool) {
	Record(rec, c)
	fault = Next(f)
	if !Wait(r.Context(), f, fault.Delay) {
		return fault, false
	}
	if fault.Kind == Hang {
		Block(r.Context(), f)
		return fault, false
	}
	return fault, true
}
