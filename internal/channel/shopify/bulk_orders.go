package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"stocksync/internal/channel"
)

// Paging orders costs about seventeen query points an order with its
// lines, so a shop's backlog of 100,000 orders is half an hour of
// throttling even on Plus. Shopify's answer for a backlog is the bulk
// export, as for the catalogue: one JSONL file, no query cost.

var _ channel.BulkOrderLister = (*Client)(nil)

// bulkOrderFields selects what ordersQuery does, so a bulk line reads as a
// page node. In the file an order's line items are lines of their own after
// the order's, each naming it in __parentId.
const bulkOrderFields = `id name createdAt updatedAt cancelledAt currencyCode displayFinancialStatus displayFulfillmentStatus customer { displayName } lineItems { edges { node { id sku name quantity variant { id } originalUnitPriceSet { shopMoney { amount currencyCode } } } } }`

func bulkOrdersQuery(since time.Time) string {
	args := ""
	if !since.IsZero() {
		q, _ := json.Marshal(fmt.Sprintf("updated_at:>'%s'", since.UTC().Format(time.RFC3339)))
		args = "(query: " + string(q) + ")"
	}
	return `{ orders` + args + ` { edges { node { ` + bulkOrderFields + ` } } } }`
}

// FetchAllOrders exports the orders changed after since (all of them when
// since is zero) with a bulk operation, and hands them to fn in chunks of
// at most chunk orders, each with all its lines. Waiting for a slot and
// cancelling an abandoned export work as in FetchAllListings.
func (c *Client) FetchAllOrders(ctx context.Context, since time.Time, chunk int, fn func([]channel.Order) error) error {
	if chunk <= 0 {
		chunk = ordersPageSize
	}
	id, err := c.startBulkExport(ctx, bulkOrdersQuery(since))
	if err != nil {
		return err
	}
	op, err := c.awaitBulkOperation(ctx, id)
	if err != nil {
		if op.Status == "" {
			c.cancelBulkOperation(ctx, id)
		}
		if op.Status == "FAILED" && op.ErrorCode == "ACCESS_DENIED" {
			return fmt.Errorf("shopify: bulk export of orders: Shopify denied the app access to the orders (ACCESS_DENIED; grant the app the read_orders scope): %w", channel.ErrUnauthorized)
		}
		return err
	}
	if op.URL == "" {
		return nil
	}
	b := orderBatcher{size: chunk, fn: fn}
	if err := c.downloadLines(ctx, op.URL, b.add); err != nil {
		return err
	}
	return b.flush()
}

const ordersCountQuery = `query OrdersCount($query: String, $limit: Int) {
  ordersCount(query: $query, limit: $limit) { count precision }
}`

// CountOrders asks ordersCount, which counts up to limit and says
// AT_LEAST past it; a cheap query (a point or two).
func (c *Client) CountOrders(ctx context.Context, since time.Time, limit int) (int, error) {
	var out struct {
		Count *struct {
			Count int `json:"count"`
		} `json:"ordersCount"`
	}
	vars := pageVariables(0, since, "")
	delete(vars, "first")
	delete(vars, "after")
	vars["limit"] = limit
	if err := c.graphql(ctx, "counting orders", ordersCountQuery, vars, &out); err != nil {
		return 0, err
	}
	if out.Count == nil {
		return 0, &channel.MalformedError{What: "shopify: counting orders", Err: fmt.Errorf("the answer has no count")}
	}
	return min(out.Count.Count, limit), nil
}

// orderBatcher rebuilds orders from the file's lines: an order's line,
// then its line items' lines. Shopify writes a child after its parent; a
// child of any order but the one being read means the file is not what
// Shopify documents, and the export fails rather than drop lines.
type orderBatcher struct {
	size  int
	fn    func([]channel.Order) error
	buf   []channel.Order
	cur   *orderNode
	raw   json.RawMessage
	lines []lineItemNode
}

const exportWhat = "shopify: bulk export of orders"

func (b *orderBatcher) add(line []byte) error {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return nil
	}
	var head struct {
		ID       string `json:"id"`
		ParentID string `json:"__parentId"`
	}
	if err := json.Unmarshal(line, &head); err != nil {
		return &channel.MalformedError{What: exportWhat, Err: fmt.Errorf("a line could not be read: %w", err)}
	}
	if head.ParentID == "" {
		if err := b.finish(); err != nil {
			return err
		}
		var n orderNode
		if err := json.Unmarshal(line, &n); err != nil {
			return &channel.MalformedError{What: exportWhat, Err: fmt.Errorf("order %s could not be read: %w", head.ID, err)}
		}
		// Copied so a kept Order.Raw does not pin the downloaded range.
		b.cur, b.raw, b.lines = &n, bytes.Clone(line), nil
		return nil
	}
	if b.cur == nil || b.cur.ID != head.ParentID {
		return &channel.MalformedError{What: exportWhat, Err: fmt.Errorf("line item %s of order %s is not after its order", head.ID, head.ParentID)}
	}
	var l lineItemNode
	if err := json.Unmarshal(line, &l); err != nil {
		return &channel.MalformedError{What: exportWhat, Err: fmt.Errorf("line item %s could not be read: %w", head.ID, err)}
	}
	b.lines = append(b.lines, l)
	return nil
}

// finish closes the order being read; a full chunk goes to fn.
func (b *orderBatcher) finish() error {
	if b.cur == nil {
		return nil
	}
	b.buf = append(b.buf, orderFrom(*b.cur, b.lines, b.raw))
	b.cur, b.raw, b.lines = nil, nil, nil
	if len(b.buf) >= b.size {
		chunk := b.buf
		b.buf = nil
		return b.fn(chunk)
	}
	return nil
}

func (b *orderBatcher) flush() error {
	if err := b.finish(); err != nil {
		return err
	}
	if len(b.buf) == 0 {
		return nil
	}
	chunk := b.buf
	b.buf = nil
	return b.fn(chunk)
}
