package catalogue

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"stocksync/internal/text"
)

// maxURLLength bounds a listing's public address; longer is not an address
// a channel gives for a product page.
const maxURLLength = 2000

// PublicURL is the channel's address of a listing as it may be linked to
// from a page: an absolute http or https address of clean text, else "".
// (Shown as a link's href, which templ escapes; the scheme check keeps
// out javascript: and the like.)
func PublicURL(u string) string {
	u = strings.TrimSpace(u)
	if len(u) > maxURLLength || !text.Fit(u) || strings.ContainsAny(u, " \t\r\n\"<>") {
		return ""
	}
	lower := strings.ToLower(u)
	if !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://") || len(u) <= len("https://") {
		return ""
	}
	return u
}

// StoredRaw is a listing's raw record as its row keeps it: at most 16 KiB
// (a longer one becomes a JSON string of its start, marked cut), valid
// UTF-8 without NUL, which a text column takes. Connectors hand over
// records a JSON decoder read, so the record is not parsed again here:
// this runs for every listing written, and a first import writes a million.
// It returns raw itself when it is fit, without a copy.
func StoredRaw(raw json.RawMessage) []byte {
	switch {
	case len(raw) == 0:
		return nil
	case len(raw) > maxRawBytes:
		return CapRaw(raw)
	case !utf8.Valid(raw) || bytes.IndexByte(raw, 0) >= 0:
		b, _ := json.Marshal(text.Clean(string(raw)))
		return b
	}
	return raw
}

// PrettyRaw is a stored raw record indented for reading, or as stored when
// it is not JSON.
func PrettyRaw(raw string) string {
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(raw), "", "  "); err != nil {
		return raw
	}
	return b.String()
}
