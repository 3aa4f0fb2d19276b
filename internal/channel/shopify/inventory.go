package shopify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"stocksync/internal/channel"
)

type userError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
	Code    string   `json:"code"`
}

const setQuantitiesWhat = "inventorySetQuantities"

type quantityInput struct {
	InventoryItemID    string `json:"inventoryItemId"`
	LocationID         string `json:"locationId"`
	Quantity           int    `json:"quantity"`
	ChangeFromQuantity *int   `json:"changeFromQuantity"` // null opts out of the check; never omitted
}

// SetQuantities sets "available" stock at the managed location with one
// inventorySetQuantities call. Shopify applies such a call all or nothing,
// so when some quantities are refused the others are sent again on their
// own (under a key derived from idempotencyKey, so a repeat of the whole
// batch replays rather than re-applies).
func (c *Client) SetQuantities(ctx context.Context, updates []channel.QuantityUpdate, idempotencyKey string) ([]channel.QuantityResult, error) {
	if len(updates) > quantityBatchSize {
		return nil, fmt.Errorf("shopify: %d quantities in one call; send at most %d", len(updates), quantityBatchSize)
	}
	if len(updates) == 0 {
		return nil, nil
	}
	if idempotencyKey == "" {
		idempotencyKey = randomKey()
	}
	location, err := c.location(ctx)
	if err != nil {
		return nil, err
	}
	results := make([]channel.QuantityResult, len(updates))
	var pending []int // indexes into updates still to be applied
	for i, u := range updates {
		results[i].ExternalID = u.ExternalID
		if !strings.HasPrefix(u.InventoryRef, "gid://shopify/InventoryItem/") {
			results[i].Err = fmt.Errorf("shopify: listing %s has no inventory item reference; sync the catalogue before pushing stock", u.ExternalID)
			continue
		}
		pending = append(pending, i)
	}
	for round := 0; len(pending) > 0; round++ {
		key := idempotencyKey
		if round > 0 {
			key += "/" + strconv.Itoa(round)
		}
		refused, err := c.setQuantitiesOnce(ctx, location, updates, pending, key)
		if err != nil {
			return nil, err
		}
		if len(refused) == 0 {
			break
		}
		failed, general := refusedItems(refused, pending)
		if general != nil || len(failed) == 0 {
			// Nothing was applied and no item is to blame: all fail alike.
			for _, i := range pending {
				if results[i].Err = failed[i]; results[i].Err == nil {
					results[i].Err = general
				}
			}
			break
		}
		var rest []int
		for _, i := range pending {
			if err, ok := failed[i]; ok {
				results[i].Err = err
			} else {
				rest = append(rest, i)
			}
		}
		pending = rest
	}
	return results, nil
}

func (c *Client) setQuantitiesOnce(ctx context.Context, location string, updates []channel.QuantityUpdate, pending []int, key string) ([]userError, error) {
	quantities := make([]quantityInput, len(pending))
	for n, i := range pending {
		u := updates[i]
		quantities[n] = quantityInput{InventoryItemID: u.InventoryRef, LocationID: location, Quantity: u.Quantity, ChangeFromQuantity: u.Previous}
	}
	vars := map[string]any{
		"input": map[string]any{"name": "available", "reason": "correction", "quantities": quantities},
		"key":   key,
	}
	var out struct {
		InventorySetQuantities struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"inventorySetQuantities"`
	}
	if err := c.paceSet(ctx); err != nil {
		return nil, err
	}
	if err := c.graphql(ctx, setQuantitiesWhat, setQuantitiesMutation, vars, &out); err != nil {
		return nil, err
	}
	return out.InventorySetQuantities.UserErrors, nil
}

// refusedItems sorts userErrors into those naming one quantity (their field
// path is input.quantities.N…, N counting the quantities sent) and the rest.
func refusedItems(refused []userError, pending []int) (map[int]error, error) {
	failed := map[int]error{}
	var general []string
	for _, ue := range refused {
		if len(ue.Field) >= 3 && ue.Field[1] == "quantities" {
			if n, err := strconv.Atoi(ue.Field[2]); err == nil && n >= 0 && n < len(pending) {
				failed[pending[n]] = quantityError(ue)
				continue
			}
		}
		general = append(general, ue.Message+" ("+ue.Code+")")
	}
	if len(general) == 0 {
		return failed, nil
	}
	return failed, fmt.Errorf("shopify: the shop refused the stock update: %s", strings.Join(general, "; "))
}

func quantityError(ue userError) error {
	if ue.Code == "CHANGE_FROM_QUANTITY_STALE" {
		return fmt.Errorf("shopify: %w", channel.ErrStaleQuantity)
	}
	return fmt.Errorf("shopify: the shop refused the quantity: %s (%s)", ue.Message, ue.Code)
}

func randomKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
