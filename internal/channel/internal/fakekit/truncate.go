package fakekit

import (
	"bytes"
	"net/http"
	"strconv"
)

// TruncatingWriter collects an answer and, on Finish, sends only its first
// half with a matching Content-Length: a complete HTTP exchange whose body
// is not valid JSON, as a buggy proxy or plugin produces.
type TruncatingWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

// NewTruncatingWriter wraps w.
func NewTruncatingWriter(w http.ResponseWriter) *TruncatingWriter {
	return &TruncatingWriter{ResponseWriter: w, status: http.StatusOK}
}

func (t *TruncatingWriter) WriteHeader(status int)      { t.status = status }
func (t *TruncatingWriter) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Finish sends the truncated answer.
func (t *TruncatingWriter) Finish() {
	body := t.buf.Bytes()
	cut := body[:len(body)/2]
	if len(cut) == 0 {
		cut = []byte("{")
	}
	t.ResponseWriter.Header().Set("Content-Length", strconv.Itoa(len(cut)))
	t.ResponseWriter.WriteHeader(t.status)
	_, _ = t.ResponseWriter.Write(cut)
}
