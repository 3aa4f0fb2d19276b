package channelsync

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/store"
)

// Importer imports a run's listings as a pipeline, so that fetching,
// sorting and writing overlap on the machine's cores:
//
//   - Add (the fetching goroutine) prepares each page and hands it on;
//   - a router compares listings with the channel's stored ones
//     (storedListings, read in the background as the run starts), counts
//     the unchanged ones and gathers the rest into batches;
//   - parallel workers, one database connection each, import the batches.
//
// Batches are filled in turn, so each worker writes a stretch of the
// channel's listings and the workers seldom touch the same index pages. A
// listing whose SKU the run has met before goes to the worker that met it,
// in order, so the duplicate-SKU check (which sees only committed rows)
// stays exact.
//
// A channel's first import is a bulk load (store.BulkLoad): the workers
// write into a table without indexes, which becomes the channel's listings
// when Close has built them. Listings the load cannot take (a SKU or an id
// the run met before, which need the checks only indexes make cheap) wait
// until then, and are imported the usual way after. Should more than
// Service.BulkWaitLimit of them wait, the load ends there and the rest of
// the run is imported the usual way.
type Importer struct {
	ctx     context.Context
	store   *store.Store
	channel int64
	run     int64
	bulk    *store.BulkLoad // nil unless this is the channel's first import, until it ends
	waiting []catalogue.Row // listings the bulk load could not take
	waitMax int
	size    int
	every   time.Duration // send a smaller batch once this long passed, so progress moves
	rematch bool
	parts   []*importPart
	filling int              // the part that takes listings with SKUs new to the run
	pins    map[uint64]uint8 // hash of a SKU met in this run → the part that took it
	seed    maphash.Seed
	in      chan prepared
	routed  chan struct{} // closed when the router has sent its last batch
	wg      sync.WaitGroup
	sending sync.WaitGroup // batches sent and not yet imported

	mu  sync.Mutex
	err error
}

type importPart struct {
	batch store.ImportBatch
	queue chan store.ImportBatch
	sent  time.Time
}

// prepared is one Add's worth of listings.
type prepared struct {
	pages     int
	total     *int
	rows      []catalogue.Row
	failures  []catalogue.Failure
	withdrawn []string
}

// NewImporter starts the router and workers of one run; Close ends them.
// Unconfirmed listings that did not change look for a matching item again
// only when items changed since the channel's last good sync.
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
	// in has room for the pages fetched while the router reads the stored
	// listings, so fetching goes on meanwhile.
	im := &Importer{ctx: ctx, store: s.store, channel: channelID, run: runID, waitMax: s.BulkWaitLimit, size: s.BatchSize, rematch: rematch, every: s.ProgressEvery,
		in: make(chan prepared, 16), routed: make(chan struct{}), pins: make(map[uint64]uint8), seed: maphash.MakeSeed()}
	partitioned, err := s.store.HasListingsPartition(ctx, channelID)
	if err != nil {
		return nil, err
	}
	if !partitioned {
		if im.bulk, err = s.store.BeginBulkLoad(ctx, channelID, runID); err != nil {
			return nil, err
		}
	}
	for range min(max(1, s.ImportWorkers), 255) {
		p := &importPart{batch: im.newBatch(), queue: make(chan store.ImportBatch, 1), sent: time.Now()}
		im.parts = append(im.parts, p)
		im.wg.Add(1)
		go im.work(p.queue)
	}
	go im.route()
	return im, nil
}

func (im *Importer) newBatch() store.ImportBatch {
	return store.ImportBatch{ChannelID: im.channel, RunID: im.run, Rematch: im.rematch}
}

// Add takes the listings of pages (a page or a chunk of an export) and
// total, the channel's own count of the whole fetch when it tells one. An
// error any stage met is returned by a later Add or by Close.
func (im *Importer) Add(pages int, total *int, listings []channel.Listing) error {
	if err := im.failed(); err != nil {
		return err
	}
	listings, withdrawn := catalogue.ForSale(listings)
	rows, failures := catalogue.Prepare(listings)
	select {
	case im.in <- prepared{pages: pages, total: total, rows: rows, failures: failures, withdrawn: withdrawn}:
		return nil
	case <-im.ctx.Done():
		return im.ctx.Err()
	}
}

// route runs until Add's input closes, then sends what is left and closes
// the workers' queues. After a failure it keeps reading, so Add never
// blocks, and sends nothing more.
func (im *Importer) route() {
	defer close(im.routed)
	defer func() {
		for _, p := range im.parts {
			if im.failed() == nil {
				im.send(p)
			}
			close(p.queue)
		}
	}()
	stored, err := loadStoredListings(im.ctx, im.store, im.channel)
	if err != nil {
		im.fail(err)
	}
	for in := range im.in {
		if im.failed() != nil {
			continue
		}
		im.sort(stored, in)
	}
}

