-- Direct partitions of the selected partitioned tables, with their bound as PostgreSQL prints it.
SELECT inh.inhparent AS table_oid,
       c.oid AS partition_oid,
       c.relname AS name,
       pg_get_expr(c.relpartbound, c.oid) AS bound
FROM pg_inherits inh
JOIN pg_class c ON c.oid = inh.inhrelid
JOIN pg_class p ON p.oid = inh.inhparent
JOIN pg_namespace n ON n.oid = p.relnamespace
WHERE c.relispartition
  AND c.relkind IN ('r', 'p')
  AND NOT p.relispartition
  AND n.nspname = ANY(%(schemas)s)
ORDER BY inh.inhparent, c.relname;
