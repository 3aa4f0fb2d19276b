// Package ebay connects an eBay seller account through the Sell Inventory
// API v1 (/sell/inventory/v1) for listings and stock and the Sell
// Fulfillment API v1 (/sell/fulfillment/v1) for orders, with a user access
// token minted from a refresh token (/identity/v1/oauth2/token,
// grant_type=refresh_token).
//
// Credentials: client_id and client_secret of the eBay application
// (its App ID and Cert ID), refresh_token of the seller's consent, and
// marketplace (EBAY_US, EBAY_GB …). api_url is optional: blank means
// https://api.ebay.com; https://api.sandbox.ebay.com reaches eBay's sandbox.
//
// A channel is one marketplace, and a channel item one SKU on it: the
// inventory item with its offer(s) there, ExternalID "EBAY_US:SKU-1"
// (stocksync keeps a SKU once per channel, so a seller on two marketplaces
// connects each). An inventory item with no offer on the marketplace is
// listed as not for sale. eBay keeps no modification date on inventory
// items, so every catalogue sync reads the whole catalogue (200 items a
// page); the importer skips what did not change.
//
// What a listing sells at and how many buyers see comes from the Sell Feed
// API's active inventory report (LMS_ACTIVE_INVENTORY_REPORT: POST
// /sell/feed/v1/inventory_task, poll GET .../inventory_task/{id} until
// COMPLETED, GET .../task/{id}/download_result_file: a zip of XML,
// SKUDetails with SKU, ItemID, Price and Quantity, variations under their
// listing). eBay makes at most 25 of them a seller a day, so a full sync
// asks for a new one and an incremental sync reads one made within the
// hour (when eBay refuses another, the newest there is). The report
// carries no offer IDs, which a stock push addresses, and eBay reads
// offers one SKU a call: a listing's InventoryRef keeps its offer IDs and
// the listings they had, and a sync reads a SKU's offers only when the
// report's listings of it are not those of the ref stored by an earlier
// sync (channel.Options.StoredRefs, one lookup a page), so a restarted or
// second server process reads only new or changed SKUs. A SKU that a
// report made for this sync does not name has no live listing: it is not
// for sale, and its offers are not read. A 20,000-listing catalogue thus costs about
// 110 calls a sync instead of 20,101 (only the channel's first sync reads
// every SKU's offers), within eBay's default 2,000,000 Inventory API calls
// a day for the whole application.
//
// Stock goes out through bulk_update_price_quantity, 25 SKUs a call, with
// each SKU's total ship-to-home quantity and the available quantity of each
// of its published offers in one request, so one call revises a listing
// once however many of its SKUs change. The total is set with the offer's
// quantity: buyers see the lesser of the two, and an offer of the SKU on
// another marketplace (another channel) shares that total, so the two
// channels' pushes overwrite each other's total (eBay's getOffers notes
// that a SKU cannot yet be offered on two marketplaces, so this is rare).
// eBay allows 250 revisions of a
// listing a calendar day (Pacific time): past that an update comes back as
// a *channel.QuotaError until the next Pacific midnight, and stays pending.
package ebay
