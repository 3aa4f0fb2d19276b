// Package fake is an in-memory Etsy shop speaking the Open API v3 as the
// etsy client expects it from Etsy: x-api-key "keystring:shared_secret"
// plus an OAuth bearer token, the token endpoint with rotating refresh
// tokens (each refresh voids the one used), a consent page that approves
// at once (for "Connect with Etsy" against the sandbox), limit/offset
// paging with {count, results}, includes=Inventory, getListingsByListingIds,
// inventory PUTs that replace the whole inventory (products left out are
// deleted, as on Etsy, and recorded so tests can fail on them), receipts
// with their transactions and min_last_modified, Etsy's {"error"} bodies,
// and its per-second and per-day limits with their headers.
//
//	srv := fake.New(fake.Options{})
//	defer srv.Close()
//	creds := srv.Credentials() // keystring, shared_secret, shop_id, refresh_token, api_url
//
// Faults are switched at run time: FailNext, ThrottleNext, TimeoutNext,
// MalformedNext, Slow; RevokeAccessTokens makes every access token expire.
package fake
