package store_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"stocksync/internal/channel"
	"stocksync/internal/store"
)

// searchFixture is a channel whose unconfirmed listings are many more than
// a search page walks before it turns to the trigram index (30,000
// fillers), with a few listings to find among them, before the fillers and
// past them, and one linked listing.
type searchFixture struct {
	*importer
	ch int64
}

const searchFillers = 30_000

func newSearchFixture(t *testing.T) *searchFixture {
	im := newImporter(t)
	im.item("Linked zebra mug", "LZM-1", true)
	f := &searchFixture{importer: im, ch: im.channel("Main shop")}
	f.run(f.ch,
		channel.Listing{ExternalID: "early", SKU: "ZB-1", Name: "Zebra mug"},
		channel.Listing{ExternalID: "linked", SKU: "LZM-1", Name: "Linked zebra mug"},
		channel.Listing{ExternalID: "short", SKU: "AB-77", Name: "Blue bowl"},
		channel.Listing{ExternalID: "under", SKU: "RU-1", Name: "Red_mug"},
		channel.Listing{ExternalID: "not-under", SKU: "RU-2", Name: "Redxmug"},
	)
	// Ids given, as sessions draw ids from the sequence in blocks: these
	// must come after the imported ones.
	f.st.DB.MustExec(`INSERT INTO channel_items (id, channel_id, external_id, listing_key, sku, name)
		SELECT 100000 + g, $1, 'fill-' || g, g, 'FILL-' || g, 'Filler listing ' || g FROM generate_series(1, $2) g`, f.ch, searchFillers)
	f.st.DB.MustExec(`INSERT INTO channel_items (id, channel_id, external_id, listing_key, sku, name) VALUES
		(200001, $1, 'late', 1, 'lst-0099-xl', 'Zebra lamp'), (200002, $1, 'later', 2, 'ZB-3', 'Striped ZEBRA rug')`, f.ch)
	f.st.DB.MustExec(`ANALYZE channel_items`)
	return f
}

// search lists the unconfirmed listings matching q after the cursor and
// returns their external ids and the next cursor.
func (f *searchFixture) search(status, q string, after int64, limit int) ([]string, int64) {
	f.t.Helper()
	page, err := f.st.ListChannelItems(context.Background(), store.ChannelItemFilter{Status: status, ChannelID: f.ch, Q: q, After: after, Limit: limit})
	if err != nil {
		f.t.Fatal(err)
	}
	rows, next := page.Items, page.NextID
	var ids []string
	for i, r := range rows {
		if i > 0 && r.ID <= rows[i-1].ID {
			f.t.Fatalf("search %q: rows out of order", q)
		}
		ids = append(ids, r.ExternalID)
	}
	return ids, next
}

// The search finds a listing by any part of its SKU or name in any case,
// whether the listing is among the first a page walks or past them (where
// the trigram index finds it), and short terms, which have no trigram,
// still match.
func TestSearchUnconfirmedListingsBySubstringInAnyCase(t *testing.T) {
	f := newSearchFixture(t)
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"zebra", []string{"early", "late", "later"}}, // the walk's and the index's, in order
		{"ZEBRA", []string{"early", "late", "later"}},
		{"ebr", []string{"early", "late", "later"}},
		{"0099-X", []string{"late"}}, // the middle of a SKU
		{"striped zebra", []string{"later"}},
		{"Red_mug", []string{"under"}}, // _ is a character, not a wildcard
		{"b-7", []string{"short"}},     // no trigram: the walk alone
		{"ab", []string{"short"}},
		{"zz", nil},
		{"nothing like it", nil},
	} {
		if got, _ := f.search("unconfirmed", c.q, 0, 50); !slices.Equal(got, c.want) {
			t.Errorf("search %q: %v, want %v", c.q, got, c.want)
		}
	}
	// Linked listings are found when the list shows them.
	if got, _ := f.search("", "zebra", 0, 50); len(got) != 4 || !slices.Contains(got, "linked") {
		t.Errorf("search of all listings: %v", got)
	}
}

