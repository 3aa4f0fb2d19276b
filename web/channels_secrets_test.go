package web_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/secretbox"
	"stocksync/internal/store"
	"stocksync/internal/testkit/webtest"
)

// No page that shows a channel carries its sealed credentials in any
// encoding a template might produce, nor the secret they seal.
func TestChannelPagesNeverShowSealedCredentials(t *testing.T) {
	s := webtest.NewServer(t)
	ctx := context.Background()
	box, err := secretbox.New(s.Config.SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	const token = "shpat_0123456789abcdef0123456789abcdef"
	sealed := box.Seal([]byte(`{"shop_url":"https://shop.example","access_token":"`+token+`"}`), "channel credentials")
	id, err := s.Store.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Main shop", Credentials: sealed,
		CredentialsHint: "…cdef", SyncInterval: 15 * time.Minute, FirstSyncDelay: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	// Needing attention puts the reconnect form on the page; a run puts the
	// history there too, so every part of the page is rendered.
	if _, err := s.Store.DB.Exec(`UPDATE channels SET needs_attention = 'Shopify rejected the token.' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.StartRun(ctx, id, "catalogue", "manual", 0); err != nil {
		t.Fatal(err)
	}
	forms := map[string]string{
		"raw":        string(sealed),
		"hex":        hex.EncodeToString(sealed),
		"HEX":        strings.ToUpper(hex.EncodeToString(sealed)),
		"base64":     base64.StdEncoding.EncodeToString(sealed),
		"base64 raw": base64.RawStdEncoding.EncodeToString(sealed),
		"base64 url": base64.RawURLEncoding.EncodeToString(sealed),
		"bytes":      fmt.Sprint(sealed),
		"token":      token,
	}
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	chURL := "/channels/" + strconv.FormatInt(id, 10)
	pages := []string{"/channels", chURL, "/sync-history", "/channel-items", "/"}
	for _, path := range pages {
		r := c.Get(path)
		if r.Status != 200 {
			t.Fatalf("%s: %d", path, r.Status)
		}
		for name, form := range forms {
			if strings.Contains(r.Body, form) {
				t.Errorf("%s shows the sealed credentials (%s)", path, name)
			}
		}
	}
	if page := c.Get(chURL); !strings.Contains(page.Body, `data-testid="reconnect-form"`) || !strings.Contains(page.Body, "…cdef") {
		t.Error("the channel page lacks the reconnect form or the credentials hint, so it proves less than it claims")
	}
}
