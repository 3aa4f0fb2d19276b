package fake

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// doc is a report or feed document behind a presigned-style address.
type doc struct {
	contentType string
	body        []byte
	gzipped     bool
}

func (s *Server) newDocID(prefix string) string {
	s.nextID++
	return prefix + "-" + strconv.Itoa(s.nextID)
}

func (s *Server) docURL(r *http.Request, id string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/documents/" + id
}

func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.documents[r.PathValue("id")]
	if d == nil {
		w.WriteHeader(http.StatusForbidden) // as S3 answers an unknown presigned address
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != d.contentType {
		w.WriteHeader(http.StatusForbidden) // the signature covers the content type
		return
	}
	d.body = body
	w.WriteHeader(http.StatusOK)
}

func (s *Server) downloadDocument(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	d := s.documents[r.PathValue("id")]
	s.mu.Unlock()
	if d == nil {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", d.contentType)
	_, _ = w.Write(d.body)
}

// putDocument stores a document Amazon made (a report, a processing
// report), gzipped when asked.
func (s *Server) putDocument(prefix, contentType string, body []byte, gz bool) string {
	id := s.newDocID(prefix)
	d := &doc{contentType: contentType, body: body}
	if gz {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(body)
		_ = zw.Close()
		d.body, d.gzipped = buf.Bytes(), true
	}
	s.documents[id] = d
	return id
}

// processing says where a report or feed is: seen in progress at least
// once, then done when its delay has passed.
type processing struct {
	created time.Time
	polled  bool
}

func (p *processing) done(now time.Time, delay time.Duration) bool {
	if !p.polled {
		p.polled = true
		return false
	}
	return !now.Before(p.created.Add(delay))
}

// documentInfo answers getReportDocument and getFeedDocument: the
// document's address and whether it is gzipped. prefix limits the ids to
// the API's own documents; idField is how the API names the id.
func (s *Server) documentInfo(w http.ResponseWriter, r *http.Request, prefix, idField, what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	d := s.documents[id]
	if d == nil || !strings.HasPrefix(id, prefix) {
		writeErrors(w, http.StatusNotFound, "NotFound", "The "+what+" document was not found.", "")
		return
	}
	out := map[string]string{idField: id, "url": s.docURL(r, id)}
	if d.gzipped {
		out["compressionAlgorithm"] = "GZIP"
	}
	writeJSON(w, http.StatusOK, out)
}
