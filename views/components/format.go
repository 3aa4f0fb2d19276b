package components

import (
	"strconv"
	"time"

	"stocksync/internal/inventory"
)

// Amount shows money with the base currency, e.g. "USD 12.50".
func Amount(currency string, m inventory.Money) string { return currency + " " + m.String() }

// Count writes a count with thousands separators, e.g. "12,345".
func Count(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "−" + Count(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func Qty(q int64) string { return strconv.FormatInt(q, 10) }

// Signed shows a change with its sign, e.g. "+4" or "−2".
func Signed(q int64) string {
	if q > 0 {
		return "+" + strconv.FormatInt(q, 10)
	}
	if q < 0 {
		return "−" + strconv.FormatInt(-q, 10)
	}
	return "0"
}

func Date(t time.Time) string { return t.Format("2 Jan 2006") }

func When(t time.Time) string { return t.Local().Format("2 Jan 2006 15:04") }

func Who(email *string) string {
	if email == nil {
		return "system"
	}
	return *email
}

func ID(id int64) string { return strconv.FormatInt(id, 10) }
