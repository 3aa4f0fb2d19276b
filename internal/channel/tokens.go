package channel

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Token is an OAuth access token and the refresh token that renews it.
type Token struct {
	Access string
	// Refresh is the refresh token to use next: channels that rotate them
	// (Etsy) send a new one with every access token and void the old one.
	Refresh string
	Expiry  time.Time
}

// RefreshFunc trades a refresh token for a new Token.
type RefreshFunc func(ctx context.Context, refreshToken string) (Token, error)

// TokenSource hands out a channel account's access tokens, refreshing them
// shortly before they expire. Connectors are built anew for every job, so
// the tokens live in a process-wide cache keyed by a hash of the account's
// credentials, and a refresh is made by one caller at a time per account:
// two jobs refreshing at once with a rotating refresh token would void
// each other's.
type TokenSource struct {
	entry *tokenEntry
	// stored is the refresh token the connector's credentials hold; when
	// the account's current one differs, it is stored again.
	stored  string
	ids     []string
	refresh RefreshFunc
	persist func(ctx context.Context, refreshToken string) error
	reload  func(ctx context.Context) (string, error)
	now     func() time.Time
}

type tokenEntry struct {
	mu    sync.Mutex // held while refreshing: one refresher per account
	token Token
	keys  []string // the cache keys that lead here, newest last
}

var tokenCache = struct {
	sync.Mutex
	entries map[string]*tokenEntry
}{entries: map[string]*tokenEntry{}}

// refreshMargin is how long before expiry a token is renewed, so that a
// call made with it does not meet its end halfway.
const refreshMargin = 5 * time.Minute

// NewTokenSource returns the token source of the account identified by ids
// (kind, client id, shop …) and the refresh token stored with it. persist
// stores a rotated refresh token with the channel's credentials; nil keeps
// it in memory only.
func NewTokenSource(ids []string, refreshToken string, refresh RefreshFunc, persist func(ctx context.Context, refreshToken string) error, opts Options) *TokenSource {
	opts = opts.withDefaults()
	key := tokenKey(ids, refreshToken)
	tokenCache.Lock()
	e := tokenCache.entries[key]
	if e == nil {
		e = &tokenEntry{token: Token{Refresh: refreshToken}, keys: []string{key}}
		tokenCache.entries[key] = e
	}
	tokenCache.Unlock()
	return &TokenSource{entry: e, stored: refreshToken, ids: ids, refresh: refresh, persist: persist, now: opts.Now}
}

func tokenKey(ids []string, refreshToken string) string {
	h := sha256.New()
	for _, s := range append(ids, refreshToken) {
		fmt.Fprintf(h, "%d:%s;", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Token returns a valid access token, refreshing it first when it is
// missing or about to expire. Whenever the account's refresh token is not
// the one this connector's credentials hold (it rotated, here or in
// another job), it is stored before the token is handed out: a refresh
// token that lives only in memory is lost with the process, and with it
// the channel.
func (ts *TokenSource) Token(ctx context.Context) (string, error) {
	e := ts.entry
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.token.Access == "" || !ts.now().Before(e.token.Expiry.Add(-refreshMargin)) {
		t, err := ts.refresh(ctx, e.token.Refresh)
		if errors.Is(err, ErrUnauthorized) && ts.reload != nil {
			// Another server process may have rotated the token and stored
			// the new one: refresh with that, once.
			if stored, rerr := ts.reload(ctx); rerr == nil && stored != "" && stored != e.token.Refresh {
				ts.alias(e, stored)
				e.token.Refresh, ts.stored = stored, stored
				t, err = ts.refresh(ctx, stored)
			}
		}
		if err != nil {
			return "", err
		}
		if t.Refresh == "" {
			t.Refresh = e.token.Refresh
		}
		if t.Refresh != e.token.Refresh {
			ts.alias(e, t.Refresh)
		}
		e.token = t
	}
	if e.token.Refresh != ts.stored {
		if ts.persist != nil {
			if err := ts.persist(ctx, e.token.Refresh); err != nil {
				return "", fmt.Errorf("the channel issued a new refresh token that could not be stored (it is kept in memory and stored with the next call): %w", err)
			}
		}
		ts.stored = e.token.Refresh
	}
	return e.token.Access, nil
}

// WithReload gives ts a way to read the refresh token stored with the
// channel's credentials (see Options.LoadCredentials), tried once when a
// refresh is refused, for the token another process rotated.
func (ts *TokenSource) WithReload(reload func(ctx context.Context) (string, error)) *TokenSource {
	ts.reload = reload
	return ts
}

// Invalidate forgets access when the channel refused it before its
// expiry (revoked, or the channel's clock differs), so the next Token
// refreshes.
func (ts *TokenSource) Invalidate(access string) {
	e := ts.entry
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.token.Access == access {
		e.token.Access = ""
	}
}

// alias makes the new refresh token lead to the same entry, so connectors
// built from the credentials as just stored share it; the key before the
// previous one is dropped, since no stored credentials hold it any more.
func (ts *TokenSource) alias(e *tokenEntry, refreshToken string) {
	key := tokenKey(ts.ids, refreshToken)
	tokenCache.Lock()
	defer tokenCache.Unlock()
	tokenCache.entries[key] = e
	e.keys = append(e.keys, key)
	for len(e.keys) > 2 {
		delete(tokenCache.entries, e.keys[0])
		e.keys = e.keys[1:]
	}
}
