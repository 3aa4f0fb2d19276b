// Package shopify connects a Shopify shop through the Admin GraphQL API,
// pinned to version 2026-04 (APIVersion): the first version in which every
// inventorySetQuantities quantity carries changeFromQuantity and the mutation
// takes the @idempotent directive, both of which this client relies on to
// push stock without overwriting sales it has not seen yet.
//
// Credentials: shop_url (https://your-shop.myshopify.com) and access_token
// (an Admin API access token of a custom app, with read_products,
// read_orders, read_locations, read_inventory and write_inventory), and
// optionally location_id, the location stocksync manages.
//
// Stock is read and written as the "available" quantity at that one
// location (the shop's primary location when location_id is blank), never
// as inventoryQuantity, which sums every location. Pushes wait for the
// shop's query cost bucket before each inventorySetQuantities (bucket.go).
package shopify
