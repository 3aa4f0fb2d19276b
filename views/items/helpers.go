package items

import (
	"net/url"

	"stocksync/views/components"
)

func urlEscape(s string) string { return url.QueryEscape(s) }

// total is how many items match, e.g. "1 item", "1,234 items", "1,000+ items".
func (v ListView) total() string {
	more := ""
	if v.TotalMore {
		more = "+"
	}
	if v.Total == 1 && !v.TotalMore {
		return "1 item"
	}
	return components.Count(v.Total) + more + " items"
}
