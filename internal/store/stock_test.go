package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"stocksync/internal/auth"
	"stocksync/internal/inventory"
	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
)

type fixture struct {
	t    *testing.T
	st   *store.Store
	user int64
	wh   int64
}

func newFixture(t *testing.T) *fixture {
	st := testdb.New(t)
	u, err := st.CreateUser(t.Context(), "clerk@example.com", auth.RoleStaff, "x")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := st.WarehouseChoices(t.Context())
	if err != nil || len(ws) != 1 || ws[0].Name != "Primary" {
		t.Fatalf("warehouses %v, %v; want the seeded Primary", ws, err)
	}
	return &fixture{t: t, st: st, user: u.ID, wh: ws[0].ID}
}

func (f *fixture) item(name, sku string) inventory.Item {
	f.t.Helper()
	it, err := f.st.CreateItem(f.t.Context(), inventory.ItemFields{Name: name, SKU: sku, Unit: "pcs"}, f.user)
	if err != nil {
		f.t.Fatal(err)
	}
	return it
}

func (f *fixture) receive(item, qty int64) {
	f.t.Helper()
	_, err := f.st.CreatePurchaseReceive(f.t.Context(), inventory.Receive{Vendor: "Acme", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: item, WarehouseID: f.wh, Quantity: qty, Rate: 250}}}, f.user)
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) order(item, qty int64) inventory.SalesOrder {
	f.t.Helper()
	id, err := f.st.CreateSalesOrder(f.t.Context(), inventory.Order{Customer: "Bea", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: item, WarehouseID: f.wh, Quantity: qty, Rate: 500}}}, f.user)
	if err != nil {
		f.t.Fatal(err)
	}
	o, err := f.st.SalesOrder(f.t.Context(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return o
}

// want checks the item's totals and its Primary balance, and that both
// equal the ledger.
func (f *fixture) want(item int64, onHand, committed int64) {
	f.t.Helper()
	it, err := f.st.ItemByID(f.t.Context(), item)
	if err != nil {
		f.t.Fatal(err)
	}
	if it.OnHand != onHand || it.Committed != committed || it.Available != onHand-committed {
		f.t.Fatalf("item %d: on hand %d committed %d available %d; want %d %d %d", item, it.OnHand, it.Committed, it.Available,
			onHand, committed, onHand-committed)
	}
	ws, err := f.st.ItemStock(f.t.Context(), item)
	if err != nil {
		f.t.Fatal(err)
	}
	if ws[0].OnHand != onHand || ws[0].Committed != committed {
		f.t.Fatalf("item %d balance: %+v; want %d %d", item, ws[0], onHand, committed)
	}
	checkLedger(f.t, f.st)
}

func checkLedger(t *testing.T, st *store.Store) {
	t.Helper()
	var bad []string
	err := st.DB.SelectContext(t.Context(), &bad, `
		WITH l AS (SELECT item_id, warehouse_id, sum(on_hand_delta) o, sum(committed_delta) c FROM stock_movements GROUP BY 1, 2)
		SELECT format('balance %s/%s: %s/%s vs ledger %s/%s', b.item_id, b.warehouse_id, b.on_hand, b.committed, l.o, l.c)
		FROM stock_balances b FULL JOIN l USING (item_id, warehouse_id)
		WHERE b.on_hand IS DISTINCT FROM l.o OR b.committed IS DISTINCT FROM l.c OR b.on_hand < 0
		UNION ALL
		SELECT format('item %s totals %s/%s vs balances %s/%s', i.id, t.on_hand, t.committed, s.o, s.c)
		FROM items i LEFT JOIN item_stock t ON t.item_id = i.id
		LEFT JOIN (SELECT item_id, sum(on_hand) o, sum(committed) c FROM stock_balances GROUP BY 1) s ON s.item_id = i.id
		WHERE t.item_id IS NULL OR t.on_hand <> COALESCE(s.o, 0) OR t.committed <> COALESCE(s.c, 0)`)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("balances differ from the ledger:\n%s", strings.Join(bad, "\n"))
	}
}

