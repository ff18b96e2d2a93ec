-- Primary keys, unique, check and foreign-key constraints declared on the tables themselves:
-- clones PostgreSQL makes on partitions (and FK rows per referenced partition) have a parent.
-- With %(on_partitions)s true: the foreign keys declared on a partition itself (not cloned from
-- its parent), table_oid being the partition's.
-- Key columns are resolved set-wise (one join for all constraints), not per constraint.
WITH cons AS (
  SELECT con.*
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE con.conparentid = 0
    AND c.relispartition = %(on_partitions)s
    AND CASE WHEN %(on_partitions)s
          THEN con.contype = 'f' AND c.relkind = 'r'
          ELSE con.contype IN ('p', 'u', 'c', 'f') AND c.relkind IN ('r', 'p') END
    AND n.nspname = ANY(%(schemas)s)
),
keys AS (
  SELECT cons.oid, array_agg(a.attname::text ORDER BY k.i) AS columns
  FROM cons
  CROSS JOIN LATERAL unnest(cons.conkey) WITH ORDINALITY AS k(attnum, i)
  JOIN pg_attribute a ON a.attrelid = cons.conrelid AND a.attnum = k.attnum
  GROUP BY cons.oid
),
ref_keys AS (
  SELECT cons.oid, array_agg(a.attname::text ORDER BY k.i) AS columns
  FROM cons
  CROSS JOIN LATERAL unnest(cons.confkey) WITH ORDINALITY AS k(attnum, i)
  JOIN pg_attribute a ON a.attrelid = cons.confrelid AND a.attnum = k.attnum
  WHERE cons.contype = 'f'
  GROUP BY cons.oid
)
SELECT cons.conrelid AS table_oid,
       cons.conname AS name,
       cons.contype AS kind,
       keys.columns,
       rn.nspname AS ref_schema,
       rc.relname AS ref_table,
       ref_keys.columns AS ref_columns,
       cons.confdeltype AS on_delete,
       cons.confupdtype AS on_update,
       cons.condeferrable AS deferrable,
       cons.condeferred AS initially_deferred,
       CASE WHEN cons.contype = 'c' THEN pg_get_expr(cons.conbin, cons.conrelid, true) END
         AS expression,
       cons.convalidated AS valid,
       obj_description(cons.oid, 'pg_constraint') AS description
FROM cons
LEFT JOIN keys ON keys.oid = cons.oid
LEFT JOIN ref_keys ON ref_keys.oid = cons.oid
LEFT JOIN pg_class rc ON rc.oid = cons.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
ORDER BY cons.conrelid, cons.conname;
