package fake

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// object is one GraphQL object holding every field the fake can serve for
// its type; "__typename" names the type. The client's selection picks what
// is sent, so a client asking for a field the fake (and Shopify) does not
// have gets the same error real Shopify would give.
type object map[string]any

// lazy is a field that needs its arguments to be computed (a nested
// connection such as an order's lineItems).
type lazy func(args map[string]any) (any, error)

// gqlError is one entry of the top-level errors array.
type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

func (e *gqlError) Error() string { return e.Message }

func newError(code, format string, a ...any) *gqlError {
	return &gqlError{Message: fmt.Sprintf(format, a...), Extensions: map[string]any{"code": code}}
}

// project returns the value of f as the client selected it, adding the
// objects it materialises to *cost as Shopify's actual query cost counts
// them: objects 1, connections 2, edges and pageInfo nothing.
func project(v any, f *field, cost *int) (any, error) {
	if l, ok := v.(lazy); ok {
		var err error
		if v, err = l(f.args); err != nil {
			return nil, err
		}
	}
	if len(f.selections) == 0 {
		switch v.(type) {
		case object, []object:
			return nil, newError("selectionMismatch", "Field '%s' must have a selection of subfields", f.name)
		}
		return v, nil
	}
	switch v := v.(type) {
	case nil:
		return nil, nil
	case object:
		return projectObject(v, f.selections, cost)
	case []object:
		out := make([]any, len(v))
		for i, o := range v {
			var err error
			if out[i], err = projectObject(o, f.selections, cost); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, newError("selectionMismatch", "Selections can't be made on scalars (field '%s')", f.name)
}

func projectObject(o object, selections []*field, cost *int) (map[string]any, error) {
	typeName, _ := o["__typename"].(string)
	*cost += objectCost(typeName)
	out := make(map[string]any, len(selections))
	for _, sel := range selections {
		if sel.name == "__typename" {
			out[sel.key()] = typeName
			continue
		}
		v, ok := o[sel.name]
		if !ok {
			return nil, &gqlError{
				Message:    fmt.Sprintf("Field '%s' doesn't exist on type '%s'", sel.name, typeName),
				Extensions: map[string]any{"code": "undefinedField", "typeName": typeName, "fieldName": sel.name},
			}
		}
		pv, err := project(v, sel, cost)
		if err != nil {
			return nil, err
		}
		out[sel.key()] = pv
	}
	return out, nil
}

func objectCost(typeName string) int {
	switch {
	case strings.HasSuffix(typeName, "Connection"):
		return 2
	case strings.HasSuffix(typeName, "Edge"), typeName == "PageInfo":
		return 0
	}
	return 1
}

// mutationCost is what Shopify charges for any mutation field.
const mutationCost = 10

// requestedCost is Shopify's static estimate: an object costs 1, a
// connection 2 plus first × the cost of one node, scalars nothing.
func requestedCost(op *operation) int {
	if op.kind == "mutation" {
		return mutationCost * len(op.fields)
	}
	return selectionCost(op.fields)
}

func selectionCost(fields []*field) int {
	total := 0
	for _, f := range fields {
		if len(f.selections) == 0 || f.name == "pageInfo" {
			continue
		}
		size, isConnection := pageSize(f.args)
		if !isConnection {
			total += 1 + selectionCost(f.selections)
			continue
		}
		node := 0
		for _, sel := range f.selections {
			switch sel.name {
			case "nodes":
				node += 1 + selectionCost(sel.selections)
			case "edges":
				for _, e := range sel.selections {
					if e.name == "node" {
						node += 1 + selectionCost(e.selections)
					}
				}
			}
		}
		total += 2 + size*node
	}
	return total
}

func pageSize(args map[string]any) (int, bool) {
	for _, k := range []string{"first", "last"} {
		if v, ok := args[k]; ok && v != nil {
			n, _ := toInt(v)
			return n, true
		}
	}
	return 0, false
}

// toInt reads a number given either as a literal or in the variables JSON.
func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := strconv.Atoi(string(n))
		return i, err == nil
	case float64:
		return int(n), n == float64(int(n))
	case int:
		return n, true
	}
	return 0, false
}

// rootFields names the operation's root fields, for the call log.
func rootFields(op *operation) string {
	names := make([]string, len(op.fields))
	for i, f := range op.fields {
		names[i] = f.name
	}
	return strings.Join(names, ",")
}