// Pages of a search follow one another by the cursor, through the walk and
// past it, with no listing twice or left out.
func TestSearchUnconfirmedListingsPagesByCursor(t *testing.T) {
	f := newSearchFixture(t)
	got, next := f.search("unconfirmed", "zebra", 0, 2)
	if !slices.Equal(got, []string{"early", "late"}) || next == 0 {
		t.Fatalf("first page: %v, next %d", got, next)
	}
	if got, next = f.search("unconfirmed", "zebra", next, 2); !slices.Equal(got, []string{"later"}) || next != 0 {
		t.Fatalf("second page: %v, next %d", got, next)
	}
	// A common term fills its pages from the walk.
	seen := map[string]bool{}
	var after int64
	for page := 0; page < 3; page++ {
		got, next := f.search("unconfirmed", "filler", after, 50)
		if len(got) != 50 || next == 0 {
			t.Fatalf("page %d of a common term: %d listings, next %d", page, len(got), next)
		}
		for _, id := range got {
			if seen[id] {
				t.Fatalf("listing %s on two pages", id)
			}
			seen[id] = true
		}
		after = next
	}
	if !seen["fill-1"] || !seen["fill-150"] {
		t.Fatal("the pages of a common term skipped listings")
	}
}

// The count of unconfirmed listings without a search is the channels'
// own; a search counts its matches, whatever their number.
func TestCountChannelItems(t *testing.T) {
	f := newSearchFixture(t)
	ctx := context.Background()
	other := f.channel("Other shop")
	f.run(other, channel.Listing{ExternalID: "o1", SKU: "O-1", Name: "Other zebra"})
	for _, c := range []struct {
		filter store.ChannelItemFilter
		n      int
	}{
		{store.ChannelItemFilter{Status: "unconfirmed"}, searchFillers + 7},
		{store.ChannelItemFilter{Status: "linked"}, 1},
		{store.ChannelItemFilter{Status: "unconfirmed", ChannelID: other}, 1},
		{store.ChannelItemFilter{Status: "unconfirmed", ChannelID: f.ch, Q: "zebra"}, 3},
		{store.ChannelItemFilter{Status: "unconfirmed", Q: "ZEBRA"}, 4},
		{store.ChannelItemFilter{Q: "zebra"}, 5},
		{store.ChannelItemFilter{Status: "unconfirmed", Q: "ab"}, 1},
		{store.ChannelItemFilter{Status: "unconfirmed", ChannelID: f.ch, Q: "filler"}, searchFillers},
	} {
		n, err := f.st.CountChannelItems(ctx, c.filter)
		if err != nil {
			t.Fatal(err)
		}
		if n != c.n {
			t.Errorf("count %+v: %d, want %d", c.filter, n, c.n)
		}
	}
}

// How a search page reads, now that the planner has the search text's
// statistics: a common term walks the list's order and never reads the
// trigram index; a rare one reads the index; a term too short for a
// trigram never reads the index (it would read it whole).
func TestSearchUnconfirmedListingsReadsTheIndexOnlyWhenItPays(t *testing.T) {
	f := newSearchFixture(t)
	var index string
	if err := f.st.DB.Get(&index, `SELECT indexname FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%gin_trgm_ops%'`,
		"channel_items_"+strconv.FormatInt(f.ch, 10)); err != nil {
		t.Fatal(err)
	}
	// plan explains a search page as the list runs it: planned for its
	// term, the bound parameters standing for their values.
	plan := func(q string) string {
		t.Helper()
		sql, args := store.ChannelItemsSearchSQL(f.ch, q)
		var lines []string
		if err := f.st.DB.Select(&lines, `EXPLAIN (COSTS OFF) `+sql, args...); err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, "\n")
	}
	if p := plan("filler"); strings.Contains(p, index) {
		t.Errorf("a common term reads the trigram index:\n%s", p)
	}
	if p := plan("zebra"); !strings.Contains(p, index) {
		t.Errorf("a rare term does not read the trigram index:\n%s", p)
	}
	if p := plan("striped zebra"); !strings.Contains(p, index) || !strings.Contains(p, "strpos") {
		t.Errorf("a rare term of two words does not read the trigram index for its words and keep the term:\n%s", p)
	}
	if p := plan("ab"); strings.Contains(p, index) {
		t.Errorf("a two-letter term's plan reads the trigram index:\n%s", p)
	}
}