func qty(line int64, q int64) map[int64]string { return map[int64]string{line: fmt.Sprint(q)} }

func TestPartialShipmentThenInvoiceDeductsEachUnitOnce(t *testing.T) {
	f := newFixture(t)
	mug := f.item("Mug", "MUG-1")
	f.receive(mug.ID, 10)
	f.want(mug.ID, 10, 0)
	o := f.order(mug.ID, 4)
	f.want(mug.ID, 10, 4)
	line := o.Lines[0].ID
	ctx := t.Context()
	if _, err := f.st.PackSalesOrder(ctx, o.ID, qty(line, 2), true, f.user); err != nil {
		t.Fatal(err)
	}
	f.want(mug.ID, 8, 2)
	// Invoicing 3: two were already shipped, so only one more leaves stock.
	if _, err := f.st.InvoiceSalesOrder(ctx, o.ID, qty(line, 3), f.user); err != nil {
		t.Fatal(err)
	}
	f.want(mug.ID, 7, 1)
	// Pack the last two, ship later: one of them was already invoiced.
	pkg, err := f.st.PackSalesOrder(ctx, o.ID, qty(line, 2), false, f.user)
	if err != nil {
		t.Fatal(err)
	}
	f.want(mug.ID, 7, 1)
	if err := f.st.ShipPackage(ctx, o.ID, pkg, f.user); err != nil {
		t.Fatal(err)
	}
	f.want(mug.ID, 6, 0)
	if _, err := f.st.InvoiceSalesOrder(ctx, o.ID, qty(line, 1), f.user); err != nil {
		t.Fatal(err)
	}
	f.want(mug.ID, 6, 0)
	if o, _ = f.st.SalesOrder(ctx, o.ID); o.Status != inventory.OrderFulfilled {
		t.Fatalf("status %s, want fulfilled", o.Status)
	}
	// Over-packing is refused beside the field.
	var inv *inventory.InvalidError
	if _, err := f.st.InvoiceSalesOrder(ctx, o.ID, qty(line, 1), f.user); !errors.Is(err, inventory.ErrNotOpen) {
		t.Fatalf("invoice a fulfilled order: %v", err)
	}
	o2 := f.order(mug.ID, 1)
	if _, err := f.st.PackSalesOrder(ctx, o2.ID, qty(o2.Lines[0].ID, 5), true, f.user); !errors.As(err, &inv) {
		t.Fatalf("pack 5 of 1: %v", err)
	}
}

func TestInvoiceThenShipmentAndCancel(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	cup := f.item("Cup", "")
	f.receive(cup.ID, 5)
	o := f.order(cup.ID, 5)
	f.want(cup.ID, 5, 5)
	line := o.Lines[0].ID
	if _, err := f.st.InvoiceSalesOrder(ctx, o.ID, qty(line, 3), f.user); err != nil {
		t.Fatal(err)
	}
	f.want(cup.ID, 2, 2)
	// Shipping the three invoiced units moves nothing more.
	if _, err := f.st.PackSalesOrder(ctx, o.ID, qty(line, 3), true, f.user); err != nil {
		t.Fatal(err)
	}
	f.want(cup.ID, 2, 2)
	// Cancel releases the two still committed.
	if err := f.st.CancelSalesOrder(ctx, o.ID, f.user); err != nil {
		t.Fatal(err)
	}
	f.want(cup.ID, 2, 0)
	if err := f.st.CancelSalesOrder(ctx, o.ID, f.user); !errors.Is(err, inventory.ErrNotOpen) {
		t.Fatalf("second cancel: %v", err)
	}
	if _, err := f.st.PackSalesOrder(ctx, o.ID, qty(line, 1), true, f.user); !errors.Is(err, inventory.ErrNotOpen) {
		t.Fatalf("ship a cancelled order: %v", err)
	}
}

