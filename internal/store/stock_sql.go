package store

import "strconv"

// Each stock document is one SQL statement of data-modifying CTEs: the
// document's rows, its ledger rows, balances and item totals, with every
// value a parameter. (Written as functions calling functions before, each
// of its ten or so statements paid a plan lookup, a snapshot and an
// executor of its own: a quarter of a document's work.)
//
// Parameters, the same for every document: $1–$4 the movements as four
// arrays (item, warehouse, on-hand and committed changes), $5 the items
// whose available quantity changes (their listings are marked for the
// stock push), $6 the person; the document's own from $7. A document of an
// order names the order in $7, which a CTE "held" gives the rest: in a
// transaction the order is locked already (lockOrder); alone, held locks
// it and checks its row versions, in the parameter after the document's
// own (sales_order_unchanged, migration 00039).
//
// Lock order, as every path takes it: the order and its lines, then
// balances in (item, warehouse) order, then item totals in item order,
// then listings. CTEs run as their rows are first needed, so the order is
// made by dependence: net reads doc (which reads held), totals waits for
// short (which reads every balance), and the marks and the final check
// read written (every total).

type documentSQL struct {
	args     int    // how many parameters of its own, from $7
	order    bool   // $7 is an order, held gives it
	with     string // its CTEs, the first of them doc(id): the document's id
	kind     string // the ledger's doc_kind (SQL)
	ledgerID string // the ledger's doc_id (SQL)
}

const docID = `(SELECT id FROM doc)`
const heldOrder = `(SELECT order_id FROM held)`

