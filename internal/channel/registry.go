package channel

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Field is one credential a Kind asks for when a channel is connected.
type Field struct {
	Name        string // key in the credentials map
	Label       string // what the connect form calls it
	Secret      bool   // mask it in forms, never show it back
	Placeholder string
	Optional    bool   // may be left blank
	Help        string // a sentence under the input; "" for none
}

// Options tune a Connector. The zero value is ready to use.
type Options struct {
	// Addresses is what the connector may call; the zero value allows only
	// public addresses over https.
	Addresses AddressPolicy
	// Timeout bounds each request; 0 means 30 s.
	Timeout time.Duration
	// HTTPClient replaces the client built from Addresses and Timeout, and
	// with it the address policy: for tests that script the transport.
	HTTPClient *http.Client
	// Sleep waits between attempts; injectable so tests do not wait.
	// nil: a timer that returns early with ctx.Err() when ctx is done.
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxRetries is how many times a failing call (5xx, timeout, dropped
	// connection) is retried: 0 means the default of 4, negative means none.
	MaxRetries int
	Logger     *slog.Logger // nil: discard
	// Now reads the clock, for token expiry and call budgets; nil: time.Now.
	Now func() time.Time
	// SaveCredentials stores a channel's credentials again when the
	// connector changed them (a rotated OAuth refresh token). The channel
	// service sets it per channel; nil keeps changes in memory only.
	SaveCredentials func(ctx context.Context, creds map[string]string) error
	// LoadCredentials reads the channel's stored credentials again, so a
	// connector whose refresh token was voided can pick up the one another
	// server process stored after rotating it. nil: no second look.
	LoadCredentials func(ctx context.Context) (map[string]string, error)
	// Throttled hears that the channel asked us to wait until then (an
	// HTTP 429) before the call waits, so the channel's page can say so
	// while it lasts. The channel service sets it per channel; nil: no one
	// is told.
	Throttled func(ctx context.Context, until time.Time)
	// StoredRefs reads the InventoryRef stored for those of the channel's
	// listings, by ExternalID, that an earlier sync imported (in any server
	// process); listings not stored are left out. A connector that pays a
	// call per listing to learn its stock address checks what it reads
	// against the stored ref and reads the address again only where they
	// differ. The channel service sets it per channel; nil: none stored.
	StoredRefs func(ctx context.Context, externalIDs []string) (map[string]string, error)
}

const (
	defaultTimeout    = 30 * time.Second
	defaultMaxRetries = 4
)

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = defaultTimeout
	}
	if o.HTTPClient == nil {
		o.HTTPClient = o.Addresses.client(o.Timeout)
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = defaultMaxRetries
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Sleep is the wait Options.Sleep defaults to: d, or less when ctx ends.
var Sleep = sleepCtx

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Kind is one kind of channel (Shopify, WooCommerce ...).
type Kind struct {
	Name        string // stable key stored with each connected channel: "shopify"
	DisplayName string
	Fields      []Field
	// New builds a Connector; it checks that every credential is present
	// and well-formed but makes no call (Verify does). Register wraps it so
	// that every connector's orders come out clean (cleaned.go).
	New func(creds map[string]string, opts Options) (Connector, error)
	// Webhook is how the channel delivers webhooks; nil when it has none.
	Webhook *WebhookFormat
	// OAuth is how the channel connects through its consent page ("Connect
	// with Etsy"); nil when credentials can only be pasted.
	OAuth *OAuthFlow
}

var registry = struct {
	sync.RWMutex
	kinds map[string]Kind
}{kinds: map[string]Kind{}}

// Register makes a Kind available; channel packages call it from init.
// It panics on a nameless, constructor-less or duplicate Kind, all of which
// are programming mistakes that must not reach a running server.
func Register(k Kind) {
	if k.Name == "" || k.New == nil {
		panic("channel: Register needs a Kind with a Name and a New function")
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.kinds[k.Name]; dup {
		panic("channel: kind " + k.Name + " registered twice")
	}
	build := k.New
	k.New = func(creds map[string]string, opts Options) (Connector, error) {
		c, err := build(creds, opts)
		if err != nil {
			return nil, err
		}
		return cleanConnector(c), nil
	}
	registry.kinds[k.Name] = k
}

// Lookup returns the Kind registered under name.
func Lookup(name string) (Kind, bool) {
	registry.RLock()
	defer registry.RUnlock()
	k, ok := registry.kinds[name]
	return k, ok
}

// Kinds returns every registered Kind, sorted by Name.
func Kinds() []Kind {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]Kind, 0, len(registry.kinds))
	for _, k := range registry.kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// RequireFields checks that creds holds a non-blank value for every field,
// and names the missing ones by their labels. prefix is the channel's error
// prefix ("shopify").
func RequireFields(prefix string, fields []Field, creds map[string]string) error {
	var missing []string
	for _, f := range fields {
		if !f.Optional && strings.TrimSpace(creds[f.Name]) == "" {
			missing = append(missing, f.Label)
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s: %s is required", prefix, missing[0])
	default:
		return fmt.Errorf("%s: %s and %s are required", prefix, strings.Join(missing[:len(missing)-1], ", "), missing[len(missing)-1])
	}
}

// WithDefaults returns o with every unset option filled in, for connectors
// that wait or read the clock themselves (token expiry, call budgets).
func (o Options) WithDefaults() Options { return o.withDefaults() }

// Constructor adapts a channel package's New to Kind.New: a failure gives a
// nil Connector, not a typed nil *Client, which would compare non-nil.
func Constructor[C Connector](build func(creds map[string]string, opts Options) (C, error)) func(map[string]string, Options) (Connector, error) {
	return func(creds map[string]string, opts Options) (Connector, error) {
		c, err := build(creds, opts)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
}
