-- Primary keys, unique, check, exclusion and foreign-key constraints declared on the tables
-- themselves:
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
          ELSE con.contype IN ('p', 'u', 'c', 'f', 'x') AND c.relkind IN ('r', 'p') END
    AND n.nspname = ANY(%(schemas)s)
),
keys AS (
  SELECT cons.oid, array_agg(a.attname::text ORDER BY k.i) AS columns
  FROM cons
  CROSS JOIN LATERAL unnest(cons.conkey) WITH ORDINALITY AS k(attnum, i)
  JOIN pg_attribute a ON a.attrelid = cons.conrelid AND a.attnum = k.attnum
  GROUP BY cons.oid
),
-- an exclusion constraint's index: its method, predicate, INCLUDE columns, and each element
-- (a column, or the expression's text) with its operator (conexclop, 1-based) and its operator
-- class when not the type's default (bare in pg_catalog and public, as indexes.sql writes it)
exclusions AS (
  SELECT cons.oid,
         json_build_object(
           'method', am.amname,
           'where', pg_get_expr(i.indpred, i.indrelid, true),
           'include', (SELECT array_agg(a.attname::text ORDER BY k.k)
                       FROM generate_series(i.indnkeyatts + 1, i.indnatts) AS k(k)
                       JOIN pg_attribute a
                         ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.k - 1]),
           'elements', (SELECT json_agg(json_build_object(
               'column', a.attname,
               'text', CASE WHEN a.attname IS NULL THEN pg_get_indexdef(i.indexrelid, k.k, true) END,
               'opclass', CASE WHEN NOT oc.opcdefault THEN
                 CASE WHEN ocn.nspname IN ('pg_catalog', 'public') THEN oc.opcname::text
                      ELSE ocn.nspname || '.' || oc.opcname END END,
               'operator', op.oprname,
               'operator_schema',
                 CASE WHEN opn.nspname IN ('pg_catalog', 'public') THEN NULL ELSE opn.nspname END
             ) ORDER BY k.k)
             FROM generate_series(1, i.indnkeyatts) AS k(k)
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.k - 1]
             LEFT JOIN pg_opclass oc ON oc.oid = i.indclass[k.k - 1]
             LEFT JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
             JOIN pg_operator op ON op.oid = cons.conexclop[k.k]
             JOIN pg_namespace opn ON opn.oid = op.oprnamespace)
         ) AS exclusion
  FROM cons
  JOIN pg_index i ON i.indexrelid = cons.conindid
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_am am ON am.oid = ic.relam
  WHERE cons.contype = 'x'
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
       obj_description(cons.oid, 'pg_constraint') AS description,
       exclusions.exclusion
FROM cons
LEFT JOIN keys ON keys.oid = cons.oid
LEFT JOIN ref_keys ON ref_keys.oid = cons.oid
LEFT JOIN exclusions ON exclusions.oid = cons.oid
LEFT JOIN pg_class rc ON rc.oid = cons.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
ORDER BY cons.conrelid, cons.conname;
