package channelsync

import (
	"context"

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
	empty  bool            // the channel had no listings when the run began
}

// seenThisRun marks a listing sent to the store during this run: known, and
// with nothing to compare a later copy against (it may have failed).
const seenThisRun = 0

func loadStoredListings(ctx context.Context, st *store.Store, channelID int64) (*storedListings, error) {
	packed, err := st.ListingStates(ctx, channelID)
	if err != nil {
		return nil, err
	}
	failing, err := st.FailingIDs(ctx, channelID)
	if err != nil {
		return nil, err
	}
	s := &storedListings{states: make(map[int64]int64, packed.Len()), empty: packed.Len() == 0}
	for i := range packed.Len() {
		key, state := packed.At(i)
		s.states[key] = state
	}
	// A failing listing's stored copy, if any, is from before it failed:
	// comparing with it could count the failing version as unchanged.
	for _, id := range failing {
		if _, stored := s.states[catalogue.ListingKey(id)]; stored {
			s.states[catalogue.ListingKey(id)] = seenThisRun
		}
	}
	return s, nil
}

// sort tells whether a prepared listing is unchanged since it was stored
// (and whether it is linked), or else tells the store whether it is new and
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
	return false, false
}