func TestBelowZeroIsRefusedWithTheItemWarehouseAndQuantity(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	pen := f.item("Pen", "PEN-9")
	f.receive(pen.ID, 3)
	_, err := f.st.CreateAdjustment(ctx, inventory.Adjustment{Reason: "Damaged goods", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: pen.ID, WarehouseID: f.wh, Quantity: -5}}}, f.user)
	var bz *inventory.BelowZeroError
	if !errors.As(err, &bz) {
		t.Fatalf("adjust -5 of 3: %v", err)
	}
	if msg := bz.Error(); msg != "Only 3 of Pen (SKU PEN-9) on hand in Primary; 5 cannot be removed." {
		t.Fatalf("message %q", msg)
	}
	f.want(pen.ID, 3, 0)
	if as, _, _ := f.st.ListAdjustments(ctx, 0, 10); len(as) != 0 {
		t.Fatalf("refused adjustment was written: %v", as)
	}
	// Shipping more than on hand is refused the same way.
	o := f.order(pen.ID, 4)
	if _, err := f.st.PackSalesOrder(ctx, o.ID, qty(o.Lines[0].ID, 4), true, f.user); !errors.As(err, &bz) {
		t.Fatalf("ship 4 of 3: %v", err)
	}
	f.want(pen.ID, 3, 4)
	if _, err := f.st.CreateAdjustment(ctx, inventory.Adjustment{Reason: "Stock count", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: pen.ID, WarehouseID: f.wh, Quantity: -3}}}, f.user); err != nil {
		t.Fatal(err)
	}
	f.want(pen.ID, 0, 4)
}

func TestOpeningStockAndSKUClash(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	it, err := f.st.CreateItem(ctx, inventory.ItemFields{Name: "Lamp", SKU: "LMP", Unit: "pcs", OpeningQty: 7, OpeningValue: 1200}, f.user)
	if err != nil {
		t.Fatal(err)
	}
	f.want(it.ID, 7, 0)
	_, err = f.st.CreateItem(ctx, inventory.ItemFields{Name: "Other lamp", SKU: "LMP", Unit: "pcs"}, f.user)
	var clash *inventory.SKUTakenError
	if !errors.As(err, &clash) || clash.OtherName != "Lamp" || clash.OtherID != it.ID {
		t.Fatalf("clash: %v", err)
	}
	// SKUs are case-sensitive: lmp is another SKU.
	other := f.item("Small lamp", "lmp")
	err = f.st.UpdateItem(ctx, other.ID, inventory.ItemFields{Name: "Small lamp", SKU: "LMP", Unit: "pcs"}, f.user)
	if !errors.As(err, &clash) || clash.OtherName != "Lamp" {
		t.Fatalf("clash on edit: %v", err)
	}
}

func TestHookHearsChangedItemsAndCanRollBack(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	a, b := f.item("A", "A"), f.item("B", "B")
	var mu sync.Mutex
	var heard [][]int64
	var fail error
	f.st.SetAvailabilityHook(func(ctx context.Context, tx *sqlx.Tx, ids []int64) error {
		mu.Lock()
		defer mu.Unlock()
		heard = append(heard, slices.Clone(ids))
		return fail
	})
	_, err := f.st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "V", Date: time.Now(), Lines: []inventory.Line{
		{ItemID: b.ID, WarehouseID: f.wh, Quantity: 2}, {ItemID: a.ID, WarehouseID: f.wh, Quantity: 3}, {ItemID: b.ID, WarehouseID: f.wh, Quantity: 1}}}, f.user)
	if err != nil {
		t.Fatal(err)
	}
	if len(heard) != 1 || !slices.Equal(heard[0], []int64{a.ID, b.ID}) {
		t.Fatalf("hook heard %v, want [[%d %d]]", heard, a.ID, b.ID)
	}
	// Shipping changes on hand and committed alike: available stays, so the
	// hook hears only the order's commitment.
	o := f.order(a.ID, 1)
	if _, err := f.st.PackSalesOrder(ctx, o.ID, qty(o.Lines[0].ID, 1), true, f.user); err != nil {
		t.Fatal(err)
	}
	if len(heard) != 2 || !slices.Equal(heard[1], []int64{a.ID}) {
		t.Fatalf("hook heard %v", heard)
	}
	fail = errors.New("queue down")
	_, err = f.st.CreateAdjustment(ctx, inventory.Adjustment{Reason: "Stock count", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: a.ID, WarehouseID: f.wh, Quantity: 5}}}, f.user)
	if err == nil || !strings.Contains(err.Error(), "queue down") {
		t.Fatalf("hook error not returned: %v", err)
	}
	f.want(a.ID, 2, 0)
	if as, _, _ := f.st.ListAdjustments(ctx, 0, 10); len(as) != 0 {
		t.Fatal("the adjustment survived its hook's error")
	}
}

