package ebay

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"stocksync/internal/channel"
)

// reportRow is one listing (or one variation of one) in the active
// inventory report.
type reportRow struct {
	SKU, ItemID, Price, Currency string
	Quantity                     *int
	// Problem says why the row could not be read; the listing of its SKU
	// is then reported as failed rather than guessed.
	Problem string
}

// skuDetails is a SKUDetails element of eBay's ActiveInventoryReport.
type skuDetails struct {
	SKU        string      `xml:"SKU"`
	ItemID     string      `xml:"ItemID"`
	Price      reportPrice `xml:"Price"`
	Quantity   string      `xml:"Quantity"`
	Variations []struct {
		SKU      string      `xml:"SKU"`
		Price    reportPrice `xml:"Price"`
		Quantity string      `xml:"Quantity"`
	} `xml:"Variations>Variation"`
}

type reportPrice struct {
	Value    string `xml:",chardata"`
	Currency string `xml:"currencyID,attr"`
}

// largestReport bounds the unpacked report: eBay caps its files at 15 MB.
const largestReport = 256 << 20

// parseReport reads a downloaded active inventory report (a zip holding
// one XML file, as eBay sends it; a gzip or the bare XML are read too)
// into its rows by SKU. Rows without a SKU are listings the Inventory API
// does not manage, and are left out. A row that cannot be read keeps its
// Problem; a file that is not the report is an error.
func parseReport(body []byte) (map[string][]reportRow, error) {
	doc, err := unpack(body)
	if err != nil {
		return nil, &channel.MalformedError{What: "ebay: active inventory report", Err: err}
	}
	rows := map[string][]reportRow{}
	dec := xml.NewDecoder(doc)
	seen := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &channel.MalformedError{What: "ebay: active inventory report", Err: err}
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch start.Name.Local {
		case "ActiveInventoryReport":
			seen = true
		case "SKUDetails":
			var d skuDetails
			if err := dec.DecodeElement(&d, &start); err != nil {
				return nil, &channel.MalformedError{What: "ebay: active inventory report", Err: err}
			}
			for _, r := range d.rows() {
				if r.SKU != "" {
					rows[r.SKU] = append(rows[r.SKU], r)
				}
			}
		}
	}
	if !seen {
		return nil, &channel.MalformedError{What: "ebay: active inventory report", Err: errors.New("the file holds no ActiveInventoryReport")}
	}
	return rows, nil
}

// rows flattens one SKUDetails: a listing with variations is one row per
// variation SKU, under the listing's ItemID.
func (d skuDetails) rows() []reportRow {
	if len(d.Variations) == 0 {
		return []reportRow{row(d.SKU, d.ItemID, d.Price, d.Quantity)}
	}
	out := make([]reportRow, 0, len(d.Variations))
	for _, v := range d.Variations {
		out = append(out, row(v.SKU, d.ItemID, v.Price, v.Quantity))
	}
	return out
}

func row(sku, itemID string, price reportPrice, quantity string) reportRow {
	r := reportRow{SKU: strings.TrimSpace(sku), ItemID: strings.TrimSpace(itemID), Price: strings.TrimSpace(price.Value), Currency: price.Currency}
	where := "the active inventory report's row of listing " + strconv.Quote(r.ItemID)
	q, err := strconv.Atoi(strings.TrimSpace(quantity))
	switch {
	case r.ItemID == "":
		r.Problem = "the active inventory report's row names no listing (ItemID)"
	case err != nil || q < 0:
		r.Problem = fmt.Sprintf("%s gives the quantity %q, which is not a whole number", where, quantity)
	case r.Price != "" && !isDecimal(r.Price):
		r.Problem = fmt.Sprintf("%s gives the price %q, which is not a number", where, r.Price)
	default:
		r.Quantity = &q
	}
	return r
}

func isDecimal(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && !strings.ContainsAny(s, "eEnNxX")
}

// unpack returns the report's XML from a zip, a gzip or the bare file.
func unpack(body []byte) (io.Reader, error) {
	switch {
	case bytes.HasPrefix(body, []byte("PK\x03\x04")):
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			return nil, err
		}
		for _, f := range zr.File {
			if strings.HasSuffix(f.Name, "/") {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			b, err := io.ReadAll(io.LimitReader(rc, largestReport+1))
			if err != nil {
				return nil, err
			}
			if len(b) > largestReport {
				return nil, errors.New("the report unpacks to more than 256 MiB")
			}
			return bytes.NewReader(b), nil
		}
		return nil, errors.New("the zip holds no file")
	case bytes.HasPrefix(body, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		return io.LimitReader(zr, largestReport), nil
	}
	return bytes.NewReader(body), nil
}
