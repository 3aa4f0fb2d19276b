// Package etsy connects an Etsy shop through the Open API v3
// (https://api.etsy.com/v3/application), with the app's keystring and
// shared secret in x-api-key and an OAuth 2 access token (PKCE) renewed
// from the shop owner's refresh token.
//
// Credentials: keystring, shared_secret, shop_id, refresh_token (pasted,
// or filled in by "Connect with Etsy"), and api_url for a test server.
// Etsy rotates refresh tokens: every refresh voids the old one, so the new
// one is stored through channel.Options.SaveCredentials at once.
//
// A listing holds one or more products (its variations); each product is
// one channel.Listing. product_id changes whenever the inventory is
// written, so a product is known by its listing and its property value
// IDs: "123" for a listing without variations, "123/456-789" for the
// product with values 456 and 789. Stock is written by replacing a whole
// listing's inventory in one PUT, every product sent back (Etsy deletes
// the ones left out), so SetQuantities merges its updates per listing. Etsy
// has no compare-and-set, but the inventory is read just before it is
// written: an update whose QuantityUpdate.Previous is no longer what Etsy
// shows is refused with channel.ErrStaleQuantity rather than overwrite a
// sale made there.
// Calls are paced by Etsy's per-second limit and budgeted against its
// per-day limit (x-limit-per-second, x-remaining-today …); what the day's
// budget cannot pay for is answered with a *channel.QuotaError.
package etsy
