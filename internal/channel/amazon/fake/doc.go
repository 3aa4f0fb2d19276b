// Package fake is an in-memory Amazon seller account speaking the Selling
// Partner API as the amazon client expects it from Amazon: Login with
// Amazon's token endpoint (refresh_token grant, 3600 s tokens),
// searchListingsItems with page tokens and its 1,000-SKU cap,
// patchListingsItem, the merchant listings report (createReport, getReport,
// getReportDocument, a tab-separated document), Orders API v0 (getOrders,
// getOrderItems), and JSON_LISTINGS_FEED feeds (createFeedDocument, the
// upload, createFeed, getFeed, getFeedDocument and a processing report).
// Reports and feeds are processed asynchronously. Every operation has a
// token bucket with Amazon's documented rate and burst, answering 429
// QuotaExceeded when it is empty; Options.Fast turns the buckets off.
//
//	srv := fake.New(fake.Options{Fast: true})
//	defer srv.Close()
//	srv.Generate(50_000, 1)          // or AddListing / SetListings
//	creds := srv.Credentials()
//
// Faults are switched at run time: FailNext, ThrottleNext (429
// QuotaExceeded), TimeoutNext, MalformedNext, Slow, ExpireTokens,
// RevokeRefreshToken, RejectSKU and FailNextFeeds. Calls lists every request,
// by operation name.
package fake
