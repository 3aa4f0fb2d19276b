package channelsync

import (
	"context"
	"hash/maphash"

	"stocksync/internal/catalogue"
	"stocksync/internal/store"
)

// storedListings is what an importer knows of its channel's listings: their
// states as stored when the run began, and the listings the run has sent to
// the store since. It lets most listings skip the database's per-listing
// lookups: an unchanged listing is counted and not sent at all, and a
// listing never seen before is sent as new, to be inserted without looking
// for it first.
type storedListings struct {
	states map[int64]int64 // listing key → store.ListingStates state, or seenThisRun
	// Only while the channel had no listings when the run began can a SKU
	// be known new: it is then new unless the run has sent it already.
	skusKnown bool
	skus      map[uint64]struct{}
	seed      maphash.Seed
}

// seenThisRun marks a listing sent to the store during this run: known, and
// with nothing to compare a later copy against (it may have failed).
const seenThisRun = 0

func loadStoredListings(ctx context.Context, st *store.Store, channelID int64) (*storedListings, error) {
	packed, err := st.ListingStates(ctx, channelID)
	if err != nil {
		return nil, err
	}
	s := &storedListings{states: make(map[int64]int64, packed.Len()), skusKnown: packed.Len() == 0, seed: maphash.MakeSeed()}
	for i := range packed.Len() {
		key, state := packed.At(i)
		s.states[key] = state
	}
	if s.skusKnown {
		s.skus = make(map[uint64]struct{})
	}
	return s, nil
}

// sort tells whether a prepared listing is unchanged since it was stored
// (and whether it is linked), or else sets its hints for the store and
// remembers it. An unchanged unconfirmed listing still goes to the store
// when rematch asks it to look for a match again.
func (s *storedListings) sort(r *catalogue.Row, rematch bool) (unchanged, linked bool) {
	state, known := s.states[r.Key]
	if known && state != seenThisRun && state&^3 == r.Fingerprint {
		settled := state&(store.ListingLinked|store.ListingBlocked) != 0
		if settled || !rematch {
			return true, state&store.ListingLinked != 0
		}
	}
	r.New = !known
	if !known {
		s.states[r.Key] = seenThisRun
	}
	r.SKUNew = r.SKU == ""
	if s.skusKnown && r.SKU != "" {
		h := maphash.String(s.seed, r.SKU)
		_, seen := s.skus[h]
		r.SKUNew = !seen
		s.skus[h] = struct{}{}
	}
	return false, false
}
