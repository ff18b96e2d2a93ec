-- Relations that exist before a migration, with their storage (relfilenode).
-- Toast tables are storage details of their table: their locks and rewrites follow the table's.
-- 16384 is FirstNormalObjectId: below it are the system's own objects.
SELECT c.oid::int8, c.relfilenode::int8, c.oid::regclass::text
FROM pg_catalog.pg_class c
WHERE c.oid >= 16384 AND c.relnamespace <> 'pg_toast'::regnamespace
