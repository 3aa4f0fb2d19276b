package store

// ListItemsQuery lets the tests explain the items list's statement.
var ListItemsQuery = listItemsQuery
