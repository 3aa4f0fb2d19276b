package store

import (
	"context"
	"strconv"
	"strings"
	"sync"

	"stocksync/internal/inventory"
)

// ListItemsQuery lets the tests explain the items list's statement.
var ListItemsQuery = listItemsQuery

// ChannelItemsSearchSQL lets the tests explain a search page of unconfirmed
// listings of a channel.
func ChannelItemsSearchSQL(channelID int64, q string) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := channelItemConditions(ChannelItemFilter{Status: "unconfirmed", ChannelID: channelID, Q: q}, arg)
	return `SELECT ci.id FROM channel_items ci WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ci.id LIMIT 51`, args
}

// SalesOrdersQuery lets the tests explain the orders list's statement.
var SalesOrdersQuery = salesOrdersQuery

// SearchSetting shows a setting of the connections searches run on.
func (s *Store) SearchSetting(name string) (string, error) {
	var v string
	err := s.searches.Get(&v, `SELECT current_setting($1)`, name)
	return v, err
}

// PackWithChangeBetween packs as PackSalesOrder does, and runs between
// once, after the order is first read and before the package is written:
// another person's change landing in that moment.
func (s *Store) PackWithChangeBetween(ctx context.Context, orderID int64, typed map[int64]string, by int64, between func()) (int64, error) {
	var pkg int64
	var once sync.Once
	decide := packing(orderID, typed, false, by)
	err := s.orderDoc(ctx, orderID, func(o inventory.SalesOrder, c *stockChange) error {
		once.Do(between)
		return decide(o, c)
	}, &pkg)
	return pkg, err
}
