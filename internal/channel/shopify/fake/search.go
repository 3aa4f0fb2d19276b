package fake

import (
	"regexp"
	"sort"
	"time"
)

// condition is one date term of Shopify's search syntax, the only kind the
// fake understands ("updated_at:>'2026-05-01T00:00:00Z'"); other terms are
// ignored, as an unknown filter would be by a search engine.
type condition struct {
	field string // updated_at or created_at
	op    string
	at    time.Time
}

var dateTerm = regexp.MustCompile(`\b(updated_at|created_at):(>=|<=|>|<)?'?([^'\s]+)'?`)

func parseSearch(q string) ([]condition, error) {
	var conds []condition
	for _, m := range dateTerm.FindAllStringSubmatch(q, -1) {
		t, err := time.Parse(time.RFC3339, m[3])
		if err != nil {
			if t, err = time.Parse("2006-01-02", m[3]); err != nil {
				return nil, newError("BAD_REQUEST", "Invalid search query: %q is not a date", m[3])
			}
		}
		conds = append(conds, condition{field: m[1], op: m[2], at: t})
	}
	return conds, nil
}

func matches(conds []condition, updated, created time.Time) bool {
	for _, c := range conds {
		t := updated
		if c.field == "created_at" {
			t = created
		}
		ok := true
		switch c.op {
		case ">":
			ok = t.After(c.at)
		case ">=":
			ok = !t.Before(c.at)
		case "<":
			ok = t.Before(c.at)
		case "<=":
			ok = !t.After(c.at)
		default:
			ok = t.Equal(c.at)
		}
		if !ok {
			return false
		}
	}
	return true
}

// pageArgs are a connection's paging arguments, checked.
type pageArgs struct {
	first    int
	after    int64
	hasAfter bool
	query    []condition
}

const maxPageSize = 250

func readPageArgs(args map[string]any) (pageArgs, error) {
	var p pageArgs
	if args["last"] != nil || args["before"] != nil {
		return p, newError("BAD_REQUEST", "This fake pages forwards only: use first and after.")
	}
	raw, ok := args["first"]
	if !ok || raw == nil {
		return p, newError("BAD_REQUEST", "You must provide one of first or last.")
	}
	first, ok := toInt(raw)
	if !ok || first < 1 || first > maxPageSize {
		return p, newError("BAD_REQUEST", "The first argument must be between 1 and %d.", maxPageSize)
	}
	p.first = first
	if c, ok := args["after"].(string); ok && c != "" {
		n, err := decodeCursor(c)
		if err != nil {
			return p, err
		}
		p.after, p.hasAfter = n, true
	}
	if q, ok := args["query"].(string); ok {
		conds, err := parseSearch(q)
		if err != nil {
			return p, err
		}
		p.query = conds
	}
	return p, nil
}

// pageAfter returns up to first items whose key is past after and that
// match, and whether more would follow. items must be sorted by key.
func pageAfter[T any](items []T, key func(T) int64, p pageArgs, match func(T) bool) ([]T, bool) {
	start := 0
	if p.hasAfter {
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) > p.after })
	}
	var out []T
	for _, it := range items[start:] {
		if !match(it) {
			continue
		}
		if len(out) == p.first {
			return out, true
		}
		out = append(out, it)
	}
	return out, false
}

// connection builds a Relay connection object.
func connection(typeName string, nodes []object, cursors []string, hasPrevious, hasNext bool) object {
	info := object{"__typename": "PageInfo", "hasNextPage": hasNext, "hasPreviousPage": hasPrevious, "startCursor": nil, "endCursor": nil}
	if len(cursors) > 0 {
		info["startCursor"], info["endCursor"] = cursors[0], cursors[len(cursors)-1]
	}
	edgeType := typeName[:len(typeName)-len("Connection")] + "Edge"
	return object{
		"__typename": typeName,
		"nodes":      nodes,
		"pageInfo":   info,
		"edges": lazy(func(map[string]any) (any, error) {
			edges := make([]object, len(nodes))
			for i, n := range nodes {
				edges[i] = object{"__typename": edgeType, "cursor": cursors[i], "node": n}
			}
			return edges, nil
		}),
	}
}
