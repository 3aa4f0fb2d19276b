package fake

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
	"time"
)

// reportFile writes the active inventory report as eBay delivers it: a
// zip holding one XML file, BulkDataExchangeResponses around one
// ActiveInventoryReport with a SKUDetails element per live listing (SKU,
// ItemID, Price with its currencyID, Quantity). The report covers every
// marketplace of the seller and says nothing of which one a listing is
// on; it has no title. Called with s.mu held.
func (s *Server) reportFile(taskID string) []byte {
	var x strings.Builder
	x.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.WriteString(`<BulkDataExchangeResponses xmlns="urn:ebay:apis:eBLBaseComponents"><ActiveInventoryReport>`)
	x.WriteString(`<Timestamp>` + s.now().UTC().Format(time.RFC3339Nano) + `</Timestamp><Ack>Success</Ack><Version>1355</Version>`)
	for _, it := range s.items {
		if it.ReportXML != "" {
			x.WriteString(it.ReportXML)
			continue
		}
		for i := range it.Offers {
			o := &it.Offers[i]
			if it.SKU == "" || o.Status != "PUBLISHED" || (o.ListingStatus != "ACTIVE" && o.ListingStatus != "OUT_OF_STOCK") {
				continue
			}
			q := it.Quantity
			if o.AvailableQuantity != nil {
				q = min(q, *o.AvailableQuantity)
			}
			x.WriteString(`<SKUDetails><SKU>` + escape(it.SKU) + `</SKU><Price currencyID="` + escape(o.Currency) + `">` + escape(o.Price) +
				`</Price><Quantity>` + strconv.Itoa(q) + `</Quantity><ItemID>` + escape(o.ListingID) + `</ItemID></SKUDetails>`)
		}
	}
	x.WriteString(`</ActiveInventoryReport></BulkDataExchangeResponses>`)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, err := zw.Create(taskID + "_ActiveInventoryReport.xml")
	if err == nil {
		_, err = f.Write([]byte(x.String()))
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return nil
	}
	return buf.Bytes()
}

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
