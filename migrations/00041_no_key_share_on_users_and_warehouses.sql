-- +goose Up
-- Every stock document names a warehouse and a person, nearly always the
-- same few rows (one warehouse, a handful of staff). A foreign key takes a
-- KEY SHARE lock on the referenced row for each row written, so every
-- concurrent document locked the same warehouse and user rows, and each
-- new locker made a new multixact of all the others: work that grew with
-- the square of the documents in flight (a sixth of the documents' speed
-- at 40 at once). Users and warehouses are never deleted (a person is
-- disabled; nothing deletes a warehouse), so the documents' keys to them
-- become a rule instead: their rows refuse deletion. Balances keep their
-- foreign keys: a balance is inserted, and its warehouse checked, the first
-- time an item moves in a warehouse, and every line of a document moves
-- stock, so a document naming no warehouse is still refused as before.
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_warehouse_id_fkey,
    DROP CONSTRAINT stock_movements_created_by_fkey;
ALTER TABLE purchase_receive_lines DROP CONSTRAINT purchase_receive_lines_warehouse_id_fkey;
ALTER TABLE adjustment_lines DROP CONSTRAINT adjustment_lines_warehouse_id_fkey;
ALTER TABLE sales_order_lines DROP CONSTRAINT sales_order_lines_warehouse_id_fkey;
ALTER TABLE purchase_receives DROP CONSTRAINT purchase_receives_created_by_fkey;
ALTER TABLE adjustments DROP CONSTRAINT adjustments_created_by_fkey;
ALTER TABLE sales_orders DROP CONSTRAINT sales_orders_created_by_fkey;
ALTER TABLE packages DROP CONSTRAINT packages_created_by_fkey;
ALTER TABLE invoices DROP CONSTRAINT invoices_created_by_fkey;

-- +goose StatementBegin
CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted: documents name them', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
-- +goose StatementEnd
CREATE TRIGGER users_never_deleted BEFORE DELETE ON users FOR EACH ROW EXECUTE FUNCTION refuse_delete();
CREATE TRIGGER warehouses_never_deleted BEFORE DELETE ON warehouses FOR EACH ROW EXECUTE FUNCTION refuse_delete();
CREATE TRIGGER users_never_truncated BEFORE TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete();
CREATE TRIGGER warehouses_never_truncated BEFORE TRUNCATE ON warehouses FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete();

-- +goose Down
DROP TRIGGER warehouses_never_truncated ON warehouses;
DROP TRIGGER users_never_truncated ON users;
DROP TRIGGER warehouses_never_deleted ON warehouses;
DROP TRIGGER users_never_deleted ON users;
DROP FUNCTION refuse_delete();
ALTER TABLE invoices ADD CONSTRAINT invoices_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id);
ALTER TABLE packages ADD CONSTRAINT packages_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id);
ALTER TABLE sales_orders ADD CONSTRAINT sales_orders_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id);
ALTER TABLE adjustments ADD CONSTRAINT adjustments_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id);
ALTER TABLE purchase_receives ADD CONSTRAINT purchase_receives_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id);
ALTER TABLE sales_order_lines ADD CONSTRAINT sales_order_lines_warehouse_id_fkey FOREIGN KEY (warehouse_id) REFERENCES warehouses (id);
ALTER TABLE adjustment_lines ADD CONSTRAINT adjustment_lines_warehouse_id_fkey FOREIGN KEY (warehouse_id) REFERENCES warehouses (id);
ALTER TABLE purchase_receive_lines ADD CONSTRAINT purchase_receive_lines_warehouse_id_fkey FOREIGN KEY (warehouse_id) REFERENCES warehouses (id);
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id),
    ADD CONSTRAINT stock_movements_warehouse_id_fkey FOREIGN KEY (warehouse_id) REFERENCES warehouses (id);
