package store

import (
	"testing"
	"time"

	"stocksync/internal/inventory"
)

func TestInlineSQLIsOnePassAndQuotesPeoplesText(t *testing.T) {
	args := []any{int64(1), userText(`it's $2 \ `), 3, 4, 5, 6, 7, 8, 9, []int64{10, 11},
		time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), []inventory.Money{150, 5}, sqlExpr("currval('s')"), (*int64)(nil)}
	got := inlineSQL(`$1 $2 $10 $11 $12 $13 $14`, args...)
	want := `1  E'it''s $2 \\ ' '{10,11}'::bigint[] '2026-01-02'::date '{1.50,0.05}'::numeric[] currval('s') NULL`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a float was inlined")
		}
	}()
	inlineSQL(`$1`, 1.5)
}