var documents = map[string]documentSQL{
	"receive": {args: 7, kind: `'receive'`, ledgerID: docID, with: `doc AS (
		INSERT INTO purchase_receives (vendor, received_on, notes, created_by) VALUES ($7::text, $8::date, $9::text, $6::bigint) RETURNING id
	), lines AS (
		INSERT INTO purchase_receive_lines (receive_id, item_id, warehouse_id, quantity, rate)
		SELECT doc.id, i, w, q, r FROM doc, unnest($10::bigint[], $11::bigint[], $12::bigint[], $13::numeric[]) AS u(i, w, q, r)
	)`},
	"adjustment": {args: 6, kind: `'adjustment'`, ledgerID: docID, with: `doc AS (
		INSERT INTO adjustments (reason, adjusted_on, notes, created_by) VALUES ($7::text, $8::date, $9::text, $6::bigint) RETURNING id
	), lines AS (
		INSERT INTO adjustment_lines (adjustment_id, item_id, warehouse_id, quantity)
		SELECT doc.id, i, w, q FROM doc, unnest($10::bigint[], $11::bigint[], $12::bigint[]) AS u(i, w, q)
	)`},
	// A new order's list facts follow from its quantities: it is written once.
	"order": {args: 7, kind: `'order'`, ledgerID: docID, with: `doc AS (
		INSERT INTO sales_orders (customer, ordered_on, reference, source, created_by,
			any_shipped, all_shipped, all_invoiced, any_to_pack, any_packed_package)
		SELECT $7::text, $8::date, $9::text, 'manual', $6::bigint, false, NOT units, NOT units, units, false
		FROM (SELECT coalesce(bool_or(q > 0), false) AS units FROM unnest($12::bigint[]) AS u(q)) u
		RETURNING id
	), lines AS (
		INSERT INTO sales_order_lines (order_id, line_no, item_id, warehouse_id, quantity, rate)
		SELECT doc.id, n, i, w, q, r FROM doc, unnest($10::bigint[], $11::bigint[], $12::bigint[], $13::numeric[]) WITH ORDINALITY AS u(i, w, q, r, n)
	)`},
	// The opening stock of a new item ($7 the ledger's kind, $8 the item).
	"apply": {args: 2, kind: `$7::text`, ledgerID: `$8::bigint`, with: `doc AS (SELECT $8::bigint AS id)`},
	"cancel": {args: 1, order: true, kind: `'cancel'`, ledgerID: heldOrder, with: `doc AS (
		UPDATE sales_orders SET status = 'cancelled', updated_at = now() WHERE id = ` + heldOrder + ` RETURNING id
	)`},
	// $8 ships at once, $9 the order's status then, $10 and $11 the order
	// lines and their quantities. The document's id is the package's.
	"pack": {args: 5, order: true, kind: `'shipment'`, ledgerID: heldOrder, with: `doc AS (
		INSERT INTO packages (order_id, status, created_by, shipped_at)
		SELECT order_id, CASE WHEN $8::boolean THEN 'shipped' ELSE 'packed' END, $6::bigint, CASE WHEN $8::boolean THEN now() END FROM held
		RETURNING id
	), packed_lines AS (
		INSERT INTO package_lines (package_id, order_line_id, quantity)
		SELECT doc.id, l, q FROM doc, unnest($10::bigint[], $11::bigint[]) AS u(l, q)
	), lines AS (
		UPDATE sales_order_lines SET packed = packed + u.q, shipped = shipped + CASE WHEN $8 THEN u.q ELSE 0 END
		FROM unnest($10::bigint[], $11::bigint[]) AS u(l, q) WHERE id = u.l
		RETURNING id, quantity, packed, shipped, invoiced
	), facts AS (` + orderFactsSQL(`CASE WHEN $8::boolean THEN $9::text END`, `o.any_packed_package OR NOT $8::boolean`) + `)`},
	// A package packed earlier, which the caller marked shipped in this
	// transaction: $8 the order's status then, $9 and $10 lines and units.
	"ship": {args: 4, order: true, kind: `'shipment'`, ledgerID: heldOrder, with: `doc AS (SELECT order_id AS id FROM held),
	lines AS (
		UPDATE sales_order_lines SET shipped = shipped + u.q FROM unnest($9::bigint[], $10::bigint[]) AS u(l, q) WHERE id = u.l
		RETURNING id, quantity, packed, shipped, invoiced
	), facts AS (` + orderFactsSQL(`$8::text`, `EXISTS (SELECT 1 FROM packages p WHERE p.order_id = o.id AND p.status = 'packed')`) + `)`},
	"invoice": {args: 4, order: true, kind: `'invoice'`, ledgerID: heldOrder, with: `doc AS (
		INSERT INTO invoices (order_id, created_by) SELECT order_id, $6::bigint FROM held RETURNING id
	), invoiced_lines AS (
		INSERT INTO invoice_lines (invoice_id, order_line_id, quantity)
		SELECT doc.id, l, q FROM doc, unnest($9::bigint[], $10::bigint[]) AS u(l, q)
	), lines AS (
		UPDATE sales_order_lines SET invoiced = invoiced + u.q FROM unnest($9::bigint[], $10::bigint[]) AS u(l, q) WHERE id = u.l
		RETURNING id, quantity, packed, shipped, invoiced
	), facts AS (` + orderFactsSQL(`$8::text`, `o.any_packed_package`) + `)`},
}

// orderFactsSQL writes the held order's list facts (migration 00026) from
// its lines as the CTE lines leaves them (a CTE's changes are not seen by
// its siblings: the changed lines come from its RETURNING), with status
// when it is not NULL and packedPackage.
func orderFactsSQL(status, packedPackage string) string {
	return `UPDATE sales_orders o SET any_shipped = f.any_shipped, all_shipped = f.all_shipped,
			all_invoiced = f.all_invoiced, any_to_pack = f.any_to_pack, any_packed_package = ` + packedPackage + `,
			status = coalesce(` + status + `, o.status), updated_at = CASE WHEN ` + status + ` IS NULL THEN o.updated_at ELSE now() END
		FROM (SELECT coalesce(bool_or(shipped > 0), false) AS any_shipped, coalesce(bool_and(shipped >= quantity), true) AS all_shipped,
				coalesce(bool_and(invoiced >= quantity), true) AS all_invoiced, coalesce(bool_or(packed < quantity), false) AS any_to_pack
			FROM (SELECT quantity, packed, shipped, invoiced FROM lines
				UNION ALL SELECT quantity, packed, shipped, invoiced FROM sales_order_lines
				WHERE order_id = ` + heldOrder + ` AND id NOT IN (SELECT id FROM lines)) l) f
		WHERE o.id = ` + heldOrder
}

