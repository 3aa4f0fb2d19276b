package fakekit

import (
	"bytes"
	"encoding/json"
)

// Marshal encodes v as a channel sends it, including the bytes that are not
// UTF-8 a seeded text may hold (a store with a broken plugin or database
// sends them as they are). encoding/json replaces each such byte with the
// escape \ufffd, and writes a real U+FFFD unescaped, so the escape marks
// exactly where a bad byte was; one invalid byte is put back there.
func Marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || !bytes.Contains(b, []byte(`\ufffd`)) {
		return b, err
	}
	return bytes.ReplaceAll(b, []byte(`\ufffd`), []byte{0xff}), nil
}
