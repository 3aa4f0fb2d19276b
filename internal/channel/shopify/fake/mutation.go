package fake

import (
	"encoding/json"
	"strconv"
)

// validReasons are the inventory adjustment reasons Shopify accepts.
var validReasons = map[string]bool{
	"correction": true, "cycle_count_available": true, "damaged": true, "movement_created": true,
	"movement_updated": true, "movement_received": true, "movement_canceled": true, "other": true,
	"promotion": true, "quality_control": true, "received": true, "reservation_created": true,
	"reservation_deleted": true, "reservation_updated": true, "restock": true, "safety_stock": true,
	"shrinkage": true,
}

type idempotentResult struct {
	fingerprint string
	payload     object
}

// resolveInventorySetQuantities applies all the quantities or none: when any
// is refused the payload carries userErrors and no adjustment group. A key
// seen before replays the first answer instead of applying anything again.
func (s *Server) resolveInventorySetQuantities(f *field) (any, error) {
	key, _ := f.directives["idempotent"]["key"].(string)
	if key == "" {
		return nil, newError("BAD_REQUEST", "The @idempotent(key:) directive is required on inventorySetQuantities from API version 2026-04.")
	}
	input, ok := f.args["input"].(map[string]any)
	if !ok {
		return nil, newError("BAD_REQUEST", "Argument 'input' on Field 'inventorySetQuantities' is required.")
	}
	fingerprint, _ := json.Marshal(input) // map keys marshal sorted, so equal input gives equal bytes
	if prev, seen := s.idempotent[key]; seen {
		if prev.fingerprint != string(fingerprint) {
			return nil, newError("IDEMPOTENCY_KEY_PARAMETER_MISMATCH", "The idempotency key was already used with different parameters.")
		}
		return prev.payload, nil
	}
	payload, err := s.setQuantities(input)
	if err != nil {
		return nil, err
	}
	s.idempotent[key] = idempotentResult{fingerprint: string(fingerprint), payload: payload}
	return payload, nil
}

type quantityChange struct {
	v        *variant
	from, to int
	loc      int64
	locID    string
	itemGID  string
}

func (s *Server) setQuantities(input map[string]any) (object, error) {
	var userErrors []object
	refuse := func(code, message string, path ...string) {
		fieldPath := make([]any, len(path))
		for i, p := range path {
			fieldPath[i] = p
		}
		userErrors = append(userErrors, object{
			"__typename": "InventorySetQuantitiesUserError", "field": fieldPath, "message": message, "code": code,
		})
	}
	name, _ := input["name"].(string)
	if name != "available" && name != "on_hand" {
		refuse("INVALID_NAME", "The quantity name must be either 'available' or 'on_hand'.", "input", "name")
	}
	if reason, _ := input["reason"].(string); !validReasons[reason] {
		refuse("INVALID_REASON", "The specified reason is invalid.", "input", "reason")
	}
	quantities, _ := input["quantities"].([]any)
	if len(quantities) > maxPageSize {
		return nil, newError("MAX_INPUT_SIZE_EXCEEDED", "The input array size of %d is greater than the maximum allowed of %d.", len(quantities), maxPageSize)
	}
	primary := s.primaryID()
	var changes []quantityChange
	for i, raw := range quantities {
		q, _ := raw.(map[string]any)
		idx := strconv.Itoa(i)
		from, present := q["changeFromQuantity"]
		if !present {
			return nil, newError("BAD_REQUEST", "Variable $input: quantities.%d.changeFromQuantity is required from API version 2026-04; send null to skip the check.", i)
		}
		to, ok := toInt(q["quantity"])
		if !ok {
			return nil, newError("BAD_REQUEST", "Variable $input: quantities.%d.quantity must be an integer.", i)
		}
		itemGID, _ := q["inventoryItemId"].(string)
		itemID, _ := parseGID("InventoryItem", itemGID)
		v := s.variantByID(itemID - inventoryItemOffset)
		if v == nil {
			refuse("INVALID_INVENTORY_ITEM", "The specified inventory item could not be found.", "input", "quantities", idx, "inventoryItemId")
			continue
		}
		locID, _ := q["locationId"].(string)
		if !s.activeLocation(locID) {
			refuse("INVALID_LOCATION", "The specified location could not be found.", "input", "quantities", idx, "locationId")
			continue
		}
		// An item not yet stocked at the location has none there; setting
		// its quantity stocks it, as Shopify now allows at any location.
		loc, _ := parseGID("Location", locID)
		current, _ := v.available(loc, primary)
		if from != nil {
			if n, ok := toInt(from); !ok || n != current {
				refuse("CHANGE_FROM_QUANTITY_STALE", "The specified compare quantity is stale.", "input", "quantities", idx, "changeFromQuantity")
				continue
			}
		}
		changes = append(changes, quantityChange{v: v, from: current, to: to, loc: loc, locID: locID, itemGID: itemGID})
	}
	payload := object{"__typename": "InventorySetQuantitiesPayload", "inventoryAdjustmentGroup": nil, "userErrors": []object{}}
	if len(userErrors) > 0 {
		payload["userErrors"] = userErrors
		return payload, nil
	}
	now := s.now()
	changeObjects := make([]object, len(changes))
	for i, c := range changes {
		changeObjects[i] = object{
			"__typename": "InventoryChange", "name": name, "delta": c.to - c.from, "quantityAfterChange": c.to,
			"item":     object{"__typename": "InventoryItem", "id": c.itemGID},
			"location": object{"__typename": "Location", "id": c.locID},
		}
		c.v.setAvailable(c.loc, primary, c.to)
		c.v.updatedAt = now
	}
	s.nextAdjustment++
	payload["inventoryAdjustmentGroup"] = object{
		"__typename": "InventoryAdjustmentGroup", "id": gid("InventoryAdjustmentGroup", s.nextAdjustment),
		"createdAt": dateTime(now), "reason": input["reason"], "changes": changeObjects,
	}
	return payload, nil
}
