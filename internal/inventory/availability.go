package inventory

// Available is what can still be sold: on hand less what open orders have
// committed. It may be negative when orders were taken beyond stock; a
// channel is never shown less than zero (see PushQuantity).
func Available(onHand, committed int64) int64 { return onHand - committed }

// PushQuantity is what a channel may be told is for sale.
func PushQuantity(available int64) int64 { return max(available, 0) }

// Stock states for the items list.
const (
	StockIn  = "in"
	StockLow = "low"
	StockOut = "out"
)

// StockState: out when nothing is available; low when an item with a
// reorder level has that many or fewer available; else in stock.
func StockState(available, reorderLevel int64) string {
	switch {
	case available <= 0:
		return StockOut
	case reorderLevel > 0 && available <= reorderLevel:
		return StockLow
	}
	return StockIn
}

// LeftStock is how many ordered units of a line have left stock: each unit
// leaves once, at whichever of shipment or invoice comes first.
func LeftStock(shipped, invoiced int64) int64 { return max(shipped, invoiced) }

// Committed is what a line of an open order still holds back.
func Committed(ordered, shipped, invoiced int64) int64 {
	return max(ordered-LeftStock(shipped, invoiced), 0)
}

// Deduction is the change a shipment or invoice makes to a line: how many
// units leave stock on hand now (and stop being committed). Shipping units
// already invoiced, or invoicing units already shipped, deducts nothing.
func Deduction(shipped, invoiced, newShipped, newInvoiced int64) int64 {
	return LeftStock(newShipped, newInvoiced) - LeftStock(shipped, invoiced)
}
