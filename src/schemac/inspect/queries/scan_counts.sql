-- The sequential-scan counters of the relations that existed before the migration, as this
-- backend counts them (pending statistics included), taken as the baseline of a transaction.
SELECT c.oid::int8, pg_catalog.pg_stat_get_xact_numscans(c.oid)
FROM pg_catalog.pg_class c
WHERE c.oid = ANY (%s::oid[]) AND c.relkind IN ('r', 'm')
