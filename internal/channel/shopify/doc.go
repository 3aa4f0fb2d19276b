// Package shopify connects a Shopify shop through the Admin GraphQL API,
// pinned to version 2026-04 (APIVersion): the first version in which every
// inventorySetQuantities quantity carries changeFromQuantity and the mutation
// takes the @idempotent directive, both of which this client relies on to
// push stock without overwriting sales it has not seen yet.
//
// Credentials: shop_url (https://your-shop.myshopify.com) and access_token
// (an Admin API access token of a custom app, with read_products,
// read_orders, read_locations, read_inventory and write_inventory).
//
// Stock is read as each variant's inventoryQuantity and written at the
// shop's first active location.
package shopify
