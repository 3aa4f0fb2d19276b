package store

import (
	"strconv"
	"strings"
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
