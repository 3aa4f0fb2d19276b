package secretbox

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealOpen(t *testing.T) {
	box, err := New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte(`{"access_token":"shpat_123"}`)
	sealed := box.Seal(secret, "channel:shopify")
	if bytes.Contains(sealed, []byte("shpat_123")) {
		t.Fatal("sealed value contains the plaintext")
	}
	if again := box.Seal(secret, "channel:shopify"); bytes.Equal(again, sealed) {
		t.Fatal("two seals of the same value are equal: the nonce is not random")
	}
	got, err := box.Open(sealed, "channel:shopify")
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := box.Open(sealed, "channel:woocommerce"); !errors.Is(err, ErrOpen) {
		t.Fatalf("opened under another context: %v", err)
	}
	other, _ := New(bytes.Repeat([]byte{8}, 32))
	if _, err := other.Open(sealed, "channel:shopify"); !errors.Is(err, ErrOpen) {
		t.Fatalf("opened with another key: %v", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := box.Open(sealed, "channel:shopify"); !errors.Is(err, ErrOpen) {
		t.Fatal("a tampered value opened")
	}
	if _, err := New([]byte("short")); err == nil {
		t.Fatal("a short key was accepted")
	}
}
