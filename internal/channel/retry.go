package channel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	firstBackoff = 200 * time.Millisecond
	maxBackoff   = 5 * time.Second
	// maxThrottleWaits bounds how long a call may be kept waiting by a
	// channel that keeps saying "slow down", so a sync never hangs forever.
	maxThrottleWaits = 50
	// longestThrottleWait is the longest single wait a channel may ask for.
	// Past it the call fails as transient and the job scheduler, not a
	// sleeping goroutine, decides when to come back.
	longestThrottleWait = 2 * time.Minute
)

// ThrottledError asks the retry policy to wait Wait before the next attempt
// and not to count the attempt as a failure: the channel is healthy, we are
// just too fast.
type ThrottledError struct {
	Wait time.Duration
	Err  error
}

func (e *ThrottledError) Error() string { return e.Err.Error() }
func (e *ThrottledError) Unwrap() error { return e.Err }

// Retryable marks err as a failure that may pass (a server error, a timeout,
// a dropped connection): the retry policy backs off and tries again.
func Retryable(err error) error { return &retryableError{err} }

type retryableError struct{ err error }

func (e *retryableError) Error() string { return e.err.Error() }
func (e *retryableError) Unwrap() error { return e.err }

// retrier applies the shared retry policy to one logical call.
type retrier struct {
	sleep      func(context.Context, time.Duration) error
	maxRetries int
	logger     *slog.Logger
	now        func() time.Time
	throttled  func(context.Context, time.Time) // Options.Throttled; may be nil
}

// do runs attempt until it succeeds, fails for good, or outlasts the policy.
// what names the call in logs.
func (r retrier) do(ctx context.Context, what string, attempt func(context.Context) error) error {
	attempts, failures, throttles := 0, 0, 0
	for {
		attempts++
		err := attempt(ctx)
		if err == nil {
			return nil
		}
		var wait time.Duration
		var throttled *ThrottledError
		var retryable *retryableError
		switch {
		case errors.As(err, &throttled):
			throttles++
			if r.throttled != nil && throttled.Wait > 0 {
				r.throttled(ctx, r.now().Add(throttled.Wait))
			}
			if throttles > maxThrottleWaits {
				return &TransientError{Attempts: attempts, Err: err}
			}
			if throttled.Wait > longestThrottleWait {
				return &TransientError{Attempts: attempts, Err: fmt.Errorf("%w; the channel asked to wait %s before trying again", err, throttled.Wait)}
			}
			wait = throttled.Wait
		case errors.As(err, &retryable):
			if failures >= r.maxRetries {
				return &TransientError{Attempts: attempts, Err: retryable.err}
			}
			wait = backoff(failures)
			failures++
		default:
			return err
		}
		r.logger.LogAttrs(ctx, slog.LevelWarn, "channel call will be retried",
			slog.String("call", what), slog.Int("attempt", attempts),
			slog.Duration("wait", wait), slog.String("error", err.Error()))
		if err := r.sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: gave up waiting to retry: %w", what, err)
		}
	}
}

// backoff is the wait after the n-th consecutive failure (n from 0). There
// is no jitter: each set of credentials is used by one sync at a time, so
// there is no herd of clients to spread out.
func backoff(n int) time.Duration {
	if n >= 10 {
		return maxBackoff
	}
	return min(firstBackoff<<n, maxBackoff)
}

// Seconds converts a possibly fractional number of seconds, as channels
// report waits, into a Duration rounded to the millisecond.
func Seconds(s float64) time.Duration {
	if s <= 0 || math.IsNaN(s) {
		return 0
	}
	if s > 1e6 {
		s = 1e6
	}
	return time.Duration(math.Round(s*1000)) * time.Millisecond
}

// RetryAfter reads a Retry-After header: seconds (fractions allowed, as some
// channels send them) or an HTTP date. fallback is used when the header is
// absent or unreadable.
func RetryAfter(h http.Header, now time.Time, fallback time.Duration) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return fallback
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s < 0 {
			return fallback
		}
		return Seconds(s)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return fallback
}
