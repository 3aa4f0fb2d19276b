package fake

import (
	"fmt"
	"sort"

	"stocksync/internal/channel/internal/fakekit"
)

// A bulk export of orders, as Shopify writes it: a nested connection's
// nodes are not nested in the file but follow their parent as lines of
// their own, each with "__parentId" naming it. So an order's line is its
// selected fields without lineItems, and its line items' lines come right
// after it. Every line is an object of the operation's objectCount.

// orderSelection checks the order and line item selections of an accepted
// bulk query of orders.
func orderSelection(q bulkQuery) (bulkQuery, error) {
	var orderSel []*field
	for _, sel := range q.node {
		if sel.name != "lineItems" {
			orderSel = append(orderSel, sel)
			continue
		}
		if q.lineSel = connectionNode(sel); q.lineSel == nil {
			return q, fmt.Errorf("Invalid bulk query: select the line items as edges { node { … } } or nodes { … }")
		}
	}
	q.node = orderSel
	var cost int
	empty := (&storedOrder{}).object()
	delete(empty, "lineItems")
	if _, err := projectObject(empty, q.node, &cost); err != nil {
		return q, fmt.Errorf("Invalid bulk query: %v", err)
	}
	if q.lineSel != nil {
		if _, err := projectObject(lineItemObject(OrderLine{}, ""), q.lineSel, &cost); err != nil {
			return q, fmt.Errorf("Invalid bulk query: %v", err)
		}
	}
	return q, nil
}

// snapshotOrders takes the orders the search matches as they are when the
// export starts, and lays out which file line each begins.
func (s *Server) snapshotOrders(op *bulkOp, conds []condition) {
	op.orders = []Order{}
	for _, o := range s.orders {
		if !matches(conds, o.UpdatedAt, o.CreatedAt) {
			continue
		}
		op.orders = append(op.orders, o.Order)
		op.starts = append(op.starts, op.objects)
		op.objects++
		if op.lineSel != nil {
			op.objects += len(o.Lines)
		}
	}
}

// orderLine is file line i: an order, or one of its line items.
func (op *bulkOp) orderLine(i int) []byte {
	k := sort.Search(len(op.starts), func(k int) bool { return op.starts[k] > i }) - 1
	o := op.orders[k]
	var cost int
	var pv map[string]any
	var err error
	if j := i - op.starts[k]; j == 0 {
		obj := (&storedOrder{Order: o}).object()
		delete(obj, "lineItems")
		pv, err = projectObject(obj, op.node, &cost)
	} else {
		pv, err = projectObject(lineItemObject(o.Lines[j-1], o.Currency), op.lineSel, &cost)
		if err == nil {
			pv["__parentId"] = o.ID
		}
	}
	if err != nil { // the selection was checked when the export started
		panic("shopify fake: bulk order line: " + err.Error())
	}
	b, _ := fakekit.Marshal(pv)
	return append(b, '\n')
}
