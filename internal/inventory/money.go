package inventory

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Money is an exact amount in hundredths of the base currency. Floats never
// hold money: a price typed as 19.99 stays 19.99 through every sum.
type Money int64

// MaxMoney keeps amounts inside numeric(14,2).
const MaxMoney Money = 999_999_999_999_99

var ErrBadMoney = errors.New("inventory: not an amount")

// ParseMoney reads "12", "12.5", "12.50" or "1,234.50"; more than two
// decimals or a sign is refused rather than rounded.
func ParseMoney(s string) (Money, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, nil
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if hasDot && (len(frac) == 0 || len(frac) > 2) {
		return 0, ErrBadMoney
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, ErrBadMoney
		}
	}
	if len(whole) > 12 {
		return 0, ErrBadMoney
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, ErrBadMoney
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	m := Money(w*100 + f)
	if m > MaxMoney {
		return 0, ErrBadMoney
	}
	return m, nil
}

func (m Money) String() string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%d.%02d", sign, int64(m)/100, int64(m)%100)
}

// Times multiplies by a whole quantity.
func (m Money) Times(q int64) Money { return m * Money(q) }

// Value stores the amount as a decimal string, exact in numeric.
func (m Money) Value() (driver.Value, error) { return m.String(), nil }

// Scan reads numeric, which lib/pq delivers as text.
func (m *Money) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case []byte:
		s = string(v)
	case string:
		s = v
	case int64:
		*m = Money(v * 100)
		return nil
	case nil:
		*m = 0
		return nil
	default:
		return fmt.Errorf("inventory: scan money from %T", src)
	}
	neg := strings.HasPrefix(s, "-")
	v, err := ParseMoney(strings.TrimPrefix(s, "-"))
	if err != nil {
		return fmt.Errorf("inventory: scan money %q: %w", s, err)
	}
	if neg {
		v = -v
	}
	*m = v
	return nil
}
