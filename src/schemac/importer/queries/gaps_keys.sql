-- What the spec format cannot say yet about constraints and indexes: constraint kinds and options
-- it has no key for, options of the indexes behind keys, index options, comments, and the
-- constraints and indexes declared on partitions themselves (not cloned from the parent).
WITH rel AS (
  SELECT c.oid, c.relname, c.relkind, c.relispartition, n.nspname,
         -- a direct partition of a table that is not one itself: the format says the foreign
         -- keys and indexes declared on it
         c.relispartition AND c.relkind = 'r' AND NOT EXISTS (
           SELECT 1 FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
           WHERE i.inhrelid = c.oid AND p.relispartition
         ) AS own_objects,
         CASE WHEN c.relispartition
              THEN (SELECT p.relname || '.' FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                    WHERE i.inhrelid = c.oid) || c.relname
              ELSE c.relname::text END AS label
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'm')
    AND n.nspname = ANY(%(schemas)s)
    AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
    )
),
cons AS (
  SELECT con.*, rel.nspname, rel.label, rel.relispartition
  FROM pg_constraint con
  JOIN rel ON rel.oid = con.conrelid
  WHERE con.contype IN ('p', 'u', 'c', 'f', 'x')
    AND con.conparentid = 0
    AND con.conislocal
    AND NOT (con.contype = 'f' AND rel.own_objects)
),
idx AS (
  SELECT x.*, ic.relname AS name, ic.reloptions, ic.reltablespace, am.amname, rel.nspname,
         rel.label, rel.relispartition, rel.own_objects,
         (to_jsonb(x) ->> 'indnullsnotdistinct')::boolean AS nulls_not_distinct,
         (SELECT con.oid FROM pg_constraint con
          WHERE con.conindid = x.indexrelid AND con.conrelid = x.indrelid
            AND con.contype IN ('p', 'u', 'x')) AS constraint_oid
  FROM pg_index x
  JOIN rel ON rel.oid = x.indrelid
  JOIN pg_class ic ON ic.oid = x.indexrelid
  JOIN pg_am am ON am.oid = ic.relam
),
index_details AS (
  SELECT idx.indexrelid, found.detail
  FROM idx
  CROSS JOIN LATERAL (
    SELECT 'NULLS NOT DISTINCT' WHERE idx.nulls_not_distinct
    -- an index's WITH (...) is in the format; that of the index behind a key is not
    UNION ALL SELECT 'WITH (' || array_to_string(idx.reloptions, ', ') || ')'
      WHERE idx.reloptions IS NOT NULL AND idx.constraint_oid IS NOT NULL
    UNION ALL SELECT 'TABLESPACE ' || (SELECT spcname FROM pg_tablespace WHERE oid = idx.reltablespace)
      WHERE idx.reltablespace <> 0
    UNION ALL SELECT 'USING ' || idx.amname
      WHERE idx.amname NOT IN ('btree', 'hash', 'gin', 'gist', 'brin', 'spgist')
    UNION ALL SELECT 'COLLATE ' || co.collname || ' on ' || a.attname
      FROM generate_series(1, idx.indnkeyatts) AS k(k)
      JOIN pg_attribute a ON a.attrelid = idx.indrelid AND a.attnum = idx.indkey[k.k - 1]
      JOIN pg_collation co ON co.oid = idx.indcollation[k.k - 1]
      WHERE idx.indcollation[k.k - 1] <> a.attcollation
    UNION ALL SELECT 'operator class options (' || array_to_string(ia.attoptions, ', ') || ') on key '
                     || ia.attnum
      FROM pg_attribute ia WHERE ia.attrelid = idx.indexrelid AND ia.attoptions IS NOT NULL
    -- an index's SET STATISTICS is in the format; that of the index behind a key is not
    UNION ALL SELECT 'SET STATISTICS ' || ia.attstattarget || ' on key ' || ia.attnum
      FROM pg_attribute ia
      WHERE ia.attrelid = idx.indexrelid AND ia.attnum > 0 AND ia.attstattarget >= 0
        AND idx.constraint_oid IS NOT NULL
    UNION ALL SELECT 'COMMENT' WHERE obj_description(idx.indexrelid, 'pg_class') IS NOT NULL
  ) AS found(detail)
)
-- constraints: kinds and options with no key in the format
SELECT CASE WHEN cons.contype = 'x' THEN 'exclusion constraint' ELSE 'constraint' END AS kind,
       cons.nspname AS schema_name,
       cons.conname || ' on ' || cons.label AS name,
       cons.relispartition AS whole,
       found.detail
FROM cons
CROSS JOIN LATERAL (
  SELECT 'declared on the partition: ' || pg_get_constraintdef(cons.oid, true)
    WHERE cons.relispartition
  -- an exclusion element's ASC/DESC, NULLS FIRST/LAST (indoption bits 1 and 2)
  UNION ALL SELECT 'ordering of element ' || k.k || ' (' || pg_get_constraintdef(cons.oid, true) || ')'
    FROM idx CROSS JOIN LATERAL generate_series(1, idx.indnkeyatts) AS k(k)
    WHERE idx.constraint_oid = cons.oid AND cons.contype = 'x' AND NOT cons.relispartition
      AND idx.indoption[k.k - 1] <> 0
  UNION ALL SELECT CASE cons.confmatchtype WHEN 'f' THEN 'MATCH FULL' ELSE 'MATCH PARTIAL' END
    WHERE cons.contype = 'f' AND cons.confmatchtype <> 's' AND NOT cons.relispartition
  UNION ALL SELECT 'ON DELETE SET ... (column list)'
    WHERE to_jsonb(cons) ->> 'confdelsetcols' IS NOT NULL AND NOT cons.relispartition
  UNION ALL SELECT 'NO INHERIT' WHERE cons.contype = 'c' AND cons.connoinherit AND NOT cons.relispartition
  UNION ALL SELECT CASE WHEN cons.condeferred THEN 'DEFERRABLE INITIALLY DEFERRED' ELSE 'DEFERRABLE' END
    WHERE cons.condeferrable AND cons.contype = 'p' AND NOT cons.relispartition
  UNION ALL SELECT 'INCLUDE (...)' FROM idx
    WHERE idx.constraint_oid = cons.oid AND idx.indnkeyatts < idx.indnatts
      AND cons.contype IN ('p', 'u') AND NOT cons.relispartition
  UNION ALL SELECT 'index ' || d.detail FROM idx JOIN index_details d ON d.indexrelid = idx.indexrelid
    WHERE idx.constraint_oid = cons.oid AND cons.contype IN ('p', 'u', 'x') AND NOT cons.relispartition
) AS found(detail)
UNION ALL
-- indexes declared on a partition, not attached to an index of its parent
SELECT 'index', idx.nspname, idx.name, true,
       'declared on the partition ' || idx.label || ': ' || pg_get_indexdef(idx.indexrelid)
FROM idx
WHERE idx.relispartition
  AND NOT idx.own_objects
  AND idx.constraint_oid IS NULL
  AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = idx.indexrelid)
UNION ALL
-- options of the indexes the format does import
SELECT 'index', idx.nspname, idx.name, false, d.detail
FROM idx
JOIN index_details d ON d.indexrelid = idx.indexrelid
WHERE idx.constraint_oid IS NULL
  AND (NOT idx.relispartition
       OR (idx.own_objects AND NOT EXISTS (SELECT 1 FROM pg_inherits i
                                           WHERE i.inhrelid = idx.indexrelid)))
ORDER BY 1, 2, 3, 5;
