// Package woocommerce connects a WooCommerce store through its REST API v3
// (/wp-json/wc/v3), authenticating with HTTP Basic and a consumer key and
// secret over HTTPS.
//
// Credentials: site_url (the WordPress address, https://shop.example.com,
// with its sub-folder if WordPress lives in one), consumer_key (ck_…) and
// consumer_secret (cs_…) of a key with Read/Write permission.
//
// A simple product is one listing ("123"); a variable product is not sold
// itself, each of its variations is ("123/456"). Grouped products are
// containers of other products and are skipped. WooCommerce has no
// compare-and-set for stock, so QuantityUpdate.Previous is not used, and no
// idempotency keys: setting an absolute quantity is safe to repeat anyway.
package woocommerce
