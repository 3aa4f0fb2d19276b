// Package amazon connects an Amazon seller account through the Selling
// Partner API (SP-API), authorised by a Login with Amazon refresh token.
//
// Credentials: region (NA, EU or FE), seller_id (the merchant token),
// marketplace_ids (one or more, comma-separated, all of that region),
// client_id and client_secret of the app, and its refresh_token.
// endpoint overrides the region's host for a sandbox or test server; the
// token is then asked of the same host.
//
// A listing is one SKU in one marketplace: its ExternalID is
// "MARKETPLACE/SKU". A full catalogue comes from the merchant listings
// report (GET_MERCHANT_LISTINGS_ALL_DATA, one per marketplace), because
// searchListingsItems pages through at most 1,000 SKUs; searchListingsItems
// serves incremental syncs, sorted by last update so the cap is walked past.
// Listings fulfilled by Amazon (FBA) have no Quantity: their stock is
// Amazon's, and a listing without a quantity is never pushed.
//
// Orders come from Orders API v0 (getOrders, then getOrderItems per order,
// whose ItemPrice is the line total). Pending orders are left out until
// Amazon reports them Unshipped, so they never commit stock.
//
// Stock goes out through patchListingsItem for a few listings and one
// JSON_LISTINGS_FEED per marketplace for many (stock.go). Every operation
// has its own token bucket with Amazon's documented rate and burst,
// shared by every connector of the same seller and host in this process.
package amazon
