-- Tables and partitioned tables (partitions are attached to their parent, not listed here).
SELECT c.oid,
       n.nspname AS schema_name,
       c.relname AS name,
       obj_description(c.oid, 'pg_class') AS description,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_force,
       pt.partstrat AS partition_strategy,
       CASE WHEN pt.partrelid IS NOT NULL THEN pg_get_partkeydef(c.oid) END AS partition_key,
       c.relpersistence = 'u' AS unlogged,
       c.reloptions AS storage,
       c.relreplident AS replica_identity,
       (SELECT ic.relname::text
        FROM pg_index ix
        JOIN pg_class ic ON ic.oid = ix.indexrelid
        WHERE ix.indrelid = c.oid AND ix.indisreplident) AS replica_index
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
WHERE c.relkind IN ('r', 'p')
  AND NOT c.relispartition
  AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
ORDER BY n.nspname, c.relname;