// A term of several words is found as it is typed: the listings whose SKU
// and name contain the words together, in that order, in any case, and no
// listing holding the words apart or in another order.
func TestSearchUnconfirmedListingsByWords(t *testing.T) {
	f := newSearchFixture(t)
	f.st.DB.MustExec(`INSERT INTO channel_items (id, channel_id, external_id, listing_key, sku, name) VALUES
		(200010, $1, 'set-3', 10, 'VC-9', 'Royal Velvet Cushion Set of 3'),
		(200011, $1, 'no-set', 11, 'VC-10', 'Velvet cushion'),
		(200012, $1, 'reordered', 12, 'VC-11', 'Cushion set, velvet'),
		(200013, $1, 'apart', 13, 'VC-12', 'Velvet  cushion set'),
		(200014, $1, 'upper', 14, 'VC-13', 'VELVET CUSHION SETTEE')`, f.ch)
	f.st.DB.MustExec(`ANALYZE channel_items`)
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"velvet cushion set", []string{"set-3", "upper"}},
		{"Velvet Cushion", []string{"set-3", "no-set", "upper"}},
		{"cushion set", []string{"set-3", "reordered", "apart", "upper"}},
		{"vc-9 royal", []string{"set-3"}}, // from the SKU into the name
		{"velvet cushion set of 3 royal", nil},
	} {
		if got, _ := f.search("unconfirmed", c.q, 0, 50); !slices.Equal(got, c.want) {
			t.Errorf("search %q: %v, want %v", c.q, got, c.want)
		}
	}
}

// A term PostgreSQL cannot take as text is searched as the web layer
// cleans it (a NUL dropped, bytes that are not UTF-8 made U+FFFD), never
// an error.
func TestSearchUnconfirmedListingsWithUnfitTerm(t *testing.T) {
	f := newSearchFixture(t)
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"zeb\x00ra", []string{"early", "late", "later"}},
		{"zebra\xff", nil},
		{"\xff\xfe", nil},
		{"a\x00b", []string{"short"}},
	} {
		if got, _ := f.search("unconfirmed", c.q, 0, 50); !slices.Equal(got, c.want) {
			t.Errorf("search %q: %v, want %v", c.q, got, c.want)
		}
		n, err := f.st.CountChannelItems(context.Background(), store.ChannelItemFilter{Status: "unconfirmed", ChannelID: f.ch, Q: c.q})
		if err != nil || n != len(c.want) {
			t.Errorf("count %q: %d, %v; want %d", c.q, n, err, len(c.want))
		}
	}
}

// The search text follows the listing: a sync that renames a listing or
// changes its SKU makes the search find it by the new ones only.
func TestSearchFollowsARenamedListing(t *testing.T) {
	f := newSearchFixture(t)
	f.run(f.ch, channel.Listing{ExternalID: "early", SKU: "QK-1", Name: "Quokka mug"})
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"quokka", []string{"early"}},
		{"qk-1", []string{"early"}},
		{"zebra", []string{"late", "later"}},
		{"zb-1", nil},
	} {
		if got, _ := f.search("unconfirmed", c.q, 0, 50); !slices.Equal(got, c.want) {
			t.Errorf("search %q: %v, want %v", c.q, got, c.want)
		}
	}
}

// A search runs on connections without parallel workers (starting them
// cost ten times a search of a few hundred listings); the store's other
// statements keep the server's setting.
func TestSearchRunsWithoutParallelWorkers(t *testing.T) {
	st := newImporter(t).st
	if v, err := st.SearchSetting("max_parallel_workers_per_gather"); err != nil || v != "0" {
		t.Fatalf("search connections: max_parallel_workers_per_gather %q, %v", v, err)
	}
	var v string
	if err := st.DB.Get(&v, `SELECT current_setting('max_parallel_workers_per_gather')`); err != nil || v == "0" {
		t.Fatalf("other connections: max_parallel_workers_per_gather %q, %v", v, err)
	}
}
