package ebay

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"stocksync/internal/channel"
)

// "Connect with eBay" is eBay's authorization-code grant. eBay does not
// take a redirect address: it takes the RuName of the application's keyset,
// which eBay maps to the accept URL registered with it (this server's
// /channels/oauth/ebay/callback). eBay does not implement PKCE; the state
// still ties the callback to the admin who started it.

// consentPage is where the seller signs in and grants access.
func consentPage(apiBase string) string {
	switch apiBase {
	case productionAPI:
		return "https://auth.ebay.com/oauth2/authorize"
	case "https://api.sandbox.ebay.com":
		return "https://auth.sandbox.ebay.com/oauth2/authorize"
	}
	return apiBase + "/oauth2/authorize" // the fake serves its consent page beside its API
}

// oauthBase checks the fields the consent needs and returns the API base.
func oauthBase(creds map[string]string, opts channel.Options) (string, string, error) {
	base, err := channel.APIBaseURL("ebay", creds["api_url"], productionAPI, opts.Addresses)
	if err != nil {
		return "", "", err
	}
	ru := strings.TrimSpace(creds["ru_name"])
	if ru == "" {
		return "", "", errors.New("ebay: Connect with eBay needs the RuName of your keyset (developer.ebay.com ▸ User Tokens ▸ Get a Token from eBay via Your Application), with this server's /channels/oauth/ebay/callback as its accept URL")
	}
	if strings.TrimSpace(creds["client_id"]) == "" || strings.TrimSpace(creds["client_secret"]) == "" {
		return "", "", errors.New("ebay: Connect with eBay needs the Client ID and Client secret")
	}
	return base, ru, nil
}

// authorizeURL is eBay's consent page for the seller. redirectURI is not
// sent (eBay takes the RuName instead) and there is no PKCE challenge.
func authorizeURL(creds map[string]string, _ /* redirectURI */, state, _ /* challenge */ string, opts channel.Options) (string, error) {
	base, ru, err := oauthBase(creds, opts)
	if err != nil {
		return "", err
	}
	q := url.Values{"client_id": {strings.TrimSpace(creds["client_id"])}, "redirect_uri": {ru},
		"response_type": {"code"}, "scope": {scopes}, "state": {state}}
	return consentPage(base) + "?" + q.Encode(), nil
}

// exchange trades the code eBay sent back for the seller's refresh token
// and returns the credentials completed with it.
func exchange(ctx context.Context, creds map[string]string, _ /* redirectURI */, code, _ /* verifier */ string, opts channel.Options) (map[string]string, error) {
	base, ru, err := oauthBase(creds, opts)
	if err != nil {
		return nil, err
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {ru}}.Encode()
	const what = "ebay: exchanging eBay's code for tokens"
	id, secret := strings.TrimSpace(creds["client_id"]), strings.TrimSpace(creds["client_secret"])
	resp, err := grant(ctx, channel.NewCaller(opts), base, id, secret, form, what, "the code")
	if err != nil {
		return nil, err
	}
	var out struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := decode("tokens", resp, &out); err != nil {
		return nil, err
	}
	if out.RefreshToken == "" {
		return nil, &channel.MalformedError{What: what, Err: errors.New("the answer holds no refresh token")}
	}
	done := make(map[string]string, len(creds)+1)
	for k, v := range creds {
		done[k] = v
	}
	done["refresh_token"] = out.RefreshToken
	return done, nil
}
