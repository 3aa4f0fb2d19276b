package fake

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Bulk query operations: bulkOperationRunQuery snapshots the catalogue,
// the operation runs for Options.BulkDelay (plus, when
// Options.BulkObjectsPerSecond is set, its objects at that rate) on the
// fake's clock, and its
// JSONL file is then served by this server at bulkPath without the access
// token, as Shopify serves it from a signed storage URL (bulk_file.go).

const (
	bulkCreated   = "CREATED"
	bulkRunning   = "RUNNING"
	bulkCompleted = "COMPLETED"
	bulkFailed    = "FAILED"
	bulkCanceled  = "CANCELED"
	bulkExpired   = "EXPIRED"

	// bulkLifetime is how long Shopify keeps an export's file.
	bulkLifetime = 7 * 24 * time.Hour
)

// The modelled duration of a real export, for benchmarks that should count
// what a merchant waits for. Shopify documents no duration: only that an
// export runs asynchronously, reports a running objectCount, and must end
// within 10 days. Reports from developers put a catalogue export of about
// a hundred thousand variants at one to a few minutes. Assumed here: the
// operation waits ModelledExportQueue in Shopify's queue (CREATED), then
// exports ModelledExportRate objects per second (RUNNING), so 100,000
// variants take 10 s + 100 s.
const (
	ModelledExportQueue = 10 * time.Second
	ModelledExportRate  = 1000.0
)

// ModelledExport is the options that make bulk queries take the modelled
// time of a real export.
func ModelledExport(o Options) Options {
	o.BulkDelay, o.BulkObjectsPerSecond = ModelledExportQueue, ModelledExportRate
	return o
}

// ExportDuration is how long a bulk export of n objects runs with these
// options.
func (o Options) ExportDuration(n int) time.Duration {
	d := o.BulkDelay
	if o.BulkObjectsPerSecond > 0 {
		d += time.Duration(float64(n) / o.BulkObjectsPerSecond * float64(time.Second))
	}
	return d
}

type bulkState struct {
	ops      []*bulkOp // oldest first
	failNext string    // errorCode the next export fails with
	cut      map[int64]bool
}

type bulkOp struct {
	id         int64
	query      string
	node       []*field  // what each line holds (an order's, without its line items)
	rows       []variant // the catalogue when the export started
	orders     []Order   // or the orders, for an export of orders
	lineSel    []*field  // an order's line items' selection; nil when not selected
	starts     []int     // starts[k] is the file line of order k
	objects    int       // lines in the file: variants, or orders and their line items
	shop       shopView  // the shop's address and primary location when the export started
	cut        map[int64]bool
	createdAt  time.Time
	doneAt     time.Time
	failCode   string
	canceledAt time.Time // zero unless cancelled

	layoutOnce sync.Once
	lineEnds   []int64 // lineEnds[i] is the file offset just past line i
}

// FailNextBulk makes the next bulk export end FAILED with errorCode
// (ACCESS_DENIED, INTERNAL_SERVER_ERROR, TIMEOUT).
func (s *Server) FailNextBulk(errorCode string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bulk.failNext = errorCode
}

// CutBulkLines makes the named variants' lines in later exports' files
// stop halfway, so they are not valid JSON; no IDs clears it.
func (s *Server) CutBulkLines(variantIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bulk.cut = map[int64]bool{}
	for _, id := range variantIDs {
		s.bulk.cut[mustGID("ProductVariant", id)] = true
	}
}

func (op *bulkOp) status(now time.Time) string {
	switch {
	case !op.canceledAt.IsZero():
		return bulkCanceled
	case now.Before(op.doneAt):
		if now.After(op.createdAt) {
			return bulkRunning
		}
		return bulkCreated
	case op.failCode != "":
		return bulkFailed
	case !now.Before(op.doneAt.Add(bulkLifetime)):
		return bulkExpired
	}
	return bulkCompleted
}

