// Package fake is an in-memory WooCommerce store speaking the REST API v3
// (/wp-json/wc/v3) exactly as the woocommerce client expects it from a real
// store: Basic auth with consumer key and secret, page/per_page paging with
// X-WP-Total and X-WP-TotalPages, modified_after filters, _fields, variable
// products with their variations, batch stock updates with per-item errors,
// and WordPress-style error bodies.
//
//	srv := fake.New(fake.Options{})   // keys fake.DefaultConsumerKey / fake.DefaultConsumerSecret
//	defer srv.Close()
//	srv.Generate(100_000, 1)           // or AddListing / SetListings
//	creds := map[string]string{"site_url": srv.URL(),
//		"consumer_key": fake.DefaultConsumerKey, "consumer_secret": fake.DefaultConsumerSecret}
//
// Faults are switched at run time: FailNext, ThrottleNext (429 with
// Retry-After), TimeoutNext, MalformedNext, Slow, and Options.ThrottleEvery.
// Calls lists every request received.
package fake
