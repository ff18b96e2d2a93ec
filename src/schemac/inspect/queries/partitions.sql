-- Partitions of the selected partitioned tables, sub-partitions included (the whole tree, each
-- row under its direct parent), with their bound as PostgreSQL prints it and, for a partition
-- that is itself partitioned, its partition key.
WITH RECURSIVE tree AS (
  SELECT inh.inhparent, inh.inhrelid
  FROM pg_inherits inh
  JOIN pg_class p ON p.oid = inh.inhparent
  JOIN pg_namespace n ON n.oid = p.relnamespace
  WHERE p.relkind = 'p'
    AND NOT p.relispartition
    AND n.nspname = ANY(%(schemas)s)
  UNION ALL
  SELECT inh.inhparent, inh.inhrelid
  FROM tree
  JOIN pg_inherits inh ON inh.inhparent = tree.inhrelid
)
SELECT tree.inhparent AS table_oid,
       c.oid AS partition_oid,
       c.relname AS name,
       pg_get_expr(c.relpartbound, c.oid) AS bound,
       pt.partstrat AS partition_strategy,
       CASE WHEN pt.partrelid IS NOT NULL THEN pg_get_partkeydef(c.oid) END AS partition_key
FROM tree
JOIN pg_class c ON c.oid = tree.inhrelid
LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
WHERE c.relispartition
  AND c.relkind IN ('r', 'p')
ORDER BY tree.inhparent, c.relname;
