-- Columns of every table in the selected schemas, in attnum order.
-- A serial column is an integer whose default is nextval() of a sequence the column owns
-- (pg_depend deptype 'a'); it is reported as serial without a default, as it was written.
-- Defaults cannot refer to columns, so they are printed without a relation (pg_get_expr with
-- relation 0 is several times faster); generated expressions do refer to columns.
-- An identity column's sequence (pg_depend deptype 'i') gives its options.
WITH owned AS (
  SELECT d.refobjid AS relid, d.refobjsubid AS attnum, s.oid::regclass::text AS sequence
  FROM pg_depend d
  JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
  WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
    AND d.deptype = 'a'
),
identities AS (
  SELECT d.refobjid AS relid, d.refobjsubid AS attnum, sq.*
  FROM pg_depend d
  JOIN pg_sequence sq ON sq.seqrelid = d.objid
  WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
    AND d.deptype = 'i'
)
SELECT a.attrelid AS table_oid,
       a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       NOT a.attnotnull AS nullable,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, 0) END AS default,
       CASE WHEN a.attgenerated = 's' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generated,
       CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by_default' END AS identity,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END AS collation,
       ds.description,
       owned.sequence AS owned_sequence,
       CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::int END AS statistics,
       a.attoptions AS options,
       identities.seqstart AS identity_start,
       identities.seqincrement AS identity_increment,
       identities.seqmin AS identity_min,
       identities.seqmax AS identity_max,
       identities.seqcache AS identity_cache,
       identities.seqcycle AS identity_cycle
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_description ds
  ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum
LEFT JOIN owned ON owned.relid = a.attrelid AND owned.attnum = a.attnum
LEFT JOIN identities
  ON a.attidentity <> '' AND identities.relid = a.attrelid AND identities.attnum = a.attnum
WHERE c.relkind IN ('r', 'p')
  AND NOT c.relispartition
  AND n.nspname = ANY(%(schemas)s)
  AND a.attnum > 0
  AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum;