// progress is the running objectCount: the share of the rows the delay has
// let through by now.
func (op *bulkOp) progress(now time.Time) int64 {
	total := int64(op.objects)
	if !op.canceledAt.IsZero() && op.canceledAt.Before(now) {
		now = op.canceledAt
	}
	run := op.doneAt.Sub(op.createdAt)
	if run <= 0 || !now.Before(op.doneAt) {
		return total
	}
	return int64(float64(total) * float64(now.Sub(op.createdAt)) / float64(run))
}

func (s *Server) bulkObject(op *bulkOp, now time.Time) object {
	status := op.status(now)
	count := op.progress(now)
	var url, errorCode, completedAt, fileSize any
	switch status {
	case bulkCompleted:
		completedAt = dateTime(op.doneAt)
		if op.objects > 0 {
			url = s.http.URL + bulkPath + strconv.FormatInt(op.id, 10) + ".jsonl"
			fileSize = lazy(func(map[string]any) (any, error) { return strconv.FormatInt(op.size(), 10), nil })
		}
	case bulkExpired:
		completedAt = dateTime(op.doneAt)
	case bulkFailed:
		errorCode, count = op.failCode, 0
	}
	return object{
		"__typename": "BulkOperation", "id": gid("BulkOperation", op.id), "type": "QUERY",
		"status": status, "errorCode": errorCode, "query": op.query,
		"createdAt": dateTime(op.createdAt), "completedAt": completedAt,
		// UnsignedInt64 travels as a string, as on Shopify.
		"objectCount": strconv.FormatInt(count, 10), "rootObjectCount": strconv.FormatInt(count, 10),
		"fileSize": fileSize, "url": url, "partialDataUrl": nil,
	}
}

func bulkUserError(code string, message string, path ...any) object {
	e := object{"__typename": "BulkOperationUserError", "field": nil, "message": message, "code": code}
	if len(path) > 0 {
		e["field"] = path
	}
	return e
}

func bulkPayload(typeName string, op any, userErrors ...object) object {
	if userErrors == nil {
		userErrors = []object{}
	}
	return object{"__typename": typeName, "bulkOperation": op, "userErrors": userErrors}
}

func (s *Server) resolveBulkOperationRunQuery(f *field) (any, error) {
	const payloadType = "BulkOperationRunQueryPayload"
	query, _ := f.args["query"].(string)
	sel, err := bulkSelection(query)
	if err != nil {
		return bulkPayload(payloadType, nil, bulkUserError("INVALID", err.Error(), "query")), nil
	}
	now := s.now()
	var running []*bulkOp
	for _, op := range s.bulk.ops {
		if st := op.status(now); st == bulkCreated || st == bulkRunning {
			running = append(running, op)
		}
	}
	if len(running) >= s.opts.BulkLimit {
		if s.opts.BulkLimit == 1 {
			return bulkPayload(payloadType, nil, bulkUserError("OPERATION_IN_PROGRESS",
				"A bulk query operation for this app and shop is already in progress: "+gid("BulkOperation", running[0].id)+".")), nil
		}
		return bulkPayload(payloadType, nil, bulkUserError("LIMIT_REACHED", "Bulk operations limit reached. Please try again later.")), nil
	}
	op := &bulkOp{id: int64(len(s.bulk.ops)) + 1, query: query, node: sel.node, lineSel: sel.lineSel, cut: s.bulk.cut, createdAt: now, shop: s.view()}
	if sel.root == "orders" {
		s.snapshotOrders(op, sel.conds)
	} else {
		for _, v := range s.variants {
			if matches(sel.conds, v.updatedAt, v.updatedAt) {
				op.rows = append(op.rows, v.snapshot())
			}
		}
		op.objects = len(op.rows)
	}
	op.doneAt = now.Add(s.opts.ExportDuration(op.objects))
	switch {
	case s.denied[sel.root]:
		// As on Shopify: the bulk query is accepted and fails when it runs.
		op.failCode = "ACCESS_DENIED"
	case s.bulk.failNext != "":
		op.failCode, s.bulk.failNext = s.bulk.failNext, ""
	}
	s.bulk.ops = append(s.bulk.ops, op)
	obj := s.bulkObject(op, now)
	obj["status"] = bulkCreated // Shopify always answers the mutation with CREATED
	return bulkPayload(payloadType, obj), nil
}

