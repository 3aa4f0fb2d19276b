package channel

import (
	"errors"
	"fmt"
	"time"
)

// ErrUnauthorized means the channel rejected the credentials (HTTP 401 or
// 403, or Shopify's ACCESS_DENIED). Retrying cannot help: the channel needs
// to be reconnected. Clients wrap it with what was refused.
var ErrUnauthorized = errors.New("the channel rejected the credentials; reconnect the channel with valid credentials")

// ErrStaleQuantity is a per-item QuantityResult error: the channel's stock
// is no longer the QuantityUpdate.Previous we believed it was (a sale or an
// edit on the channel since our last push), so the write was refused rather
// than overwrite a change we have not seen. Sync the catalogue, then push
// again.
var ErrStaleQuantity = errors.New("the channel's stock changed since the last push, so it was not overwritten; sync the channel and push again")

// MalformedError is a response body that could not be read.
type MalformedError struct {
	What string // what was being read, with the channel's prefix: "shopify: productVariants page"
	Err  error
}

func (e *MalformedError) Error() string { return e.What + ": " + e.Err.Error() }
func (e *MalformedError) Unwrap() error { return e.Err }

// TransientError is a failure that may pass (server errors, timeouts,
// dropped connections, throttling) but outlasted the retry policy.
type TransientError struct {
	Attempts int
	Err      error
}

func (e *TransientError) Error() string {
	return fmt.Sprintf("%v (still failing after %d attempts; the channel may be down or overloaded, try again later)", e.Err, e.Attempts)
}
func (e *TransientError) Unwrap() error { return e.Err }

// HTTPError is a refusal that is neither throttling, a server error nor a
// credentials problem: usually a 400 or 404 that retrying will not change.
type HTTPError struct {
	Status  int
	Message string // the channel's own explanation, when it gave one
}

func (e *HTTPError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("HTTP %d", e.Status)
	}
	return fmt.Sprintf("HTTP %d: %s", e.Status, e.Message)
}

// QuotaError is a per-item QuantityResult error (or a call's error) saying
// the channel's quota for this kind of call is spent until Until: a daily
// call budget, a per-listing revision limit. The stock push keeps the
// listing pending, shows why and when it will go, and sends it after Until;
// nothing is dropped.
type QuotaError struct {
	Until  time.Time
	Reason string // in words a person can act on: "Etsy's daily budget of 10,000 calls is spent"
}

func (e *QuotaError) Error() string {
	return fmt.Sprintf("%s; it will be sent after %s", e.Reason, e.Until.UTC().Format("2006-01-02 15:04 MST"))
}
