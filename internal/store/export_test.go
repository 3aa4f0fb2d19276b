package store

import (
	"strconv"
	"strings"
)

// ListItemsQuery lets the tests explain the items list's statement.
var ListItemsQuery = listItemsQuery

// ChannelItemsSearchSQL lets the tests explain a search page of unconfirmed
// listings of a channel: its relation (walk first, then the index) when
// walkFirst, else the plain condition.
func ChannelItemsSearchSQL(channelID int64, q string, walkFirst bool) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := channelItemConditions(ChannelItemFilter{Status: "unconfirmed", ChannelID: channelID}, arg)
	match := listingSearch(q, arg)
	if walkFirst {
		return `SELECT ci.id FROM ` + unconfirmedSearchSQL(where, match, 51) + ` ORDER BY ci.id`, args
	}
	return `SELECT ci.id FROM channel_items ci WHERE ` + strings.Join(append(where, match), " AND ") + ` ORDER BY ci.id LIMIT 51`, args
}

// SalesOrdersQuery lets the tests explain the orders list's statement.
var SalesOrdersQuery = salesOrdersQuery
