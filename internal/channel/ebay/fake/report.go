package fake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// FeedPath is the Sell Feed API, where the active inventory report is made.
const FeedPath = "/sell/feed/v1"

// reportFeedType is the one feed type inventory_task takes.
const reportFeedType = "LMS_ACTIVE_INVENTORY_REPORT"

// reportTask is one LMS_ACTIVE_INVENTORY_REPORT task. Its status moves one
// step each time it is read (QUEUED, IN_PROCESS, then COMPLETED or
// FAILED), as eBay's tasks move while a client polls; the file is made
// when it completes, from the catalogue as it is then.
type reportTask struct {
	id        string
	status    string
	created   time.Time
	completed time.Time
	fail      bool
	file      []byte
}

// FailReports makes every report task created from now on end FAILED
// (true) or complete normally again (false).
func (s *Server) FailReports(fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failReports = fail
}

// ReportTasks says how many report tasks were created.
func (s *Server) ReportTasks() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tasks)
}

func (s *Server) createReportTask(w http.ResponseWriter, r *http.Request) {
	var req struct {
		FeedType      string `json:"feedType"`
		SchemaVersion string `json:"schemaVersion"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, apiError{160017, "API_FEED", "REQUEST", "The 'feedType' is missing or invalid.", ""})
		return
	}
	if req.FeedType != reportFeedType {
		writeError(w, http.StatusBadRequest, apiError{160017, "API_FEED", "REQUEST", "The 'feedType' is missing or invalid.", ""})
		return
	}
	if req.SchemaVersion == "" {
		writeError(w, http.StatusBadRequest, apiError{160018, "API_FEED", "REQUEST", "The 'schemaVersion' is invalid.", ""})
		return
	}
	if m := r.Header.Get("X-EBAY-C-MARKETPLACE-ID"); m != "" && !strings.HasPrefix(m, "EBAY_") {
		writeError(w, http.StatusBadRequest, apiError{160027, "API_FEED", "REQUEST", "The X-EBAY-C-MARKETPLACE-ID header is missing or invalid.", ""})
		return
	}
	s.mu.Lock()
	now := s.now()
	recent := 0
	for _, t := range s.tasks {
		if now.Sub(t.created) < 24*time.Hour {
			recent++
		}
	}
	if recent >= s.opts.ReportsPerDay {
		s.mu.Unlock()
		writeError(w, http.StatusConflict, apiError{160025, "API_FEED", "BUSINESS", "You have exceeded the maximum number of records or tasks that can be created or processed in the period (hourly or daily). Wait until the present period ends before trying again. Please reference the API documentation for more information.", ""})
		return
	}
	t := &reportTask{id: "task-" + strconv.FormatInt(s.id(), 10), status: "QUEUED", created: now, fail: s.failReports}
	s.tasks = append(s.tasks, t)
	s.mu.Unlock()
	w.Header().Set("Location", s.URL()+FeedPath+"/inventory_task/"+t.id)
	w.WriteHeader(http.StatusAccepted)
}

func (s *Server) getReportTask(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	t := s.task(r.PathValue("id"))
	if t == nil {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, apiError{160003, "API_FEED", "REQUEST", "Task " + r.PathValue("id") + " does not exist.", ""})
		return
	}
	body := s.renderTask(t)
	s.advance(t)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// advance moves a task one step on, after a client has seen where it was.
func (s *Server) advance(t *reportTask) {
	switch t.status {
	case "QUEUED":
		t.status = "IN_PROCESS"
	case "IN_PROCESS":
		t.completed = s.now()
		if t.fail {
			t.status = "FAILED"
			return
		}
		t.status, t.file = "COMPLETED", s.reportFile(t.id)
	}
}

func (s *Server) listReportTasks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("feed_type") != reportFeedType {
		writeError(w, http.StatusBadRequest, apiError{160006, "API_FEED", "REQUEST", "The 'feed_type' " + q.Get("feed_type") + " is invalid.", ""})
		return
	}
	days, ok := feedParam(w, q.Get("look_back_days"), 7, 90, apiError{160011, "API_FEED", "REQUEST", "The 'look_back_days' value must be greater than zero and less than or equal to 90.", ""})
	if !ok {
		return
	}
	limit, ok := feedParam(w, q.Get("limit"), 10, 500, apiError{160012, "API_FEED", "REQUEST", "The 'limit' value must be greater than zero and less than or equal to 500.", ""})
	if !ok {
		return
	}
	s.mu.Lock()
	since := s.now().Add(-time.Duration(days) * 24 * time.Hour)
	tasks := []any{}
	total := 0
	for _, t := range s.tasks {
		if t.created.Before(since) {
			continue
		}
		total++
		if len(tasks) < limit {
			tasks = append(tasks, s.renderTask(t))
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"href": s.URL() + r.URL.RequestURI(), "limit": limit, "offset": 0, "total": total, "tasks": tasks})
}

// feedParam reads a whole-number query parameter of the Feed API, from 1
// to most, def when absent; eBay's refusal otherwise.
func feedParam(w http.ResponseWriter, v string, def, most int, refusal apiError) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > most {
		writeError(w, http.StatusBadRequest, refusal)
		return 0, false
	}
	return n, true
}

func (s *Server) downloadResult(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	t := s.task(r.PathValue("id"))
	var file []byte
	if t != nil {
		file = t.file
	}
	s.mu.Unlock()
	switch {
	case t == nil:
		writeError(w, http.StatusNotFound, apiError{160003, "API_FEED", "REQUEST", "Task " + r.PathValue("id") + " does not exist.", ""})
	case file == nil:
		writeError(w, http.StatusNotFound, apiError{160014, "API_FEED", "REQUEST", "No file found for task ID " + t.id + ".", ""})
	default:
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="`+t.id+`_report.zip"`)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(file)
	}
}

func (s *Server) task(id string) *reportTask {
	for _, t := range s.tasks {
		if t.id == id {
			return t
		}
	}
	return nil
}

func (s *Server) renderTask(t *reportTask) map[string]any {
	m := map[string]any{"taskId": t.id, "status": t.status, "feedType": reportFeedType, "schemaVersion": "1.0",
		"creationDate": t.created.UTC().Format("2006-01-02T15:04:05.000Z"), "detailHref": FeedPath + "/inventory_task/" + t.id}
	if !t.completed.IsZero() {
		m["completionDate"] = t.completed.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return m
}
