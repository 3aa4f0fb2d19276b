package channelsync

import (
	"context"

	"stocksync/internal/channel"
)

// importForWebhook imports a delivery's order with Service.ImportOrders,
// the code every sync's order import runs, and says in sentences what of
// it was not imported.
func (p pollingImport) importForWebhook(ctx context.Context, channelID int64, orders []channel.Order) ([]string, error) {
	res, err := p.svc.ImportOrders(ctx, channelID, orders)
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, f := range res.Failures {
		problems = append(problems, "Order "+f.Record+" was not imported: "+f.Cause)
	}
	for _, b := range res.BlockedListings {
		problems = append(problems, "Its lines of "+b.Name+" ("+b.ExternalID+") were left out: a person unlinked that listing; link or confirm it, and the next sync imports them.")
	}
	return problems, nil
}
