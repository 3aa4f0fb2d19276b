// Package fake is an in-memory eBay seller account speaking the Sell
// Inventory API v1, the Sell Fulfillment API v1 and the OAuth token
// endpoint as the ebay client expects them from eBay: refresh-token grants
// minting access tokens that expire, inventory_item pages by limit and
// offset with next links, offers per SKU (404 error 25713 when a SKU has
// none), orders by lastmodifieddate filter within the last 90 days, and
// bulk_update_price_quantity with 25 SKUs a call, per-item statuses (207
// when any failed) and the 250 revisions a listing may have a Pacific
// calendar day, and the Sell Feed API's active inventory report: an
// inventory_task that moves QUEUED, IN_PROCESS, COMPLETED (or FAILED, with
// FailReports) one step each time it is read, 25 a day (409, error
// 160025, past Options.ReportsPerDay), and its result file, a zip of the
// ActiveInventoryReport XML (Item.ReportXML seeds a broken row). Errors
// come in eBay's {"errors":[{errorId, domain,
// category, message, longMessage}]} shape, OAuth's in {error,
// error_description}.
//
//	srv := fake.New(fake.Options{})
//	defer srv.Close()
//	srv.Generate(20_000, 1)            // or AddItem / SetItems
//	creds := srv.Credentials()         // client id, secret, refresh token, marketplace, api_url
//
// Faults are switched at run time: FailNext, ThrottleNext (429 with
// eBay's error 2001), TimeoutNext, MalformedNext, Slow, ExpireTokens (every
// access token handed out dies, as when eBay revokes them; or after n more
// calls with ExpireTokensAfter), and
// Options.ThrottleEvery. Calls lists every request received.
package fake
