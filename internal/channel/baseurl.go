package channel

import (
	"fmt"
	"net/url"
	"strings"
)

// ParseBaseURL turns what a person typed as a shop or site address into a
// base URL without a trailing slash. A missing scheme means https. Plain
// http is accepted only where the policy trusts the host (the sandbox, an
// operator's allow-list), because credentials travel in headers and must
// not cross a network in clear text. A host typed as an address the policy
// refuses fails here with ErrUnreachable, as it would when dialled.
// Errors never echo the value: it might hold a password.
func ParseBaseURL(prefix, label, raw string, policy AddressPolicy) (string, error) {
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%s: %s is not a web address; enter it like https://shop.example.com", prefix, label)
	}
	if u.User != nil {
		return "", fmt.Errorf("%s: %s must not contain a user name or password; enter those in their own fields", prefix, label)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%s: %s must not contain a query (?…) or fragment (#…)", prefix, label)
	}
	if err := policy.checkTypedHost(u.Hostname()); err != nil {
		return "", fmt.Errorf("%s: %s: %w", prefix, label, err)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !policy.trustedHost(u.Hostname()) {
			return "", fmt.Errorf("%s: %s must start with https:// so the credentials are not sent in clear text", prefix, label)
		}
	default:
		return "", fmt.Errorf("%s: %s must start with https://", prefix, label)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// APIBaseURL is the address of a channel's API: def unless the optional
// API address field holds another (the channel's sandbox, a test server),
// which is taken as ParseBaseURL takes it.
func APIBaseURL(prefix, raw, def string, policy AddressPolicy) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return def, nil
	}
	return ParseBaseURL(prefix, "API address", raw, policy)
}
