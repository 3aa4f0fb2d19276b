package channel

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

func TestPublicAddress(t *testing.T) {
	for s, want := range map[string]bool{
		"93.184.216.34": true, "8.8.8.8": true, "2606:4700::1111": true,
		"127.0.0.1": false, "127.8.9.10": false, "::1": false, "::ffff:127.0.0.1": false,
		"10.0.0.1": false, "172.16.5.4": false, "192.168.1.1": false, "::ffff:10.0.0.1": false,
		"100.64.0.1": false, "169.254.169.254": false, "0.0.0.0": false, "::": false,
		"fe80::1": false, "fc00::1": false, "fd12:3456::1": false,
		"224.0.0.1": false, "ff02::1": false, "255.255.255.255": false,
		"64:ff9b::7f00:1": false, "2002:7f00:1::1": false, "::127.0.0.1": false,
	} {
		if got := publicAddress(netip.MustParseAddr(s)); got != want {
			t.Errorf("publicAddress(%s) = %v, want %v", s, got, want)
		}
	}
}

// callURL makes one GET through a Caller built with policy.
func callURL(policy AddressPolicy, target string) (*Response, error, *recordedSleeps) {
	sleeps := &recordedSleeps{}
	resp, err := NewCaller(Options{Addresses: policy, Sleep: sleeps.sleep}).Do(context.Background(), Request{
		What: "test: thing",
		New: func(ctx context.Context) (*http.Request, error) {
			return http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		},
	})
	return resp, err, sleeps
}

func countingServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var count atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		count.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &count
}

func TestPolicyRefusesPrivateAddressesWhenDialling(t *testing.T) {
	srv, count := countingServer(t)
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	// "localhost" is a name: only the dial-time check, on what it resolves
	// to, can stop it, as it would a public name pointing at 127.0.0.1.
	for _, target := range []string{srv.URL, "http://localhost" + port, "http://[::ffff:127.0.0.1]" + port} {
		_, err, sleeps := callURL(AddressPolicy{}, target)
		if !errors.Is(err, ErrUnreachable) {
			t.Errorf("%s: got %v, want ErrUnreachable", target, err)
		}
		if len(sleeps.waits) != 0 {
			t.Errorf("%s: a refused address was retried %d times", target, len(sleeps.waits))
		}
	}
	if n := count.Load(); n != 0 {
		t.Fatalf("the server was reached %d times", n)
	}

	allowed := []AddressPolicy{
		{Sandbox: true},
		{Networks: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}},
		{Hosts: []string{"LOCALHOST"}},
	}
	for _, p := range allowed {
		target := srv.URL
		if len(p.Hosts) > 0 {
			target = "http://localhost" + port
		}
		if _, err, _ := callURL(p, target); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
}

func TestUnreachableAddressesLookAlike(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	// A closed port and a name that does not resolve both come back as
	// ErrUnreachable; only the log text differs.
	for _, target := range []string{closedURL, "http://stocksync-test.invalid"} {
		_, err, _ := callURL(AddressPolicy{Sandbox: true}, target)
		var transient *TransientError
		if !errors.Is(err, ErrUnreachable) || !errors.As(err, &transient) {
			t.Errorf("%s: got %v", target, err)
		}
	}
}

func TestRedirectsStayOnTheHost(t *testing.T) {
	other, count := countingServer(t)
	var self *httptest.Server
	self = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
		case "/here":
			http.Redirect(w, r, "/login", http.StatusFound)
		default:
			w.Write([]byte("<html>login</html>"))
		}
	}))
	t.Cleanup(self.Close)
	sandbox := AddressPolicy{Sandbox: true}
	_, err, _ := callURL(sandbox, self.URL+"/away")
	var redirect *RedirectError
	if !errors.As(err, &redirect) || redirect.To != other.URL || count.Load() != 0 {
		t.Fatalf("redirect to another host: %v (other reached %d times)", err, count.Load())
	}
	resp, err, _ := callURL(sandbox, self.URL+"/here")
	if err != nil || resp.Redirected != "/login" {
		t.Fatalf("same-host redirect: %v, %+v", err, resp)
	}
}

func TestParseBaseURLFollowsThePolicy(t *testing.T) {
	strict := AddressPolicy{}
	for _, in := range []string{"http://127.0.0.1:8080", "https://10.0.0.1", "https://[::1]", "https://localhost", "https://169.254.169.254", "https://[::ffff:192.168.0.1]"} {
		if _, err := ParseBaseURL("p", "URL", in, strict); !errors.Is(err, ErrUnreachable) {
			t.Errorf("%s: got %v, want ErrUnreachable", in, err)
		}
	}
	if _, err := ParseBaseURL("p", "URL", "http://shop.example.com", strict); err == nil || !strings.Contains(err.Error(), "https://") {
		t.Errorf("plain http to a public name: %v", err)
	}
	lan := AddressPolicy{Hosts: []string{"shop.lan"}, Networks: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}}
	for _, in := range []string{"http://shop.lan:8080", "http://10.1.2.3", "https://10.1.2.3"} {
		if _, err := ParseBaseURL("p", "URL", in, lan); err != nil {
			t.Errorf("%s with an allow-list: %v", in, err)
		}
	}
	for _, in := range []string{"http://10.2.0.1", "http://other.lan"} {
		if _, err := ParseBaseURL("p", "URL", in, lan); err == nil {
			t.Errorf("%s passed an allow-list that does not name it", in)
		}
	}
}
