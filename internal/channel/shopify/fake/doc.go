// Package fake is an in-memory Shopify shop speaking the Admin GraphQL API
// (version 2026-04) exactly as the shopify client expects it from the real
// service: the same endpoint, token header, query cost accounting with a
// leaky bucket, THROTTLED and ACCESS_DENIED errors, cursors, search filters
// and userErrors. Tests and the sandbox use it; nothing else should know a
// shop is fake.
//
//	srv := fake.New(fake.Options{})         // token fake.DefaultAccessToken
//	defer srv.Close()
//	srv.Generate(100_000, 1)                 // or AddListing / SetListings
//	creds := map[string]string{"shop_url": srv.URL(), "access_token": fake.DefaultAccessToken}
//
// Stock is kept per location (SetLocations, SetLocationQuantity,
// LocationQuantity): Listing.Quantity, Quantity, SetQuantity and orders use
// the primary location, which the location query answers when asked
// without an ID; inventoryQuantity sums every location, as on Shopify.
//
// Faults are switched at run time: FailNext, ThrottleNext, TimeoutNext,
// MalformedNext, Slow, DenyAccess. Calls lists every request received.
package fake