// bulkQuery is an accepted bulk query: what it exports (productVariants or
// orders), the selection of each exported node, for orders the selection
// of their line items, and the search filter.
type bulkQuery struct {
	root    string
	node    []*field
	lineSel []*field
	conds   []condition
}

// bulkSelection checks a bulk query the way Shopify does before accepting
// it. Paging arguments are ignored, as bulk queries ignore them.
func bulkSelection(query string) (bulkQuery, error) {
	var q bulkQuery
	op, err := parseOperation(query, nil)
	if err != nil {
		return q, fmt.Errorf("Invalid bulk query: %v", err)
	}
	if op.kind != "query" || len(op.fields) != 1 {
		return q, fmt.Errorf("Invalid bulk query: a bulk query must be a query with one top-level field")
	}
	root := op.fields[0]
	if root.name != "productVariants" && root.name != "orders" {
		return q, fmt.Errorf("Invalid bulk query: this fake can only export productVariants or orders, not %s", root.name)
	}
	q.root = root.name
	if search, ok := root.args["query"].(string); ok {
		if q.conds, err = parseSearch(search); err != nil {
			return q, fmt.Errorf("Invalid bulk query: %v", err)
		}
	}
	if q.node = connectionNode(root); q.node == nil {
		return q, fmt.Errorf("Invalid bulk query: select the %s as edges { node { … } } or nodes { … }", root.name)
	}
	var cost int
	if q.root == "orders" {
		return orderSelection(q)
	}
	// Projecting an empty variant rejects unknown fields and scalar or
	// object mismatches with the same words a normal query gets.
	if _, err := projectObject((&variant{}).object(shopView{}), q.node, &cost); err != nil {
		return q, fmt.Errorf("Invalid bulk query: %v", err)
	}
	return q, nil
}

// connectionNode is the selection of a connection's nodes, selected as
// nodes { … } or edges { node { … } }; nil when neither is.
func connectionNode(conn *field) []*field {
	var node []*field
	for _, sel := range conn.selections {
		switch sel.name {
		case "nodes":
			node = sel.selections
		case "edges":
			for _, e := range sel.selections {
				if e.name == "node" {
					node = e.selections
				}
			}
		}
	}
	return node
}

func (s *Server) bulkByGID(id string) *bulkOp {
	n, ok := parseGID("BulkOperation", id)
	if !ok || n > int64(len(s.bulk.ops)) {
		return nil
	}
	return s.bulk.ops[n-1]
}

func (s *Server) resolveBulkOperation(f *field) (any, error) {
	id, _ := f.args["id"].(string)
	if op := s.bulkByGID(id); op != nil {
		return s.bulkObject(op, s.now()), nil
	}
	return nil, nil
}

// resolveCurrentBulkOperation is the deprecated way to poll, kept because
// older clients use it: the app's most recent bulk query.
func (s *Server) resolveCurrentBulkOperation(f *field) (any, error) {
	if t, _ := f.args["type"].(string); t == "MUTATION" || len(s.bulk.ops) == 0 {
		return nil, nil
	}
	return s.bulkObject(s.bulk.ops[len(s.bulk.ops)-1], s.now()), nil
}

func (s *Server) resolveBulkOperationCancel(f *field) (any, error) {
	const payloadType = "BulkOperationCancelPayload"
	userError := func(msg string) object {
		return bulkPayload(payloadType, nil, object{"__typename": "UserError", "field": []any{"id"}, "message": msg})
	}
	id, _ := f.args["id"].(string)
	op := s.bulkByGID(id)
	if op == nil {
		return userError("Bulk operation does not exist"), nil
	}
	now := s.now()
	if st := op.status(now); st != bulkCreated && st != bulkRunning {
		return userError("A bulk operation cannot be canceled when it is " + strings.ToLower(st)), nil
	}
	op.canceledAt = now
	return bulkPayload(payloadType, s.bulkObject(op, now)), nil
}
