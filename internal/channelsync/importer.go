package channelsync

import (
	"context"
	"hash/fnv"
	"sync"
	"time"

	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/store"
)

// Importer gathers a run's listings into batches and imports them on
// parallel workers, one database connection each, so that both the
// database's cores work. Listings are partitioned by SKU: two listings with
// one SKU always reach the same worker, in order, so the duplicate-SKU check
// (which sees only committed rows) stays exact.
type Importer struct {
	ctx     context.Context
	store   *store.Store
	size    int
	every   time.Duration // send a smaller batch once this long passed, so progress moves
	rematch bool
	parts   []*importPart
	wg      sync.WaitGroup

	mu  sync.Mutex
	err error
}

type importPart struct {
	batch store.ImportBatch
	queue chan store.ImportBatch
	sent  time.Time
}

// NewImporter starts the workers of one run; Close ends them. Unconfirmed
// listings that did not change look for a matching item again only when
// items changed since the channel's last good sync.
func (s *Service) NewImporter(ctx context.Context, channelID, runID int64) (*Importer, error) {
	rematch := true
	ch, err := s.store.Channel(ctx, channelID)
	if err != nil {
		return nil, err
	}
	if ch.ListingsSince != nil {
		if rematch, err = s.store.ItemsChangedSince(ctx, ch.ListingsSince.Add(-cursorOverlap)); err != nil {
			return nil, err
		}
	}
	im := &Importer{ctx: ctx, store: s.store, size: s.BatchSize, rematch: rematch, every: s.ProgressEvery}
	for range max(1, s.ImportWorkers) {
		p := &importPart{batch: im.newBatch(channelID, runID), queue: make(chan store.ImportBatch, 1), sent: time.Now()}
		im.parts = append(im.parts, p)
		im.wg.Add(1)
		go im.work(p.queue)
	}
	return im, nil
}

func (im *Importer) newBatch(channelID, runID int64) store.ImportBatch {
	return store.ImportBatch{ChannelID: channelID, RunID: runID, Rematch: im.rematch}
}

func (im *Importer) work(queue <-chan store.ImportBatch) {
	defer im.wg.Done()
	for b := range queue {
		if im.failed() != nil {
			continue // drain, so the sender never blocks
		}
		if _, err := im.store.ImportListings(im.ctx, b); err != nil {
			im.fail(err)
		}
	}
}

func (im *Importer) fail(err error) {
	im.mu.Lock()
	defer im.mu.Unlock()
	if im.err == nil {
		im.err = err
	}
}

func (im *Importer) failed() error {
	im.mu.Lock()
	defer im.mu.Unlock()
	return im.err
}

// Add takes the listings of pages (a page or a chunk of an export) and
// total, the channel's own count of the whole fetch when it tells one.
func (im *Importer) Add(pages int, total *int, listings []channel.Listing) error {
	if err := im.failed(); err != nil {
		return err
	}
	rows, failures := catalogue.Prepare(listings)
	first := im.parts[0]
	first.batch.Pages += pages
	if total != nil {
		first.batch.RecordsTotal = total
	}
	first.batch.Failures = append(first.batch.Failures, failures...)
	for _, r := range rows {
		p := im.parts[im.partOf(r)]
		p.batch.Rows = append(p.batch.Rows, r)
	}
	for _, p := range im.parts {
		if n := len(p.batch.Rows) + len(p.batch.Failures); n >= im.size || (n > 0 && im.every > 0 && time.Since(p.sent) >= im.every) {
			im.send(p)
		}
	}
	return im.failed()
}

// partOf routes by SKU; a listing without one has nothing to clash on.
func (im *Importer) partOf(r catalogue.Row) int {
	key := r.SKU
	if key == "" {
		key = r.ExternalID
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(len(im.parts)))
}

func (im *Importer) send(p *importPart) {
	p.sent = time.Now()
	b := p.batch
	p.batch = im.newBatch(b.ChannelID, b.RunID)
	if len(b.Rows) == 0 && len(b.Failures) == 0 && b.Pages == 0 {
		return
	}
	p.queue <- b
}

// Close imports what is left, waits for the workers and returns the first
// error any of them met.
func (im *Importer) Close() error {
	for _, p := range im.parts {
		im.send(p)
		close(p.queue)
	}
	im.wg.Wait()
	return im.failed()
}
