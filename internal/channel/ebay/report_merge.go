package ebay

import "stocksync/internal/channel"

// syncedReport is the report the sync under way read; nil at the first
// page of a sync, which reads a new one.
func (c *Client) syncedReport(first bool) *activeReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	if first {
		c.synced = nil
	}
	return c.synced
}

func (c *Client) keepReport(r *activeReport) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.synced = r
}

// overlay puts the report's word on a live listing: its price and the
// quantity buyers see, or why its row could not be read. The report is
// believed where it is at least as new as the offers: made for this sync,
// or the offers not read this sync (their stored ref held). Quantities are
// taken only from a report made for this sync; an older one may predate
// our pushes, and the inventory item just read holds the total.
func overlay(l *channel.Listing, item inventoryItem, rep *activeReport, offersUnread bool) {
	if l.NotForSale || l.Problem != "" || l.ProductID == "" || !(rep.fresh || offersUnread) {
		return
	}
	var row *reportRow
	for i, r := range rep.rows[item.SKU] {
		if r.ItemID == l.ProductID {
			row = &rep.rows[item.SKU][i]
		}
	}
	if row == nil {
		return
	}
	if row.Problem != "" {
		l.Problem = row.Problem
		return
	}
	if row.Price != "" {
		l.Price = row.Price
	}
	q := l.Quantity
	if rep.fresh && (q == nil || *row.Quantity < *q) {
		q = row.Quantity
	}
	l.Quantity = q
}
