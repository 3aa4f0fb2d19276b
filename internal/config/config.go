// Package config reads stocksync's settings from the environment. A bad or
// missing value stops start-up with one sentence naming the variable.
package config

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

type Config struct {
	DatabaseURL string
	Addr        string
	// SessionKey signs and encrypts session cookies.
	SessionKey []byte
	// SecretKey encrypts channel credentials at rest (AES-256-GCM).
	SecretKey   []byte
	SessionIdle time.Duration
	// TrustProxy makes the client address come from X-Forwarded-For, which
	// only a load balancer in front of every instance may set.
	TrustProxy bool
	StaticDir  string
	// DeadWorkerAfter is how long a running sync may give no sign of life
	// before its process is declared dead and the sync retried; 0 means
	// the default (channelsync.DefaultDeadAfter).
	DeadWorkerAfter time.Duration
	// HeavyReads is STOCKSYNC_DB_HEAVY_READS: how many CPU-heavy reads
	// (searches, suggestions) one process runs in PostgreSQL at once; 0
	// means the default (one more than this machine's cores, for a database
	// on the same machine).
	HeavyReads int
	// ChannelAllowHosts and ChannelAllowNetworks are STOCKSYNC_CHANNEL_ALLOW:
	// channel addresses an operator trusts although they are private or
	// loopback (a store on the company network, a staging site), which may
	// then be called over plain http too.
	ChannelAllowHosts    []string
	ChannelAllowNetworks []netip.Prefix
}

// Getenv is the environment lookup; a variable so the dev launcher can layer
// generated keys over the real environment.
type Getenv func(string) string

// Load reads the configuration. Keys are required: callers that generate
// development keys set them before calling Load.
func Load(getenv Getenv) (Config, error) {
	c := Config{
		DatabaseURL: strings.TrimSpace(getenv("DATABASE_URL")),
		Addr:        strings.TrimSpace(getenv("STOCKSYNC_ADDR")),
		SessionIdle: 8 * time.Hour,
		StaticDir:   strings.TrimSpace(getenv("STOCKSYNC_STATIC_DIR")),
	}
	if c.DatabaseURL == "" {
		return c, fmt.Errorf("DATABASE_URL is not set: give it a PostgreSQL URL such as postgres://user@127.0.0.1:5432/stocksync?sslmode=disable")
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.StaticDir == "" {
		c.StaticDir = "static"
	}
	var err error
	if c.SessionKey, err = parseKey("STOCKSYNC_SESSION_KEY", getenv("STOCKSYNC_SESSION_KEY")); err != nil {
		return c, err
	}
	if c.SecretKey, err = parseKey("STOCKSYNC_SECRET_KEY", getenv("STOCKSYNC_SECRET_KEY")); err != nil {
		return c, err
	}
	if v := strings.TrimSpace(getenv("STOCKSYNC_SESSION_IDLE")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			return c, fmt.Errorf("STOCKSYNC_SESSION_IDLE %q is not a duration of at least a minute, such as 8h or 30m", v)
		}
		c.SessionIdle = d
	}
	if v := strings.TrimSpace(getenv("STOCKSYNC_TRUST_PROXY")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("STOCKSYNC_TRUST_PROXY %q must be true or false", v)
		}
		c.TrustProxy = b
	}
	if v := strings.TrimSpace(getenv("STOCKSYNC_DEAD_WORKER_AFTER")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > 10*time.Minute {
			return c, fmt.Errorf("STOCKSYNC_DEAD_WORKER_AFTER %q is not a duration between 1s and 10m, such as 30s", v)
		}
		c.DeadWorkerAfter = d
	}
	if v := strings.TrimSpace(getenv("STOCKSYNC_DB_HEAVY_READS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return c, fmt.Errorf("STOCKSYNC_DB_HEAVY_READS %q is not a number between 1 and 1000 (about the database machine's cores plus one)", v)
		}
		c.HeavyReads = n
	}
	if c.ChannelAllowHosts, c.ChannelAllowNetworks, err = parseAllowList(getenv("STOCKSYNC_CHANNEL_ALLOW")); err != nil {
		return c, err
	}
	return c, nil
}

// parseAllowList reads comma-separated host names, addresses and CIDR
// ranges. A malformed entry stops start-up rather than being skipped, so a
// typo never silently leaves a store unreachable or another one open.
func parseAllowList(v string) (hosts []string, networks []netip.Prefix, err error) {
	for _, entry := range strings.Split(v, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if p, err := netip.ParsePrefix(entry); err == nil {
			networks = append(networks, p.Masked())
			continue
		}
		if ip, err := netip.ParseAddr(strings.Trim(entry, "[]")); err == nil {
			ip = ip.Unmap().WithZone("")
			networks = append(networks, netip.PrefixFrom(ip, ip.BitLen()))
			continue
		}
		if !hostName.MatchString(entry) {
			return nil, nil, fmt.Errorf("STOCKSYNC_CHANNEL_ALLOW entry %q is not a host name, an IP address or a CIDR range such as 10.0.0.0/8", entry)
		}
		hosts = append(hosts, strings.ToLower(strings.TrimSuffix(entry, ".")))
	}
	return hosts, networks, nil
}

var hostName = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$`)

// parseKey accepts 32 bytes written as 64 hex digits or as base64; anything
// else is refused so that a typo never silently weakens the key.
func parseKey(name, value string) ([]byte, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return nil, fmt.Errorf("%s is not set: give it 32 random bytes as 64 hex digits (for example the output of `openssl rand -hex 32`)", name)
	}
	if b, err := hex.DecodeString(value); err == nil && len(b) == 32 {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(value); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	return nil, fmt.Errorf("%s must be 32 random bytes written as 64 hex digits or base64 (for example the output of `openssl rand -hex 32`)", name)
}

// DeriveKey gives an independent sub-key for one purpose, so one configured
// secret can serve several uses without reusing the same bytes.
func DeriveKey(key []byte, purpose string) []byte {
	h := sha256.New()
	h.Write([]byte("stocksync:" + purpose + ":"))
	h.Write(key)
	return h.Sum(nil)
}

// FromOS reads the process environment.
func FromOS() (Config, error) { return Load(os.Getenv) }
