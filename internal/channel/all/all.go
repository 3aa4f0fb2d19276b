// Package all registers every channel kind the server offers; import it for
// its side effect.
package all

import (
	_ "stocksync/internal/channel/amazon"
	_ "stocksync/internal/channel/ebay"
	_ "stocksync/internal/channel/etsy"
	_ "stocksync/internal/channel/shopify"
	_ "stocksync/internal/channel/woocommerce"
)
