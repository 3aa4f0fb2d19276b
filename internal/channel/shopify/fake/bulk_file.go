package fake

import (
	"bufio"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"stocksync/internal/channel/internal/fakekit"
)

// bulkPath is where the fake serves export files: /bulk/<id>.jsonl.
const bulkPath = "/bulk/"

// line encodes row i as Shopify writes it: one JSON object per line, the
// selected fields only, nested objects inline. Lines are encoded again for
// every download rather than kept, so a 100,000-line file costs an index of
// offsets, not its own size in memory.
func (op *bulkOp) line(i int) []byte {
	if op.orders != nil {
		return op.orderLine(i)
	}
	var cost int
	pv, err := projectObject(op.rows[i].object(op.shop), op.node, &cost)
	if err != nil { // the selection was checked when the export started
		panic("shopify fake: bulk line: " + err.Error())
	}
	b, _ := fakekit.Marshal(pv)
	if op.cut[op.rows[i].id] {
		b = b[:len(b)/2]
	}
	return append(b, '\n')
}

// layout finds where each line ends, once; Range requests need it.
func (op *bulkOp) layout() []int64 {
	op.layoutOnce.Do(func() {
		op.lineEnds = make([]int64, op.objects)
		var end int64
		for i := range op.objects {
			end += int64(len(op.line(i)))
			op.lineEnds[i] = end
		}
	})
	return op.lineEnds
}

func (op *bulkOp) size() int64 {
	ends := op.layout()
	if len(ends) == 0 {
		return 0
	}
	return ends[len(ends)-1]
}

// serveBulkFile serves an export's JSONL file. Like a signed storage URL it
// needs no access token, and it honours a single byte Range. The fault
// switches apply as to any request, MalformedNext cutting the body short.
func (s *Server) serveBulkFile(w http.ResponseWriter, r *http.Request) {
	fault, ok := fakekit.Begin(r, s.Recorder, s.Faults, Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Operation: "bulkDownload", At: s.now()})
	if !ok {
		return
	}
	switch fault.Kind {
	case fakekit.Fail:
		http.Error(w, http.StatusText(fault.Status), fault.Status)
		return
	case fakekit.Throttle:
		w.Header().Set("Retry-After", "1")
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	op, status := s.bulkFileOp(r.URL.Path)
	switch {
	case op == nil || status != bulkCompleted && status != bulkExpired:
		http.Error(w, "No such object.", http.StatusNotFound)
		return
	case status == bulkExpired:
		http.Error(w, "The download link has expired.", http.StatusForbidden)
		return
	}
	size := op.size()
	start, end, partial, ok := parseRange(r.Header.Get("Range"), size)
	if !ok {
		w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", size))
		http.Error(w, "Requested range not satisfiable", http.StatusRequestedRangeNotSatisfiable)
		return
	}
	if fault.Kind == fakekit.Malformed {
		tw := fakekit.NewTruncatingWriter(w)
		defer tw.Finish()
		w = tw
	}
	h := w.Header()
	h.Set("Content-Type", "application/jsonl")
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Length", strconv.FormatInt(end-start+1, 10))
	if partial {
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end, size))
		w.WriteHeader(http.StatusPartialContent)
	} else {
		w.WriteHeader(http.StatusOK)
	}
	if r.Method == http.MethodHead {
		return
	}
	op.writeRange(w, start, end)
}

func (s *Server) bulkFileOp(path string) (*bulkOp, string) {
	name, ok := strings.CutSuffix(strings.TrimPrefix(path, bulkPath), ".jsonl")
	id, err := strconv.ParseInt(name, 10, 64)
	if !ok || err != nil {
		return nil, ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	op := s.bulkByGID(gid("BulkOperation", id))
	if op == nil {
		return nil, ""
	}
	return op, op.status(s.now())
}

// writeRange streams bytes start..end (inclusive) of the file.
func (op *bulkOp) writeRange(w http.ResponseWriter, start, end int64) {
	ends := op.layout()
	bw := bufio.NewWriterSize(w, 64<<10)
	defer bw.Flush()
	for i := sort.Search(len(ends), func(i int) bool { return ends[i] > start }); i < len(ends); i++ {
		lineStart := int64(0)
		if i > 0 {
			lineStart = ends[i-1]
		}
		if lineStart > end {
			return
		}
		b := op.line(i)
		from, to := max(start-lineStart, 0), min(end-lineStart+1, int64(len(b)))
		if _, err := bw.Write(b[from:to]); err != nil {
			return // the client went away
		}
	}
}

// parseRange reads a single "bytes=a-b", "bytes=a-" or "bytes=-n" range.
// Anything else is ignored and the whole file sent, as servers may;
// ok is false only for a range wholly past the end.
func parseRange(h string, size int64) (start, end int64, partial, ok bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, size - 1, false, size > 0 || h == ""
	}
	from, to, _ := strings.Cut(spec, "-")
	a, errA := strconv.ParseInt(from, 10, 64)
	b, errB := strconv.ParseInt(to, 10, 64)
	switch {
	case from == "" && errB == nil: // the last b bytes
		a, b = max(size-b, 0), size-1
	case errA == nil && to == "":
		b = size - 1
	case errA != nil || errB != nil || b < a:
		return 0, size - 1, false, true
	}
	if a >= size {
		return 0, 0, false, false
	}
	return a, min(b, size-1), true, true
}
