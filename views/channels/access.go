package channels

import "stocksync/views/layout"

// isAdmin decides which channel actions a page offers: connecting,
// reconnecting, configuring and disconnecting are admin routes, so staff
// are told to ask an admin instead of meeting a 403.
func isAdmin(p layout.Page) bool { return p.User != nil && p.User.IsAdmin() }
