package channel

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// OAuthFlow is how a Kind connects through the channel's own consent page
// (OAuth 2 authorization code with PKCE): the person fills in the fields
// the channel needs before the redirect, approves access on the channel,
// and comes back to /channels/oauth/{kind}/callback with a code the
// server exchanges for the rest of the credentials.
type OAuthFlow struct {
	// Button is what the Connect form's button says: "Connect with Etsy".
	Button string
	// Filled are the names of the Kind's fields that Exchange fills in (the
	// refresh token); the form does not ask for them on this way in.
	Filled []string
	// AuthorizeURL is the channel's consent page for creds, sending the
	// person back to redirectURI with state, the PKCE challenge S256.
	AuthorizeURL func(creds map[string]string, redirectURI, state, challenge string, opts Options) (string, error)
	// Exchange trades the code for tokens and returns creds completed
	// with them.
	Exchange func(ctx context.Context, creds map[string]string, redirectURI, code, verifier string, opts Options) (map[string]string, error)
}

// IsFilled tells whether the flow, not the person, provides field.
func (f *OAuthFlow) IsFilled(field string) bool {
	for _, n := range f.Filled {
		if n == field {
			return true
		}
	}
	return false
}

// NewPKCE makes a PKCE pair: a random verifier of 43 URL-safe characters
// and its S256 challenge (RFC 7636).
func NewPKCE() (verifier, challenge string) {
	verifier = randomToken(32)
	return verifier, PKCEChallenge(verifier)
}

// PKCEChallenge is the S256 challenge of verifier.
func PKCEChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// NewOAuthState is an unguessable state value for one authorization.
func NewOAuthState() string { return randomToken(24) }

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}
