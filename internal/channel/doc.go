// Package channel declares what the rest of stocksync needs from a sales
// channel (the Connector interface), the registry through which channel
// packages make themselves known, and the retry policy every channel client
// shares, so that throttling, outages and rejected credentials are handled
// the same way whichever channel is on the other end.
//
// Each channel lives in its own package (channel/shopify,
// channel/woocommerce, ...) which registers a Kind in its init function and
// ships a fake server, in its fake subpackage, that speaks the same wire
// format from memory.
package channel
