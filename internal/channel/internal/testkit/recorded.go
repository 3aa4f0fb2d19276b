package testkit

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// ServeTestdata answers a recorded-response test's request with the body
// of the package's testdata file, its content type and headers, and the
// status when not 0 (then 200).
func ServeTestdata(t testing.TB, w http.ResponseWriter, file, contentType string, status int, headers map[string]string) {
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Error(err)
	}
	w.Header().Set("Content-Type", contentType)
	for k, v := range headers {
		w.Header().Set(k, v)
	}
	if status != 0 {
		w.WriteHeader(status)
	}
	_, _ = w.Write(data)
}
