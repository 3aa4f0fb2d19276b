package channelsync

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/store"
)

// oauthLifetime is how long a person has to approve access on the
// channel's consent page.
const oauthLifetime = 15 * time.Minute

// OAuthError is a callback that cannot connect a channel, in words for the
// person who came back from the channel.
type OAuthError struct{ Message string }

func (e *OAuthError) Error() string { return e.Message }

// pendingOAuth is what the callback needs of the form that started the
// authorization; sealed in the database.
type pendingOAuth struct {
	Verifier       string            `json:"verifier"`
	RedirectURI    string            `json:"redirect_uri"`
	Name           string            `json:"name"`
	Credentials    map[string]string `json:"credentials"`
	SyncInterval   time.Duration     `json:"sync_interval"`
	FirstSyncDelay time.Duration     `json:"first_sync_delay"`
}

func oauthSealContext(kind string) string { return "oauth-state:" + kind }

func stateHash(state string) []byte {
	sum := sha256.Sum256([]byte(state))
	return sum[:]
}

// StartOAuth checks the connect form but for the fields the channel fills
// in, records the authorization under way for r.UserID, and returns the
// channel's consent page to send the person to. redirectURI is this
// server's /channels/oauth/{kind}/callback.
func (s *Service) StartOAuth(ctx context.Context, r ConnectRequest, redirectURI string) (string, error) {
	kind, ok := channel.Lookup(r.Kind)
	if !ok || kind.OAuth == nil {
		return "", &FieldError{"kind", "This kind of channel cannot be connected through its own sign-in; enter its credentials instead."}
	}
	for _, f := range kind.OAuth.Filled {
		r.Credentials[f] = "filled-by-oauth" // checked for presence only
	}
	if _, err := r.Validate(); err != nil {
		return "", err
	}
	for _, f := range kind.OAuth.Filled {
		delete(r.Credentials, f)
	}
	state := channel.NewOAuthState()
	verifier, challenge := channel.NewPKCE()
	target, err := kind.OAuth.AuthorizeURL(r.Credentials, redirectURI, state, challenge, s.opts)
	if err != nil {
		return "", &FieldError{"", sentence(err.Error())}
	}
	plain, err := json.Marshal(pendingOAuth{Verifier: verifier, RedirectURI: redirectURI, Name: r.Name, Credentials: r.Credentials,
		SyncInterval: r.SyncInterval, FirstSyncDelay: r.FirstSyncDelay})
	if err != nil {
		return "", err
	}
	err = s.store.SaveOAuthState(ctx, stateHash(state), store.OAuthState{Kind: kind.Name, UserID: r.UserID,
		Pending: s.box.Seal(plain, oauthSealContext(kind.Name)), ExpiresAt: s.now().Add(oauthLifetime)})
	if err != nil {
		return "", err
	}
	return target, nil
}

// OAuthCallback is what the channel sent the person back with.
type OAuthCallback struct {
	Kind, State, Code string
	// Error and Description are the channel's refusal (access_denied when
	// the person declined); "" when it granted access.
	Error, Description string
	UserID             int64
}

// FinishOAuth checks the state against the authorization this user
// started for this kind, exchanges the code with the PKCE verifier, and
// connects the channel as Connect does. A state is used once.
func (s *Service) FinishOAuth(ctx context.Context, cb OAuthCallback) (int64, string, error) {
	again := "Start again from Connect a channel."
	if cb.State == "" {
		return 0, "", &OAuthError{"The channel sent you back without the state of a sign-in stocksync started, so nothing was connected. " + again}
	}
	st, err := s.store.TakeOAuthState(ctx, stateHash(cb.State))
	if errors.Is(err, store.ErrOAuthStateNotFound) {
		return 0, "", &OAuthError{"This sign-in was not started here, or it was used already, so nothing was connected. " + again}
	}
	if err != nil {
		return 0, "", err
	}
	switch {
	case st.Kind != cb.Kind || st.UserID != cb.UserID:
		return 0, "", &OAuthError{"This sign-in was started for another channel or by another user, so nothing was connected. " + again}
	case s.now().After(st.ExpiresAt):
		return 0, "", &OAuthError{fmt.Sprintf("This sign-in expired (it must be finished within %d minutes), so nothing was connected. %s", int(oauthLifetime.Minutes()), again)}
	case cb.Error != "":
		why := cb.Error
		if cb.Description != "" {
			why = cb.Description + " (" + cb.Error + ")"
		}
		return 0, "", &OAuthError{"The channel did not grant access: " + why + ". Nothing was connected. " + again}
	case cb.Code == "":
		return 0, "", &OAuthError{"The channel sent you back without an authorization code, so nothing was connected. " + again}
	}
	kind, ok := channel.Lookup(st.Kind)
	if !ok || kind.OAuth == nil {
		return 0, "", &OAuthError{"This server no longer knows channels of kind " + st.Kind + "."}
	}
	plain, err := s.box.Open(st.Pending, oauthSealContext(st.Kind))
	if err != nil {
		return 0, "", err
	}
	var p pendingOAuth
	if err := json.Unmarshal(plain, &p); err != nil {
		return 0, "", fmt.Errorf("channelsync: pending oauth: %w", err)
	}
	creds, err := kind.OAuth.Exchange(ctx, p.Credentials, p.RedirectURI, cb.Code, p.Verifier, s.opts)
	if err != nil {
		s.log.Info("channelsync: oauth exchange failed", "kind", st.Kind, "err", err)
		return 0, "", &OAuthError{"The channel did not accept the authorization: " + strings.TrimSuffix(DescribeError(err), ".") + ". " + again}
	}
	id, err := s.Connect(ctx, ConnectRequest{Kind: st.Kind, Name: p.Name, Credentials: creds,
		SyncInterval: p.SyncInterval, FirstSyncDelay: p.FirstSyncDelay, UserID: cb.UserID})
	var fe *FieldError
	if errors.As(err, &fe) {
		return 0, "", &OAuthError{"The channel granted access, but connecting failed: " + strings.TrimSuffix(fe.Message, ".") + ". " + again}
	}
	return id, p.Name, err
}