// 200 documents from 20 goroutines on 10 items: balances equal the ledger
// and stock on hand is never negative.
func TestConcurrentDocumentsKeepBalancesEqualToTheLedger(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	wh2, err := f.st.CreateWarehouse(ctx, "Annex")
	if err != nil {
		t.Fatal(err)
	}
	whs := []int64{f.wh, wh2.ID}
	var items []int64
	for i := range 10 {
		it := f.item(fmt.Sprintf("Item %d", i), fmt.Sprintf("S%d", i))
		items = append(items, it.ID)
		for _, w := range whs {
			if _, err := f.st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "V", Date: time.Now(),
				Lines: []inventory.Line{{ItemID: it.ID, WarehouseID: w, Quantity: 20}}}, f.user); err != nil {
				t.Fatal(err)
			}
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	refused, done := 0, 0
	jobs := make(chan int)
	for range 20 {
		wg.Go(func() {
			for n := range jobs {
				r := rand.New(rand.NewPCG(uint64(n), 7))
				// Lines on 1–3 random items, in random order, to provoke lock-order deadlocks.
				var lines []inventory.Line
				for range 1 + r.IntN(3) {
					lines = append(lines, inventory.Line{ItemID: items[r.IntN(len(items))], WarehouseID: whs[r.IntN(2)], Quantity: 1 + int64(r.IntN(5)), Rate: 100})
				}
				var err error
				switch n % 4 {
				case 0:
					_, err = f.st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "V", Date: time.Now(), Lines: lines}, f.user)
				case 1:
					for i := range lines {
						lines[i].Quantity = -lines[i].Quantity * 2
					}
					_, err = f.st.CreateAdjustment(ctx, inventory.Adjustment{Reason: "Stock count", Date: time.Now(), Lines: lines}, f.user)
				default:
					var id int64
					id, err = f.st.CreateSalesOrder(ctx, inventory.Order{Customer: "C", Date: time.Now(), Lines: lines}, f.user)
					if err == nil {
						o, _ := f.st.SalesOrder(ctx, id)
						typed := map[int64]string{}
						for _, l := range o.Lines {
							typed[l.ID] = fmt.Sprint(l.Quantity)
						}
						if n%3 == 0 {
							_, err = f.st.InvoiceSalesOrder(ctx, id, typed, f.user)
						} else {
							_, err = f.st.PackSalesOrder(ctx, id, typed, true, f.user)
						}
						if n%5 == 0 {
							_ = f.st.CancelSalesOrder(ctx, id, f.user)
						}
					}
				}
				var bz *inventory.BelowZeroError
				mu.Lock()
				switch {
				case errors.As(err, &bz):
					refused++
				case err != nil:
					t.Errorf("document %d: %v", n, err)
				default:
					done++
				}
				mu.Unlock()
			}
		})
	}
	for n := range 200 {
		jobs <- n
	}
	close(jobs)
	wg.Wait()
	checkLedger(t, f.st)
	t.Logf("%d documents done, %d refused below zero", done, refused)
	if done < 100 {
		t.Fatalf("only %d documents went through", done)
	}
}

