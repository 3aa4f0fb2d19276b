package amazon

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"stocksync/internal/channel"
)

// The merchant listings report's columns this client reads. It is a
// tab-separated file with a header row; columns are found by name, since
// Amazon has added columns over the years.
const (
	colName        = "item-name"
	colSKU         = "seller-sku"
	colPrice       = "price"
	colQuantity    = "quantity"
	colOpenDate    = "open-date"
	colASIN        = "asin1"
	colFulfillment = "fulfillment-channel"
)

// parseListingsReport turns a listings report into listings. A row that
// cannot be read is a listing with a Problem, never a failed report.
func parseListingsReport(marketplace string, body []byte) ([]channel.Listing, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	lines := strings.Split(strings.ReplaceAll(string(body), "\r\n", "\n"), "\n")
	header := strings.Split(lines[0], "\t")
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	if _, ok := col[colSKU]; !ok {
		return nil, &channel.MalformedError{What: "amazon: listings report", Err: errors.New("no seller-sku column in its header")}
	}
	out := make([]channel.Listing, 0, len(lines)-1)
	for n, line := range lines[1:] {
		if strings.TrimSpace(line) == "" {
			continue
		}
		out = append(out, reportListing(marketplace, col, strings.Split(line, "\t"), n+2))
	}
	return out, nil
}

func reportListing(marketplace string, col map[string]int, cells []string, lineNo int) channel.Listing {
	get := func(name string) string {
		i, ok := col[name]
		if !ok || i >= len(cells) {
			return ""
		}
		return cells[i]
	}
	row := map[string]string{}
	for name, i := range col {
		if i < len(cells) && name != "" {
			row[name] = cells[i]
		}
	}
	raw, _ := json.Marshal(row)
	sku := get(colSKU)
	l := channel.Listing{
		ExternalID: marketplace + "/" + sku, SKU: sku, Name: get(colName), Price: strings.TrimSpace(get(colPrice)),
		ProductID: get(colASIN), URL: productURL(marketplace, get(colASIN)), UpdatedAt: reportTime(get(colOpenDate)), Raw: raw,
	}
	l.InventoryRef = l.ExternalID
	if len(cells) < len(col) {
		l.Problem = "line " + strconv.Itoa(lineNo) + " of the listings report has fewer columns than its header"
	}
	if fc := strings.TrimSpace(get(colFulfillment)); fc == "" || strings.EqualFold(fc, "DEFAULT") {
		q, err := channel.RawInt(json.RawMessage(jsonString(get(colQuantity))))
		if err != nil {
			l.Problem = "the quantity " + err.Error()
		} else {
			l.Quantity = q
		}
	}
	return l
}

func jsonString(s string) string {
	b, _ := json.Marshal(strings.TrimSpace(s))
	return string(b)
}

// reportTime reads open-date, which the report writes in the
// marketplace's zone by its abbreviation ("2024-03-11 13:16:24 PST"); zero
// when unreadable. Go takes an abbreviation it does not know as UTC, so
// the marketplaces' own are given their offsets here.
func reportTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if date, zone, ok := strings.Cut(s[min(len(s), 19):], " "); ok && date == "" {
		if off, known := zoneOffsets[zone]; known {
			if t, err := time.ParseInLocation("2006-01-02 15:04:05", s[:19], time.FixedZone(zone, off*3600)); err == nil {
				return t.UTC()
			}
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05 MST", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// zoneOffsets are the zone abbreviations listings reports are written in,
// in hours east of UTC.
var zoneOffsets = map[string]int{
	"UTC": 0, "GMT": 0, "BST": 1, "CET": 1, "CEST": 2, "PST": -8, "PDT": -7, "MST": -7, "MDT": -6,
	"CST": -6, "CDT": -5, "EST": -5, "EDT": -4, "JST": 9, "AEST": 10, "AEDT": 11, "IST": 5, // IST: India, the EU region's
}
