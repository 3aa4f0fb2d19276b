package web_test

import (
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	"stocksync/internal/testkit/webtest"
)

// A linked listing whose stock the channel keeps itself (an Amazon FBA
// listing comes with no quantity) says that stock is never sent to it; a
// tracked one does not.
func TestUntrackedListingPageSaysStockIsNotSent(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	s.Store.DB.MustExec(`INSERT INTO items (name, sku) VALUES ('Lamp', 'FBA-1'), ('Mug', 'MUG-1')`)
	_, ids := listingsOn(t, s,
		channel.Listing{ExternalID: "ATVPDKIKX0DER/FBA-1", SKU: "FBA-1", Name: "Lamp", Price: "30.00"},
		withQty(channel.Listing{ExternalID: "ATVPDKIKX0DER/MUG-1", SKU: "MUG-1", Name: "Mug", Price: "9.00"}, 4))
	fba := c.Get(path(ids["ATVPDKIKX0DER/FBA-1"], ""))
	mustContain(t, "the FBA listing", fba.Body, `data-testid="linked"`, `data-testid="push-untracked"`, "stock is never sent to it")
	if mug := c.Get(path(ids["ATVPDKIKX0DER/MUG-1"], "")); !strings.Contains(mug.Body, `data-testid="linked"`) || strings.Contains(mug.Body, "push-untracked") {
		t.Fatal("a tracked listing says its stock is not sent")
	}
}
