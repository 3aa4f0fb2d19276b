package channel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// RawText returns a JSON value as the channel wrote it: a string's content,
// a number's digits, "" for null or nothing. Clients read prices this way so
// that a price sent as 12.5, "12.50" or "abc" reaches the importer unchanged
// instead of failing the whole page.
func RawText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// RawInt reads a whole number sent as a JSON number or as a string of
// digits (some WooCommerce plugins do that); nil for null, nothing or "".
func RawInt(raw json.RawMessage) (*int, error) {
	text := strings.TrimSpace(RawText(raw))
	if text == "" {
		return nil, nil
	}
	if n, err := strconv.Atoi(text); err == nil {
		return &n, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > math.MaxInt32 {
		return nil, fmt.Errorf("%q is not a whole number", text)
	}
	n := int(f)
	return &n, nil
}
