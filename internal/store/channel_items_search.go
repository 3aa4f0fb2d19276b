package store

import (
	"strconv"
	"strings"
	"unicode"
)

// listingSearchText is what a search of listings looks into: the SKU and
// the name as one text, in the name's collation (the SKU's is "C", whose
// ILIKE folds ASCII letters only). channel_items_search_idx (migration
// 00021, and the bulk load's list of indexes) holds its trigrams.
const listingSearchText = `((ci.sku COLLATE "default") || ' ' || ci.name)`

// listingSearch is the condition "the SKU or the name contains q, in any
// case" (a term may also run from the SKU's end into the name). A term
// with a run of three letters or digits is written as the trigram index's
// expression, for the planner to use it. A shorter term has no trigram to
// look up: offered the index, the planner would read it whole, so the
// condition is written in a form the index does not serve, and the list
// walks its own order until a page matches, which for a short term is
// soon.
func listingSearch(q string, arg func(any) string) string {
	if !hasTrigram(q) {
		return "strpos(lower(" + listingSearchText + "), lower(" + arg(q) + ")) > 0"
	}
	return listingSearchText + " ILIKE " + arg("%"+likeEscape(q)+"%")
}

// hasTrigram tells whether q has a run of three letters or digits, which
// pg_trgm turns into at least one trigram to look up.
func hasTrigram(q string) bool {
	run := 0
	for _, r := range q {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			run++
			if run >= 3 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// searchWalk is how many unconfirmed listings a search page reads in list
// order before it turns to the trigram index.
const searchWalk = 2000

// unconfirmedSearchSQL is the relation "ci" of a page of unconfirmed
// listings matching a search (match) in id order, limit rows at most;
// where holds the page's other conditions.
//
// The planner cannot tell how many listings a term matches: the index is
// partial, and PostgreSQL keeps no statistics of a partial index's
// expression, so it guesses from the term's length, and each wrong guess
// costs a hundred times the right plan: walking 100,000 unconfirmed
// listings in id order for a SKU, or fetching and sorting the 4,000
// listings named "Chair" from the index to keep fifty. So the page does
// not ask it. It first walks the next searchWalk listings in id order: a
// common term fills the page there and the statement stops. Only if the
// walk ends short does the second branch run: the trigram index's matches
// past the walk, fetched and sorted, which are few, as the term matched
// fewer than one listing in forty of the walk. Either way a page reads a
// few thousand rows at most. (UNION ALL runs its branches in order, and
// the limit stops it once the page is full.)
func unconfirmedSearchSQL(where []string, match string, limit int) string {
	base := strings.Join(where, " AND ")
	lim := strconv.Itoa(limit)
	past := `(SELECT ci.id FROM channel_items ci WHERE ` + base + ` ORDER BY ci.id OFFSET ` + strconv.Itoa(searchWalk-1) + ` LIMIT 1)`
	return `(SELECT * FROM ((SELECT * FROM (SELECT * FROM channel_items ci WHERE ` + base + ` ORDER BY ci.id LIMIT ` +
		strconv.Itoa(searchWalk) + `) ci WHERE ` + match + `) UNION ALL (SELECT * FROM (SELECT * FROM channel_items ci WHERE ` +
		base + ` AND ` + match + ` AND ci.id > ` + past + ` OFFSET 0) ci ORDER BY ci.id LIMIT ` + lim + `)) ci LIMIT ` + lim + `) ci`
}
