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
// listed as not for sale. eBay keeps no modification date on inventory items, so every
// catalogue sync reads the whole catalogue; the importer skips what did not
// change.
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
