package shopify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"stocksync/internal/channel"
)

// locationField is the credential naming the location stocksync manages.
const locationField = "location_id"

const locationGIDPrefix = "gid://shopify/Location/"

// managedLocation reads the location setting: blank for the shop's primary
// location, else a Location GID or the bare number Shopify shows in the
// location's admin address. It returns a GID, or "" for the primary one.
func managedLocation(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", nil
	}
	if id, ok := locationNumber(strings.TrimPrefix(s, locationGIDPrefix)); ok {
		return locationGIDPrefix + id, nil
	}
	return "", errors.New("shopify: the Location stocksync manages must be a location ID such as gid://shopify/Location/123456789 or just 123456789 " +
		"(Shopify shows the number at the end of the location's address under Settings → Locations); leave it blank for the shop's primary location")
}

// locationNumber checks a location's number, which is also what makes a
// GID safe to write into a bulk query.
func locationNumber(s string) (string, bool) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		return "", false
	}
	return strconv.FormatUint(n, 10), true
}

// location returns the GID of the location stocksync manages, looked up
// once: the one the settings name, which must be an active location of the
// shop, or else the shop's primary location.
func (c *Client) location(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.locationID != "" {
		return c.locationID, nil
	}
	var out struct {
		Location *locationNode `json:"location"`
	}
	what, document, vars := "primary location", primaryLocationQuery, map[string]any(nil)
	if c.managed != "" {
		what, document, vars = "location "+c.managed, locationQuery, map[string]any{"id": c.managed}
	}
	if err := c.graphql(ctx, what, document, vars, &out); err != nil {
		return "", err
	}
	return c.acceptLocationLocked(what, out.Location)
}

type locationNode struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	IsActive bool   `json:"isActive"`
}

// acceptLocation checks the location a query answered for the managed one
// and keeps it.
func (c *Client) acceptLocation(what string, l *locationNode) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.acceptLocationLocked(what, l)
}

func (c *Client) acceptLocationLocked(what string, l *locationNode) (string, error) {
	switch {
	case l == nil && c.managed != "":
		return "", fmt.Errorf("shopify: the shop has no location %s, which the channel's settings name as the Location stocksync manages; "+
			"correct it (Shopify lists the shop's locations under Settings → Locations) or leave it blank for the primary location", c.managed)
	case l == nil:
		return "", &channel.MalformedError{What: "shopify: " + what, Err: errors.New("the answer names no primary location")}
	case !strings.HasPrefix(l.ID, locationGIDPrefix) || !validNumber(strings.TrimPrefix(l.ID, locationGIDPrefix)):
		return "", &channel.MalformedError{What: "shopify: " + what, Err: fmt.Errorf("%q is not a location ID", l.ID)}
	case !l.IsActive && c.managed != "":
		return "", fmt.Errorf("shopify: the location %q (%s), which the channel's settings name as the Location stocksync manages, is not active on the shop; "+
			"activate it in Shopify under Settings → Locations or choose an active location", l.Name, l.ID)
	case !l.IsActive:
		return "", fmt.Errorf("shopify: the shop's primary location %q is not active, so it holds no stock; activate it in Shopify or name the Location stocksync manages in the channel's settings", l.Name)
	}
	c.locationID = l.ID
	return l.ID, nil
}

func validNumber(s string) bool {
	n, ok := locationNumber(s)
	return ok && n == s
}
