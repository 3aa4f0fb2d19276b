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
	// ChannelID is the channel being reconnected; 0 connects a new one.
	ChannelID int64 `json:"channel_id,omitempty"`
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
	return s.startOAuth(ctx, kind, r.UserID, redirectURI, pendingOAuth{Name: r.Name, Credentials: r.Credentials,
		SyncInterval: r.SyncInterval, FirstSyncDelay: r.FirstSyncDelay})
}

// StartOAuthReconnect is StartOAuth for a connected channel whose
// credentials stopped working: creds are the reconnect form's (an
// optional field left blank keeps the stored value), and the callback
// replaces the channel's credentials as Reconnect does.
func (s *Service) StartOAuthReconnect(ctx context.Context, ch store.Channel, creds map[string]string, userID int64, redirectURI string) (string, error) {
	kind, ok := channel.Lookup(ch.Kind)
	if !ok || kind.OAuth == nil {
		return "", &FieldError{"", "This kind of channel cannot be reconnected through its own sign-in; enter its credentials instead."}
	}
	old, _ := s.credentials(ch)
	for _, f := range kind.Fields {
		creds[f.Name] = strings.TrimSpace(creds[f.Name])
		switch {
		case kind.OAuth.IsFilled(f.Name):
			delete(creds, f.Name)
		case creds[f.Name] == "" && f.Optional:
			creds[f.Name] = old[f.Name]
		case creds[f.Name] == "":
			return "", &FieldError{"cred_" + f.Name, f.Label + " is required."}
		}
	}
	return s.startOAuth(ctx, kind, userID, redirectURI, pendingOAuth{Name: ch.Name, Credentials: creds, ChannelID: ch.ID})
}

// startOAuth records the authorization under way and returns the
// channel's consent page.
func (s *Service) startOAuth(ctx context.Context, kind channel.Kind, userID int64, redirectURI string, p pendingOAuth) (string, error) {
	state := channel.NewOAuthState()
	verifier, challenge := channel.NewPKCE()
	target, err := kind.OAuth.AuthorizeURL(p.Credentials, redirectURI, state, challenge, s.opts)
	if err != nil {
		return "", &FieldError{"", sentence(err.Error())}
	}
	p.Verifier, p.RedirectURI = verifier, redirectURI
	plain, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	err = s.store.SaveOAuthState(ctx, stateHash(state), store.OAuthState{Kind: kind.Name, UserID: userID,
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
// connects the channel as Connect does (or, for a reconnect, replaces its
// credentials as Reconnect does). A state is used once. It returns the
// channel and its name, and whether it was a reconnect.
func (s *Service) FinishOAuth(ctx context.Context, cb OAuthCallback) (int64, string, bool, error) {
	again := "Start again from Connect a channel."
	if cb.State == "" {
		return 0, "", false, &OAuthError{"The channel sent you back without the state of a sign-in stocksync started, so nothing was connected. " + again}
	}
	st, err := s.store.TakeOAuthState(ctx, stateHash(cb.State))
	if errors.Is(err, store.ErrOAuthStateNotFound) {
		return 0, "", false, &OAuthError{"This sign-in was not started here, or it was used already, so nothing was connected. " + again}
	}
	if err != nil {
		return 0, "", false, err
	}
	switch {
	case st.Kind != cb.Kind || st.UserID != cb.UserID:
		return 0, "", false, &OAuthError{"This sign-in was started for another channel or by another user, so nothing was connected. " + again}
	case s.now().After(st.ExpiresAt):
		return 0, "", false, &OAuthError{fmt.Sprintf("This sign-in expired (it must be finished within %d minutes), so nothing was connected. %s", int(oauthLifetime.Minutes()), again)}
	case cb.Error != "":
		why := cb.Error
		if cb.Description != "" {
			why = cb.Description + " (" + cb.Error + ")"
		}
		return 0, "", false, &OAuthError{"The channel did not grant access: " + why + ". Nothing was connected. " + again}
	case cb.Code == "":
		return 0, "", false, &OAuthError{"The channel sent you back without an authorization code, so nothing was connected. " + again}
	}
	kind, ok := channel.Lookup(st.Kind)
	if !ok || kind.OAuth == nil {
		return 0, "", false, &OAuthError{"This server no longer knows channels of kind " + st.Kind + "."}
	}
	plain, err := s.box.Open(st.Pending, oauthSealContext(st.Kind))
	if err != nil {
		return 0, "", false, err
	}
	var p pendingOAuth
	if err := json.Unmarshal(plain, &p); err != nil {
		return 0, "", false, fmt.Errorf("channelsync: pending oauth: %w", err)
	}
	creds, err := kind.OAuth.Exchange(ctx, p.Credentials, p.RedirectURI, cb.Code, p.Verifier, s.opts)
	if err != nil {
		s.log.Info("channelsync: oauth exchange failed", "kind", st.Kind, "err", err)
		return 0, "", false, &OAuthError{"The channel did not accept the authorization: " + strings.TrimSuffix(DescribeError(err), ".") + ". " + again}
	}
	id := p.ChannelID
	if id != 0 {
		var ch store.Channel
		if ch, err = s.store.Channel(ctx, id); err == nil {
			if ch.DisconnectedAt != nil {
				return 0, "", false, &OAuthError{"The channel was disconnected meanwhile, so it was not reconnected."}
			}
			err = s.Reconnect(ctx, ch, creds)
		}
	} else {
		id, err = s.Connect(ctx, ConnectRequest{Kind: st.Kind, Name: p.Name, Credentials: creds,
			SyncInterval: p.SyncInterval, FirstSyncDelay: p.FirstSyncDelay, UserID: cb.UserID})
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return 0, "", false, &OAuthError{"The channel granted access, but connecting failed: " + strings.TrimSuffix(fe.Message, ".") + ". " + again}
	}
	return id, p.Name, p.ChannelID != 0, err
}