func (im *Importer) sort(stored *storedListings, in prepared) {
	first := im.parts[0]
	first.batch.Pages += in.pages
	if in.total != nil {
		first.batch.RecordsTotal = in.total
	}
	first.batch.Failures = append(first.batch.Failures, in.failures...)
	first.batch.Withdrawn = append(first.batch.Withdrawn, in.withdrawn...)
	for i := range in.rows {
		r := &in.rows[i] // a Row is large: copy it once, into its batch
		if unchanged, linked := stored.sort(r, im.rematch); unchanged {
			b := &im.parts[im.filling].batch
			b.Unchanged++
			if linked {
				b.UnchangedSynced++
			}
			continue
		}
		p := im.parts[im.partOf(r, stored.empty)]
		if im.bulk != nil && !(r.New && r.SKUNew) {
			im.waiting = append(im.waiting, *r)
			if len(im.waiting) > im.waitMax {
				im.endBulkEarly()
			}
			continue
		}
		if p.batch.Rows == nil {
			p.batch.Rows = make([]catalogue.Row, 0, im.size)
		}
		p.batch.Rows = append(p.batch.Rows, *r)
		if len(p.batch.Rows) >= im.size {
			im.sendFull(p)
		}
	}
	for _, p := range im.parts {
		if n := len(p.batch.Rows) + len(p.batch.Failures) + p.batch.Unchanged; n >= im.size || (n > 0 && im.every > 0 && time.Since(p.sent) >= im.every) {
			im.sendFull(p)
		}
	}
}

// sendFull sends a part's batch; if it was the part taking new SKUs, the
// next part takes them from now on, so each worker writes a stretch.
func (im *Importer) sendFull(p *importPart) {
	im.send(p)
	if p == im.parts[im.filling] {
		im.filling = (im.filling + 1) % len(im.parts)
	}
}

// partOf picks a listing's part and tells the store whether its SKU is new
// to the channel: only if the channel had no listings when the run began
// and the run has not met the SKU (a listing without one has nothing to
// clash on).
func (im *Importer) partOf(r *catalogue.Row, emptyChannel bool) int {
	if r.SKU == "" {
		r.SKUNew = true
		return im.filling
	}
	h := maphash.String(im.seed, r.SKU)
	if p, met := im.pins[h]; met {
		r.SKUNew = false
		return int(p)
	}
	im.pins[h] = uint8(im.filling)
	r.SKUNew = emptyChannel
	return im.filling
}

func (im *Importer) send(p *importPart) {
	p.sent = time.Now()
	b := p.batch
	p.batch = im.newBatch()
	if len(b.Rows) == 0 && len(b.Failures) == 0 && len(b.Withdrawn) == 0 && b.Pages == 0 && b.Unchanged == 0 {
		return
	}
	im.sending.Add(1)
	p.queue <- b
}

// endBulkEarly ends the bulk load in the middle of the run: it sends what
// the parts hold, waits until the workers have imported it all, and ends
// the load. The workers read im.bulk anew with the next batch sent to them.
func (im *Importer) endBulkEarly() {
	for _, p := range im.parts {
		im.send(p)
	}
	im.sending.Wait()
	if im.failed() != nil {
		return
	}
	if err := im.endBulk(); err != nil {
		im.fail(err)
	}
}

// endBulk finishes the bulk load, which makes its listings the channel's,
// then imports the listings that waited, in the order they came. No batch
// may be importing meanwhile.
func (im *Importer) endBulk() error {
	bulk := im.bulk
	im.bulk = nil
	if err := bulk.Finish(im.ctx); err != nil {
		return err
	}
	for len(im.waiting) > 0 {
		n := min(len(im.waiting), im.size)
		b := im.newBatch()
		b.Rows, im.waiting = im.waiting[:n], im.waiting[n:]
		if _, err := im.store.ImportListings(im.ctx, b); err != nil {
			return err
		}
	}
	im.waiting = nil
	return nil
}

func (im *Importer) work(queue <-chan store.ImportBatch) {
	defer im.wg.Done()
	for b := range queue {
		if im.failed() == nil { // else drain, so the router never blocks
			if err := im.importBatch(b); err != nil {
				im.fail(err)
			}
		}
		im.sending.Done()
	}
}

func (im *Importer) importBatch(b store.ImportBatch) error {
	if im.bulk != nil {
		_, err := im.bulk.Import(im.ctx, b)
		return err
	}
	_, err := im.store.ImportListings(im.ctx, b)
	return err
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

// Close imports what is left, waits for the router and workers and returns
// the first error any of them met. A bulk load is finished (the listings
// it wrote become the channel's), then the listings it could not take are
// imported, in the order they came.
func (im *Importer) Close() error {
	close(im.in)
	<-im.routed
	im.wg.Wait()
	if im.bulk == nil {
		return im.failed()
	}
	if err := im.failed(); err != nil {
		im.bulk.Close() // the load stays behind, for the next import to drop
		return err
	}
	return im.endBulk()
}
