// Package webtest runs the real HTTP server on a fresh database and gives
// tests a browser-like client: a cookie jar, no automatic redirects, and the
// CSRF token scraped from the last page like a browser would submit it.
package webtest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"stocksync/internal/auth"
	"stocksync/internal/bulk"
	"stocksync/internal/channel"
	_ "stocksync/internal/channel/all"
	"stocksync/internal/channelsync"
	"stocksync/internal/config"
	"stocksync/internal/jobs"
	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
	channelviews "stocksync/views/channels"
	"stocksync/web"
)

func init() { auth.BcryptCost = bcrypt.MinCost }

type Server struct {
	URL    string
	Store  *store.Store
	Config config.Config
	// Now is the server's clock; tests may move it.
	Now func() time.Time

	tlsClient *http.Client

	Channels *channelsync.Service
	Jobs     *jobs.Client
}

type Options struct {
	Throttle auth.Throttle
	Now      func() time.Time
	// WorkJobs starts a River client that works jobs (syncs run); without
	// it jobs are only queued.
	WorkJobs bool
	Presets  []channelviews.Preset
	// ChannelOptions tune the connectors (tests inject a fast Sleep).
	ChannelOptions channel.Options
	// StrictChannelAddresses keeps the production address policy. Without
	// it 127.0.0.1, where the fake channels listen, is allow-listed as an
	// operator would with STOCKSYNC_CHANNEL_ALLOW.
	StrictChannelAddresses bool
}

// RepoRoot is the checkout's top folder, for static files and screenshots.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// TestConfig is a complete configuration for a database URL.
func TestConfig(dbURL string) config.Config {
	return config.Config{
		DatabaseURL: dbURL,
		Addr:        "127.0.0.1:0",
		SessionKey:  []byte("0123456789abcdef0123456789abcdef"),
		SecretKey:   []byte("fedcba9876543210fedcba9876543210"),
		SessionIdle: 8 * time.Hour,
		StaticDir:   filepath.Join(RepoRoot(), "static"),
	}
}

func NewServer(t testing.TB, opts ...Options) *Server {
	t.Helper()
	return newServer(t, false, opts)
}

// NewTLSServer serves over HTTPS with a test certificate.
func NewTLSServer(t testing.TB, opts ...Options) *Server {
	t.Helper()
	return newServer(t, true, opts)
}

func newServer(t testing.TB, useTLS bool, opts []Options) *Server {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	dbURL := testdb.URL(t)
	st, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := TestConfig(dbURL)
	s := &Server{Store: st, Config: cfg, Now: o.Now}
	if s.Now == nil {
		s.Now = time.Now
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if !o.StrictChannelAddresses {
		o.ChannelOptions.Addresses.Networks = append(o.ChannelOptions.Addresses.Networks, netip.MustParsePrefix("127.0.0.1/32"))
	}
	svc, err := channelsync.NewService(st, cfg.SecretKey, o.ChannelOptions, quiet)
	if err != nil {
		t.Fatal(err)
	}
	svc.BatchSize = 200
	reg := jobs.NewRegistry()
	var client *jobs.Client
	channelsync.Register(reg, svc, func() *jobs.Client { return client }, time.Hour)
	bulk.Register(reg, st, quiet)
	client, err = jobs.NewClient(st.DB.DB, reg, jobs.Options{Logger: quiet, InsertOnly: !o.WorkJobs, FetchPollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if o.WorkJobs {
		if err := client.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = jobs.Stop(ctx, client)
		})
	}
	s.Channels, s.Jobs = svc, client
	e := web.New(web.Deps{Store: st, Config: cfg, Logger: quiet,
		Throttle: o.Throttle, Now: func() time.Time { return s.Now() },
		Channels: svc, Jobs: client, Presets: o.Presets})
	hs := httptest.NewUnstartedServer(e)
	if useTLS {
		hs.StartTLS()
		s.tlsClient = hs.Client()
	} else {
		hs.Start()
	}
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

// CreateUser adds a user directly through the store.
func (s *Server) CreateUser(t testing.TB, email string, role auth.Role, password string) auth.User {
	t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.Store.CreateUser(context.Background(), email, role, hash)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

type Client struct {
	t    testing.TB
	base string
	HTTP *http.Client
	CSRF string
	// Header is added to every request (for example HX-Request).
	Header http.Header
}

type Response struct {
	Status   int
	Header   http.Header
	Body     string
	Location string
}

func (s *Server) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if s.tlsClient != nil {
		hc.Transport = s.tlsClient.Transport
	}
	return &Client{t: t, base: s.URL, Header: http.Header{}, HTTP: hc}
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *Client) Do(req *http.Request) *Response {
	c.t.Helper()
	for k, v := range c.Header {
		req.Header[k] = v
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	r := &Response{Status: res.StatusCode, Header: res.Header, Body: string(b), Location: res.Header.Get("Location")}
	if m := csrfField.FindStringSubmatch(r.Body); m != nil {
		c.CSRF = m[1]
	}
	return r
}

func (c *Client) Get(path string) *Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.Do(req)
}

// Post submits a form with the scraped CSRF token, as a browser would.
func (c *Client) Post(path string, form url.Values) *Response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" && c.CSRF != "" {
		form.Set("csrf", c.CSRF)
	}
	return c.PostRaw(path, form)
}

// PostRaw submits a form exactly as given (no token added).
func (c *Client) PostRaw(path string, form url.Values) *Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// Login signs in through the real form and fails the test if it does not land.
func (c *Client) Login(email, password string) {
	c.t.Helper()
	c.Get("/login")
	r := c.Post("/login", url.Values{"email": {email}, "password": {password}})
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("login as %s: status %d, want 303; body: %.300s", email, r.Status, r.Body)
	}
}

// SignedIn returns a client signed in as a new user of the given role.
func (s *Server) SignedIn(t testing.TB, role auth.Role) (*Client, auth.User) {
	t.Helper()
	email := string(role) + "-" + strings.Trim(nonWord.ReplaceAllString(strings.ToLower(t.Name()), "-"), "-") + "@example.com"
	u := s.CreateUser(t, email, role, "correct horse battery")
	c := s.Client(t)
	c.Login(email, "correct horse battery")
	return c, u
}

// Cookie returns the named cookie the jar holds for the server.
func (c *Client) Cookie(name string) *http.Cookie {
	u, _ := url.Parse(c.base)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}
