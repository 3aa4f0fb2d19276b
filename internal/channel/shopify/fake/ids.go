package fake

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// Numbers in the range real Shopify IDs have, and different per type, so a
// client that sends a variant ID where an inventory item ID belongs is
// caught.
const (
	variantIDBase       = 44_000_000_000
	productIDBase       = 8_000_000_000
	inventoryItemOffset = 2_000_000_000 // inventory item ID = variant ID + offset
	orderIDBase         = 5_000_000_000
	lineItemIDBase      = 13_000_000_000
	locationIDBase      = 70_000_000_000
)

func gid(kind string, id int64) string {
	return "gid://shopify/" + kind + "/" + strconv.FormatInt(id, 10)
}

func parseGID(kind, s string) (int64, bool) {
	rest, ok := strings.CutPrefix(s, "gid://shopify/"+kind+"/")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

func mustGID(kind, s string) int64 {
	id, ok := parseGID(kind, s)
	if !ok {
		panic(fmt.Sprintf("shopify fake: %q is not a %s GID", s, kind))
	}
	return id
}

// Cursors are opaque to clients; inside they hold the position to resume
// after: an ID for catalogue and orders (stable when records are added
// between pages), an index for an order's line items (which do not change).
func encodeCursor(n int64) string {
	return base64.StdEncoding.EncodeToString([]byte("v1:" + strconv.FormatInt(n, 10)))
}

func decodeCursor(c string) (int64, error) {
	raw, err := base64.StdEncoding.DecodeString(c)
	if err == nil {
		if rest, ok := strings.CutPrefix(string(raw), "v1:"); ok {
			if n, err := strconv.ParseInt(rest, 10, 64); err == nil {
				return n, nil
			}
		}
	}
	return 0, newError("BAD_REQUEST", "Invalid cursor for current pagination sort.")
}
