-- What the spec format cannot say yet about the tables, partitions, views and materialized views
-- it imports, and about their columns: one row per (object, detail).
WITH rel AS (
  SELECT c.*, n.nspname
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm')
    AND n.nspname = ANY(%(schemas)s)
    AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
    )
),
labelled AS (
  SELECT rel.*,
         CASE WHEN rel.relispartition THEN 'partition'
              WHEN rel.relkind IN ('r', 'p') THEN 'table'
              WHEN rel.relkind = 'v' THEN 'view'
              ELSE 'materialized view' END AS what,
         CASE WHEN rel.relispartition
              THEN (SELECT p.relname || '.' FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                    WHERE i.inhrelid = rel.oid) || rel.relname
              ELSE rel.relname::text END AS label
  FROM rel
)
SELECT what AS kind, nspname AS schema_name, label AS name, false AS whole, detail
FROM labelled
CROSS JOIN LATERAL (
  -- a table's UNLOGGED and WITH (...) are in the format; a partition's or a view's are not
  SELECT 'UNLOGGED' WHERE relpersistence = 'u' AND (relkind <> 'r' OR relispartition)
  UNION ALL SELECT 'WITH (' || array_to_string(reloptions, ', ') || ')'
    WHERE reloptions IS NOT NULL AND (relkind <> 'r' OR relispartition)
  UNION ALL SELECT 'TABLESPACE ' || (SELECT spcname FROM pg_tablespace WHERE oid = reltablespace)
    WHERE reltablespace <> 0
  UNION ALL SELECT 'USING ' || (SELECT amname FROM pg_am WHERE oid = relam)
    WHERE relkind IN ('r', 'm') AND relam <> 0 AND relam <> (SELECT oid FROM pg_am WHERE amname = 'heap')
  UNION ALL SELECT 'OF ' || format_type(reloftype, NULL) WHERE reloftype <> 0
  -- a table's REPLICA IDENTITY is in the format (replica_identity:); a partition's is not
  UNION ALL SELECT 'REPLICA IDENTITY ' || CASE relreplident WHEN 'n' THEN 'NOTHING' WHEN 'f' THEN 'FULL'
                                              ELSE 'USING INDEX' END
    WHERE relkind IN ('r', 'p') AND relreplident <> 'd' AND relispartition
  UNION ALL SELECT 'INHERITS (' || string_agg(p.oid::regclass::text, ', ' ORDER BY i.inhseqno) || ')'
    FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
    WHERE i.inhrelid = labelled.oid AND NOT labelled.relispartition
    HAVING count(*) > 0
  UNION ALL SELECT 'CLUSTER ON ' || ic.relname
    FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
    WHERE x.indrelid = labelled.oid AND x.indisclustered
  UNION ALL SELECT 'ROW LEVEL SECURITY' WHERE relispartition AND (relrowsecurity OR relforcerowsecurity)
  UNION ALL SELECT 'COMMENT' WHERE relispartition AND obj_description(oid, 'pg_class') IS NOT NULL
  UNION ALL SELECT 'its own schema (the parent is in ' || pn.nspname || ')'
    FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
    WHERE i.inhrelid = labelled.oid AND labelled.relispartition AND p.relnamespace <> labelled.relnamespace
) AS found(detail)
UNION ALL
SELECT 'column', labelled.nspname, labelled.label || '.' || a.attname, false, detail
FROM labelled
JOIN pg_attribute a ON a.attrelid = labelled.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attribute pa  -- the same column of a partition's parent
  ON labelled.relispartition AND pa.attname = a.attname
  AND pa.attrelid = (SELECT inhparent FROM pg_inherits WHERE inhrelid = labelled.oid)
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_attrdef pad ON pad.adrelid = pa.attrelid AND pad.adnum = pa.attnum
CROSS JOIN LATERAL (
  SELECT 'SET STATISTICS ' || a.attstattarget
    WHERE a.attstattarget >= 0 AND (labelled.relkind <> 'r' OR labelled.relispartition)
  UNION ALL SELECT 'SET (' || array_to_string(a.attoptions, ', ') || ')'
    WHERE a.attoptions IS NOT NULL AND (labelled.relkind <> 'r' OR labelled.relispartition)
  UNION ALL SELECT 'SET STORAGE ' || CASE a.attstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL'
                                         WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END
    WHERE a.attstorage <> t.typstorage AND labelled.relkind IN ('r', 'p', 'm')
  UNION ALL SELECT 'COMPRESSION ' || CASE a.attcompression WHEN 'p' THEN 'pglz' ELSE 'lz4' END
    WHERE a.attcompression <> ''
  UNION ALL SELECT 'COMMENT' WHERE (labelled.relkind IN ('v', 'm') OR labelled.relispartition)
    AND col_description(labelled.oid, a.attnum) IS NOT NULL
  UNION ALL SELECT 'DEFAULT ' || pg_get_expr(ad.adbin, 0) WHERE labelled.relkind = 'v' AND ad.oid IS NOT NULL
  UNION ALL SELECT 'its own DEFAULT ' || coalesce(pg_get_expr(ad.adbin, 0), 'NULL')
    WHERE labelled.relispartition AND a.attgenerated = ''
      AND pg_get_expr(ad.adbin, 0) IS DISTINCT FROM pg_get_expr(pad.adbin, 0)
  UNION ALL SELECT 'its own NOT NULL' WHERE labelled.relispartition AND a.attnotnull AND NOT pa.attnotnull
) AS found(detail)
ORDER BY 1, 2, 3, 5;
