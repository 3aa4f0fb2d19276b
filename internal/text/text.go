// Package text makes text that came from a person or a channel fit to be
// stored: PostgreSQL refuses a text value holding a NUL or bytes that are
// not UTF-8, and a string cut at a byte count can end in half a character.
// The web layer cleans what people type with it, and the catalogue import
// uses it to name the records a channel sent that cannot be stored.
package text

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Fit tells whether s can be stored as it is: valid UTF-8 without NUL.
func Fit(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// Clean makes s fit to be stored: every run of bytes that is not UTF-8
// becomes one U+FFFD and every NUL is dropped. Text that was already fit
// comes back unchanged, without a copy.
func Clean(s string) string {
	if Fit(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// CutAtBoundary returns s cut to at most n bytes without splitting a
// character: a character that would not fit whole is left out.
func CutAtBoundary(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	s = s[:n]
	// Only the last character can have been cut, and it starts at most
	// utf8.UTFMax-1 bytes from the end.
	for i := len(s) - 1; i >= 0 && i > len(s)-utf8.UTFMax; i-- {
		if utf8.RuneStart(s[i]) {
			if !utf8.FullRuneInString(s[i:]) {
				return s[:i]
			}
			break
		}
	}
	return s
}

// Problem says what in s cannot be stored, for a message: "" when s is fit,
// "a character that is not allowed (NUL)" or "bytes that are not valid text
// (UTF-8)".
func Problem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "bytes that are not valid text (UTF-8)"
	case strings.IndexByte(s, 0) >= 0:
		return "a character that is not allowed (NUL)"
	}
	return ""
}

// CleanJSON makes a raw JSON record fit for a jsonb column, which refuses
// the same text a text column does and also the escape \u0000. A record
// that is fit comes back unchanged; any other is kept as one JSON string of
// its cleaned text, so a person can still read what was sent.
func CleanJSON(raw json.RawMessage) json.RawMessage {
	if utf8.Valid(raw) && bytes.IndexByte(raw, 0) < 0 && !bytes.Contains(raw, []byte(`\u0000`)) && json.Valid(raw) {
		return raw
	}
	b, _ := json.Marshal(Clean(string(raw)))
	return b
}
