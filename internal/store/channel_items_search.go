package store

import (
	"strings"
	"unicode"

	"stocksync/internal/text"
)

// listingSearch is the condition "the SKU or the name contains q, in any
// case" (a term may also run from the SKU's end into the name), on
// channel_items.search_text: the SKU and the name as one text, lowercased
// when the listing is written (migration 00034). The term is lowercased
// by PostgreSQL as the text was, so matching it with LIKE is what ILIKE on
// the SKU and name was, without lowercasing each listing read.
//
// A term with a run of three letters or digits is a LIKE, which the
// trigram index serves; the column's statistics tell the planner whether
// the index (a rare term) or the walk in the list's order (a common one,
// which fills a page soon) costs less. A shorter term has no trigram to look up: offered the index,
// the planner would read it whole, so it is written in a form the index
// does not serve, and the list walks its own order until a page matches,
// which for a short term is soon.
//
// A term PostgreSQL cannot take as text (bytes that are not UTF-8, a NUL)
// is cleaned as the web layer cleans what people type.
//
// A term of several words ("velvet cushion set") asks the index for its
// words in order with anything between them, and keeps what holds the
// term itself (strpos, which the index does not serve): the trigrams of
// the words' edges, which the term as typed would add (" se", "et "), are
// in most listings and cost the index more than all the rest.
func listingSearch(q string, arg func(any) string) string {
	q = text.Clean(q)
	if !hasTrigram(q) {
		return "strpos(ci.search_text, lower(" + arg(q) + ")) > 0"
	}
	if words := strings.Fields(q); len(words) > 1 && allLettersOrDigits(words) {
		return "ci.search_text LIKE lower(" + arg("%"+strings.Join(words, "%")+"%") + ") AND strpos(ci.search_text, lower(" + arg(q) + ")) > 0"
	}
	return "ci.search_text LIKE lower(" + arg("%"+likeEscape(q)+"%") + ")"
}

// allLettersOrDigits tells whether every word is letters and digits only,
// which LIKE takes as themselves.
func allLettersOrDigits(words []string) bool {
	for _, w := range words {
		for _, r := range w {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return true
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
