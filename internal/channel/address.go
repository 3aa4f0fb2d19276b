package channel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// AddressPolicy decides which addresses a connector may call. Any signed-in
// admin can type a store address, and the server then calls it with its own
// network position, so by default only public addresses over https are
// reachable: nothing on this machine, the local network or the cloud's
// metadata service. The zero value is that default.
type AddressPolicy struct {
	// Sandbox allows every address, plain http included: the sandbox's
	// channels run on this machine (serve --sandbox).
	Sandbox bool
	// Hosts are host names an operator trusts (STOCKSYNC_CHANNEL_ALLOW):
	// whatever they resolve to may be called, over plain http too.
	Hosts []string
	// Networks are addresses and ranges an operator trusts: they may be
	// private, and an address typed as one of them may use plain http.
	Networks []netip.Prefix
}

// ErrUnreachable is every way of not reaching a channel at all: a name that
// does not resolve, a refused, dropped or timed-out connection, a TLS
// failure, an address the policy refuses. Staff get this one sentence for
// all of them, so the answer never tells an open port from a closed one.
var ErrUnreachable = errors.New("could not reach the store at this address")

// refusedAddressError is a dial the policy stopped. Its text is for logs;
// it unwraps to ErrUnreachable for people.
type refusedAddressError struct{ addr string }

func (e *refusedAddressError) Error() string {
	return "the address " + e.addr + " is not on the public internet and not allowed by STOCKSYNC_CHANNEL_ALLOW"
}
func (e *refusedAddressError) Unwrap() error { return ErrUnreachable }

// RedirectError is an answer that sent us to another host or from https
// to plain http. Following it would hand the credentials to whoever the
// redirect names, so it is refused.
type RedirectError struct{ To string }

func (e *RedirectError) Error() string {
	return "the address redirects to " + e.To + "; enter the address of the store itself"
}

// refusedRanges are the networks no public store lives in. IPv4-mapped
// IPv6 addresses are unmapped before the check, so ::ffff:127.0.0.1 is
// loopback here too.
var refusedRanges = mustPrefixes(
	"0.0.0.0/8",       // "this network", unspecified
	"10.0.0.0/8",      // RFC 1918
	"100.64.0.0/10",   // carrier-grade NAT
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link-local, cloud metadata services
	"172.16.0.0/12",   // RFC 1918
	"192.0.0.0/24",    // IETF protocol assignments
	"192.0.2.0/24",    // documentation
	"192.168.0.0/16",  // RFC 1918
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // documentation
	"203.0.113.0/24",  // documentation
	"224.0.0.0/4",     // multicast
	"240.0.0.0/4",     // reserved, broadcast
	"::/96",           // unspecified, loopback, IPv4-compatible
	"64:ff9b::/96",    // NAT64: reaches an IPv4 address chosen by the name
	"64:ff9b:1::/48",  // local NAT64
	"100::/64",        // discard
	"2001::/32",       // Teredo
	"2001:db8::/32",   // documentation
	"2002::/16",       // 6to4: embeds any IPv4 address
	"fc00::/7",        // unique local
	"fe80::/10",       // link-local
	"fec0::/10",       // site-local (deprecated)
	"ff00::/8",        // multicast
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// publicAddress reports whether ip is an address a store on the internet
// may have.
func publicAddress(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range refusedRanges {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

func normalHost(host string) string {
	return strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
}

// trustedHost reports whether the operator allowed host by name or, for an
// address typed as an IP, by network.
func (p AddressPolicy) trustedHost(host string) bool {
	if p.Sandbox {
		return true
	}
	host = normalHost(host)
	for _, h := range p.Hosts {
		if normalHost(h) == host {
			return true
		}
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return p.trustedIP(ip)
	}
	return false
}

func (p AddressPolicy) trustedIP(ip netip.Addr) bool {
	ip = ip.Unmap().WithZone("")
	for _, n := range p.Networks {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// allowedIP is the dial-time check: the policy looks at the address the
// connection is really made to, after name resolution, so a name that
// resolves to a private address (DNS rebinding) is stopped too.
func (p AddressPolicy) allowedIP(ip netip.Addr) bool {
	return p.Sandbox || publicAddress(ip) || p.trustedIP(ip)
}

// checkTypedHost refuses, before any call, a host typed as an address the
// policy refuses; names are checked when they are dialled.
func (p AddressPolicy) checkTypedHost(host string) error {
	h := normalHost(host)
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		if !p.trustedHost(host) {
			return &refusedAddressError{addr: h}
		}
		return nil
	}
	ip, err := netip.ParseAddr(h)
	if err != nil || p.allowedIP(ip) {
		return nil
	}
	return &refusedAddressError{addr: h}
}

// dialContext dials through the policy. Trusted host names skip the check;
// every other connection is checked on the resolved address by the
// dialer's Control hook, which runs for each address tried.
func (p AddressPolicy) dialContext(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	guarded := *d
	guarded.Control = func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil || !p.allowedIP(ap.Addr()) {
			return &refusedAddressError{addr: address}
		}
		return nil
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, _, err := net.SplitHostPort(addr); err == nil && p.trustedHost(host) {
			return d.DialContext(ctx, network, addr)
		}
		return guarded.DialContext(ctx, network, addr)
	}
}

// client is the HTTP client connectors use by default: the policy at dial
// time, no proxy (a proxy would dial on our behalf, past the check), and
// redirects only within the same host and never down to plain http.
func (p AddressPolicy) client(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext:           p.dialContext(d),
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		},
		CheckRedirect: sameHostRedirects,
	}
}

func sameHostRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return fmt.Errorf("stopped after %d redirects", len(via))
	}
	from := via[0].URL
	if !strings.EqualFold(req.URL.Host, from.Host) || (from.Scheme == "https" && req.URL.Scheme != "https") {
		return &RedirectError{To: req.URL.Scheme + "://" + req.URL.Host}
	}
	return nil
}
