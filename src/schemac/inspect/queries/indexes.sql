-- Indexes of tables and materialized views, except those backing a PK/UNIQUE/EXCLUDE constraint
-- (those are the constraints). With %(on_partitions)s false: the tables' and views' own; with it
-- true: those declared on a partition itself (not attached to an index of its parent, as the
-- clones PostgreSQL makes are), table_oid being the partition's.
-- indoption bits: 1 = DESC, 2 = NULLS FIRST. pg_get_indexdef() is asked only for expression keys.
WITH idx AS (
  SELECT i.*, ic.relname AS name, am.amname AS method, ic.reloptions AS storage
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_am am ON am.oid = ic.relam
  WHERE c.relispartition = %(on_partitions)s
    AND CASE WHEN %(on_partitions)s
          THEN c.relkind = 'r'
               AND NOT EXISTS (SELECT 1 FROM pg_inherits ii WHERE ii.inhrelid = i.indexrelid)
          ELSE c.relkind IN ('r', 'p', 'm') END
    AND n.nspname = ANY(%(schemas)s)
    AND NOT EXISTS (
      SELECT 1 FROM pg_constraint con
      WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
        AND con.contype IN ('p', 'u', 'x')
    )
),
parts AS (
  SELECT idx.indexrelid,
         json_agg(json_build_object(
           'column', a.attname,
           'text', CASE WHEN a.attname IS NULL THEN pg_get_indexdef(idx.indexrelid, k.k, true) END,
           'option', idx.indoption[k.k - 1],
           'opclass', CASE WHEN NOT oc.opcdefault THEN
             CASE WHEN ocn.nspname IN ('pg_catalog', 'public') THEN oc.opcname::text
                  ELSE ocn.nspname || '.' || oc.opcname END END
         ) ORDER BY k.k) AS parts
  FROM idx
  CROSS JOIN LATERAL generate_series(1, idx.indnatts) AS k(k)
  LEFT JOIN pg_attribute a ON a.attrelid = idx.indrelid AND a.attnum = idx.indkey[k.k - 1]
  LEFT JOIN pg_opclass oc ON oc.oid = idx.indclass[k.k - 1]
  LEFT JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
  GROUP BY idx.indexrelid
)
SELECT idx.indrelid AS table_oid,
       idx.name,
       idx.indisunique AS is_unique,
       idx.method,
       idx.indnkeyatts AS key_count,
       pg_get_expr(idx.indpred, idx.indrelid, true) AS predicate,
       parts.parts,
       idx.storage,
       (SELECT array_agg(ARRAY[ia.attnum::int, ia.attstattarget::int] ORDER BY ia.attnum)
        FROM pg_attribute ia
        WHERE ia.attrelid = idx.indexrelid AND ia.attnum > 0 AND ia.attstattarget >= 0)
         AS statistics
FROM idx
JOIN parts ON parts.indexrelid = idx.indexrelid
ORDER BY idx.indrelid, idx.name;
