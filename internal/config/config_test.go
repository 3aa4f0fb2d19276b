package config

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func env(vals map[string]string) Getenv {
	base := map[string]string{
		"DATABASE_URL":          "postgres://x@127.0.0.1/db",
		"STOCKSYNC_SESSION_KEY": strings.Repeat("ab", 32),
		"STOCKSYNC_SECRET_KEY":  strings.Repeat("cd", 32),
	}
	return func(k string) string {
		if v, ok := vals[k]; ok {
			return v
		}
		return base[k]
	}
}

func TestChannelAllowList(t *testing.T) {
	c, err := Load(env(map[string]string{"STOCKSYNC_CHANNEL_ALLOW": " Shop.LAN., 10.1.0.0/16, 192.168.1.7 ,[::1], ,fd00::/8"}))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.ChannelAllowHosts, []string{"shop.lan"}) {
		t.Errorf("hosts %v", c.ChannelAllowHosts)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("192.168.1.7/32"), netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("fd00::/8")}
	if !reflect.DeepEqual(c.ChannelAllowNetworks, want) {
		t.Errorf("networks %v", c.ChannelAllowNetworks)
	}
	if c, err := Load(env(nil)); err != nil || c.ChannelAllowHosts != nil || c.ChannelAllowNetworks != nil {
		t.Errorf("unset: %v %v %v", c.ChannelAllowHosts, c.ChannelAllowNetworks, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "http://shop.lan", "shop lan", "*.lan"} {
		if _, err := Load(env(map[string]string{"STOCKSYNC_CHANNEL_ALLOW": bad})); err == nil || !strings.Contains(err.Error(), "STOCKSYNC_CHANNEL_ALLOW") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// The heavy reads' turns: a number from 1 to 1000, or the default (0).
func TestHeavyReads(t *testing.T) {
	c, err := Load(env(map[string]string{"STOCKSYNC_DB_HEAVY_READS": " 12 "}))
	if err != nil || c.HeavyReads != 12 {
		t.Fatalf("12: %d %v", c.HeavyReads, err)
	}
	if c, err := Load(env(nil)); err != nil || c.HeavyReads != 0 {
		t.Fatalf("unset: %d %v", c.HeavyReads, err)
	}
	for _, bad := range []string{"0", "-3", "many", "1001"} {
		if _, err := Load(env(map[string]string{"STOCKSYNC_DB_HEAVY_READS": bad})); err == nil || !strings.Contains(err.Error(), "STOCKSYNC_DB_HEAVY_READS") {
			t.Fatalf("%q: %v, want it refused naming the variable", bad, err)
		}
	}
}
