-- One round trip per statement: the relation locks this backend holds, the current storage
-- (relfilenode) of each locked relation, since nothing is rewritten without a lock on it, and
-- the sequential scans of each in this transaction so far (a validation scan counts as one).
-- Relations that no longer exist come back with a NULL name (resolved from the snapshot).
-- 16384 is FirstNormalObjectId: below it are the system's own objects.
WITH held AS MATERIALIZED (
  SELECT l.relation, l.mode
  FROM pg_catalog.pg_locks l
  WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted
    AND l.relation >= 16384
    AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
)
SELECT 'lock', h.relation::int8, c.oid::regclass::text, h.mode
FROM held h
LEFT JOIN pg_catalog.pg_class c ON c.oid = h.relation
WHERE c.relnamespace IS DISTINCT FROM 'pg_toast'::regnamespace
UNION ALL
SELECT 'storage', c.oid::int8, c.oid::regclass::text, c.relfilenode::text
FROM pg_catalog.pg_class c
WHERE c.oid IN (SELECT relation FROM held)
UNION ALL
SELECT 'scans', c.oid::int8, c.oid::regclass::text, pg_catalog.pg_stat_get_xact_numscans(c.oid)::text
FROM pg_catalog.pg_class c
WHERE c.oid IN (SELECT relation FROM held) AND c.relkind IN ('r', 'm')
