package fake

import (
	"fmt"
	"maps"
	"strconv"
)

// Location is one of the shop's stock locations.
type Location struct {
	ID     string // Location GID
	Name   string
	Active bool
	// Primary marks the shop's primary location, which the location query
	// answers when asked without an ID. Listing.Quantity, Quantity,
	// SetQuantity and orders keep stock there. When no location is marked,
	// the first active one is primary: a shop always has one.
	Primary bool
}

// SetLocations replaces the shop's locations (one active, primary location
// by default). IDs must be Location GIDs. Stock kept at the primary
// location stays with whichever location is primary; stock at the others
// is kept by their IDs.
func (s *Server) SetLocations(locs ...Location) {
	primaries := 0
	for _, l := range locs {
		mustGID("Location", l.ID)
		if l.Primary {
			primaries++
			if !l.Active {
				panic("shopify fake: the primary location must be active, as on Shopify")
			}
		}
	}
	if primaries > 1 {
		panic("shopify fake: a shop has one primary location")
	}
	locs = append([]Location(nil), locs...)
	for i := range locs {
		if primaries == 0 && locs[i].Active {
			locs[i].Primary = true
			break
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.locations = locs
}

// PrimaryLocation returns the shop's primary location.
func (s *Server) PrimaryLocation() Location {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.primaryLocation(); l != nil {
		return *l
	}
	return Location{}
}

func (s *Server) primaryLocation() *Location {
	for i := range s.locations {
		if s.locations[i].Primary {
			return &s.locations[i]
		}
	}
	return nil
}

// primaryID is the primary location's number; 0 when the shop has none.
func (s *Server) primaryID() int64 {
	if l := s.primaryLocation(); l != nil {
		return mustGID("Location", l.ID)
	}
	return 0
}

func (s *Server) locationByGID(id string) *Location {
	for i := range s.locations {
		if s.locations[i].ID == id {
			return &s.locations[i]
		}
	}
	return nil
}

func (s *Server) activeLocation(id string) bool {
	l := s.locationByGID(id)
	return l != nil && l.Active
}

// SetLocationQuantity sets a variant's available stock at one location,
// stocking it there if it was not, as when the merchant edits the quantity
// of that location in Shopify. At the primary location it is SetQuantity.
func (s *Server) SetLocationQuantity(variantID, locationID string, q int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.variantByGID(variantID)
	loc, ok := parseGID("Location", locationID)
	if v == nil || !ok || s.locationByGID(locationID) == nil {
		return false
	}
	v.setAvailable(loc, s.primaryID(), q)
	v.updatedAt = s.now()
	return true
}

// LocationQuantity reads a variant's available stock at one location;
// false when the variant or the location is unknown or the variant is not
// stocked there.
func (s *Server) LocationQuantity(variantID, locationID string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.variantByGID(variantID)
	loc, ok := parseGID("Location", locationID)
	if v == nil || !ok || s.locationByGID(locationID) == nil {
		return 0, false
	}
	return v.available(loc, s.primaryID())
}

// available is the variant's stock at location loc, and whether it is
// stocked there; the primary location's is v.quantity.
func (v *variant) available(loc, primary int64) (int, bool) {
	if loc == primary {
		return v.quantity, true
	}
	q, ok := v.levels[loc]
	return q, ok
}

func (v *variant) setAvailable(loc, primary int64, q int) {
	if loc == primary {
		v.quantity = q
		return
	}
	if v.levels == nil {
		v.levels = map[int64]int{}
	}
	v.levels[loc] = q
}

// total is Shopify's inventoryQuantity: the sum over every location.
func (v *variant) total() int {
	n := v.quantity
	for _, q := range v.levels {
		n += q
	}
	return n
}

// snapshot copies the variant for a bulk export, which must not see later
// changes.
func (v *variant) snapshot() variant {
	c := *v
	c.levels = maps.Clone(v.levels)
	return c
}

func locationObject(l Location) object {
	return object{
		"__typename": "Location", "id": l.ID, "name": l.Name, "isActive": l.Active,
		"legacyResourceId": strconv.FormatInt(mustGID("Location", l.ID), 10),
	}
}

func (s *Server) resolveLocations(f *field) (any, error) {
	p, err := readPageArgs(f.args)
	if err != nil {
		return nil, err
	}
	page, more := pageAfter(s.locations, func(l Location) int64 { return mustGID("Location", l.ID) }, p, func(Location) bool { return true })
	nodes, cursors := make([]object, len(page)), make([]string, len(page))
	for i, l := range page {
		nodes[i] = locationObject(l)
		cursors[i] = encodeCursor(mustGID("Location", l.ID))
	}
	return connection("LocationConnection", nodes, cursors, p.hasAfter, more), nil
}

// resolveLocation answers location(id:) with that location (null when the
// shop has none by that ID) and location without an ID with the primary
// location, as Shopify documents.
func (s *Server) resolveLocation(f *field) (any, error) {
	id, given := f.args["id"]
	var l *Location
	if given && id != nil {
		gidText, _ := id.(string)
		if _, ok := parseGID("Location", gidText); !ok {
			return nil, newError("argumentLiteralsIncompatible", "Invalid global id '%v'", id)
		}
		l = s.locationByGID(gidText)
	} else {
		l = s.primaryLocation()
	}
	if l == nil {
		return nil, nil
	}
	return locationObject(*l), nil
}

// quantityNames are the inventory states Shopify reports; the fake keeps
// only available stock, so on_hand equals it and the others are 0.
var quantityNames = map[string]bool{
	"available": true, "on_hand": true, "committed": true, "incoming": true, "reserved": true,
	"damaged": true, "quality_control": true, "safety_stock": true,
}

// inventoryLevel is InventoryItem.inventoryLevel(locationId:): the item's
// quantities at one location, null where it is not stocked.
func (v *variant) inventoryLevel(primary int64) lazy {
	return func(args map[string]any) (any, error) {
		locGID, _ := args["locationId"].(string)
		loc, ok := parseGID("Location", locGID)
		if !ok {
			return nil, newError("argumentLiteralsIncompatible", "Invalid global id '%v'", args["locationId"])
		}
		q, stocked := v.available(loc, primary)
		if !stocked {
			return nil, nil
		}
		item := v.id + inventoryItemOffset
		return object{
			"__typename": "InventoryLevel",
			"id":         fmt.Sprintf("gid://shopify/InventoryLevel/%d?inventory_item_id=%d", loc, item),
			"location":   object{"__typename": "Location", "id": locGID},
			"quantities": lazy(func(args map[string]any) (any, error) {
				names, _ := args["names"].([]any)
				out := make([]object, 0, len(names))
				for _, n := range names {
					name, _ := n.(string)
					if !quantityNames[name] {
						return nil, newError("INVALID_NAME", "%q is not an inventory quantity name.", name)
					}
					amount := 0
					if name == "available" || name == "on_hand" {
						amount = q
					}
					out = append(out, object{"__typename": "InventoryQuantity", "name": name, "quantity": amount})
				}
				return out, nil
			}),
		}, nil
	}
}