// Document text is written inline (one round trip); whatever a person
// types must come back exactly and never act as SQL.
func TestDocumentTextRoundTripsExactly(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	it := f.item("Quote", "Q")
	hostile := `O'Brien \'); DROP TABLE items; -- \\ "x" $1 ₤ 日本`
	id, err := f.st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: hostile, Notes: hostile + "\nline 2", Date: time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC),
		Lines: []inventory.Line{{ItemID: it.ID, WarehouseID: f.wh, Quantity: 1, Rate: 1999}}}, f.user)
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.st.PurchaseReceive(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Vendor != hostile || r.Notes != hostile+"\nline 2" || r.ReceivedOn.Format("2006-01-02") != "2026-02-03" || r.Lines[0].Rate != 1999 {
		t.Fatalf("read back %q / %q / %s / %v", r.Vendor, r.Notes, r.ReceivedOn, r.Lines[0].Rate)
	}
	oid, err := f.st.CreateSalesOrder(ctx, inventory.Order{Customer: hostile, Reference: hostile, Date: time.Now(),
		Lines: []inventory.Line{{ItemID: it.ID, WarehouseID: f.wh, Quantity: 1, Rate: 5}}}, f.user)
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := f.st.SalesOrder(ctx, oid); o.Customer != hostile || o.Reference != hostile {
		t.Fatalf("order text %q / %q", o.Customer, o.Reference)
	}
	aid, err := f.st.CreateAdjustment(ctx, inventory.Adjustment{Reason: hostile, Date: time.Now(),
		Lines: []inventory.Line{{ItemID: it.ID, WarehouseID: f.wh, Quantity: 2}}}, f.user)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := f.st.Adjustment(ctx, aid); a.Reason != hostile {
		t.Fatalf("reason %q", a.Reason)
	}
	f.want(it.ID, 3, 1)
}

// Documents travel as parameters of one prepared statement, never as SQL
// text: inside the document's transaction, the connection holds the
// prepared statement, and no statement it prepared contains what the
// person typed.
func TestDocumentsAreWrittenWithRealParameters(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	it := f.item("Param", "P")
	typed := "Vendor typed by a person 7f3a"
	var statements []string
	f.st.SetAvailabilityHook(func(ctx context.Context, tx *sqlx.Tx, ids []int64) error {
		return tx.SelectContext(ctx, &statements, `SELECT statement FROM pg_prepared_statements`)
	})
	if _, err := f.st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: typed, Notes: typed, Date: time.Now(),
		Lines: []inventory.Line{{ItemID: it.ID, WarehouseID: f.wh, Quantity: 4, Rate: 100}}}, f.user); err != nil {
		t.Fatal(err)
	}
	var call bool
	for _, s := range statements {
		if strings.Contains(s, typed) {
			t.Fatalf("a statement holds the typed text: %s", s)
		}
		call = call || strings.Contains(s, "INSERT INTO purchase_receives (vendor, received_on, notes, created_by) VALUES ($7::text")
	}
	if !call {
		t.Fatalf("no prepared receive statement on the document's connection: %q", statements)
	}
	f.want(it.ID, 4, 0)
}

// More writers than pooled connections, all at once on a fresh store: the
// statements are prepared before any transaction holds a connection, so
// none waits for a connection that only a waiting writer could free.
func TestFirstDocumentsOfMoreWritersThanConnectionsAllFinish(t *testing.T) {
	f := newFixture(t)
	it := f.item("Busy", "BZ")
	var wg sync.WaitGroup
	errs := make(chan error, 80)
	for range 80 {
		wg.Go(func() {
			_, err := f.st.CreatePurchaseReceive(t.Context(), inventory.Receive{Vendor: "V", Date: time.Now(),
				Lines: []inventory.Line{{ItemID: it.ID, WarehouseID: f.wh, Quantity: 1, Rate: 1}}}, f.user)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	f.want(it.ID, 80, 0)
}
