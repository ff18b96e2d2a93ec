ALTER TABLE "order" DROP CONSTRAINT IF EXISTS fk_order_parent_id;
