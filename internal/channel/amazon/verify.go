package amazon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"stocksync/internal/channel"
)

// Verify gets an access token and searches the seller's listings for one:
// the cheapest call that needs the refresh token, the seller ID, the
// region and the marketplaces all to be right. Each failure says which.
func (c *Client) Verify(ctx context.Context) error {
	if _, _, err := c.token(ctx, ""); err != nil {
		return err
	}
	_, err := c.search(ctx, "checking the seller's listings", c.searchQuery(1))
	var httpErr *channel.HTTPError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, channel.ErrUnauthorized):
		// The token is fresh and Login with Amazon took the app's
		// credentials, so what Amazon refused is this seller here.
		return fmt.Errorf("amazon: Amazon refused access to the listings of seller %s in the %s region: check the Seller ID (the Merchant Token in Seller Central ▸ Settings ▸ Account Info), that the Region is where the account sells, and that the refresh token was made by this seller: %w",
			c.sellerID, c.region, channel.ErrUnauthorized)
	case errors.As(err, &httpErr) && httpErr.Status == http.StatusBadRequest && strings.Contains(strings.ToLower(httpErr.Message), "marketplace"):
		return fmt.Errorf("amazon: Amazon does not accept the marketplaces %s for this seller in the %s region (%s): check the Marketplace IDs", strings.Join(c.marketplaces, ", "), c.region, httpErr.Message)
	case errors.As(err, &httpErr) && httpErr.Status == http.StatusNotFound:
		return fmt.Errorf("%w; check the API address: the Selling Partner API was not found under it", err)
	}
	return err
}