// ledgerSQL is the CTEs every document ends with: its ledger rows, the
// net change per balance, the balances, the first balance a decrease took
// below zero (short), and the item totals (not written when one is short:
// the document is refused), then written, their count.
func ledgerSQL(d documentSQL) string {
	moves := `unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS m(i, w, o, c)`
	return `ledger AS (
		INSERT INTO stock_movements (item_id, warehouse_id, on_hand_delta, committed_delta, doc_kind, doc_id, created_by)
		SELECT i, w, o, c, ` + d.kind + `, ` + d.ledgerID + `, $6::bigint FROM ` + moves + `
	), net AS (
		SELECT i, w, sum(o)::bigint AS o, sum(c)::bigint AS c FROM doc, ` + moves + ` GROUP BY i, w
	), balances AS (
		INSERT INTO stock_balances AS b (item_id, warehouse_id, on_hand, committed)
		SELECT i, w, o, c FROM net ORDER BY i, w
		ON CONFLICT (item_id, warehouse_id) DO UPDATE
			SET on_hand = b.on_hand + EXCLUDED.on_hand, committed = b.committed + EXCLUDED.committed
		RETURNING b.item_id, b.warehouse_id, b.on_hand
	), short AS (
		SELECT b.item_id, b.warehouse_id, b.on_hand - n.o AS on_hand, -n.o AS remove
		FROM balances b JOIN net n ON n.i = b.item_id AND n.w = b.warehouse_id
		WHERE b.on_hand < 0 AND n.o < 0 ORDER BY 1, 2 LIMIT 1
	), totals AS (
		INSERT INTO item_stock AS t (item_id, on_hand, committed)
		SELECT i, sum(o)::bigint, sum(c)::bigint FROM net WHERE NOT EXISTS (SELECT 1 FROM short) GROUP BY i ORDER BY i
		ON CONFLICT (item_id) DO UPDATE SET on_hand = t.on_hand + EXCLUDED.on_hand, committed = t.committed + EXCLUDED.committed
		RETURNING 1
	), written AS (SELECT count(*) AS n FROM totals)`
}

// documentCall is the document's statement in a transaction: it returns
// the document's id, the first short balance (NULLs when none) and the
// channels of the listings it marked for the stock push (none when a
// balance is short: the document is refused).
func documentCall(name string) string {
	d := documents[name]
	held := ""
	if d.order {
		held = `held AS (SELECT $7::bigint AS order_id), `
	}
	return `WITH ` + held + d.with + `, ` + ledgerSQL(d) + `
	SELECT doc.id, short.item_id, short.warehouse_id, short.on_hand, short.remove,
		CASE WHEN short.item_id IS NULL AND written.n >= 0 THEN stock_mark($5) END AS channels
	FROM doc CROSS JOIN written LEFT JOIN short ON true`
}

// documentAlone is the document's statement committing on its own: it
// returns the document's id, or fails with SS001, SS002 or SS003 when the
// document needs a transaction (stock_commit_alone, sales_order_unchanged).
func documentAlone(name string) string {
	d := documents[name]
	held := ""
	if d.order {
		held = `held AS (SELECT sales_order_unchanged($7::bigint, $` + strconv.Itoa(7+d.args) + `::text[]) AS order_id), `
	}
	return `WITH ` + held + d.with + `, ` + ledgerSQL(d) + `
	SELECT doc.id FROM doc CROSS JOIN written LEFT JOIN short ON true
	CROSS JOIN LATERAL stock_commit_alone(CASE WHEN written.n >= 0 THEN short.item_id END, $5) a`
}

// documentNames lists the documents, for preparing their statements.
func documentNames() []string {
	names := make([]string, 0, len(documents))
	for n := range documents {
		names = append(names, n)
	}
	return names
}
