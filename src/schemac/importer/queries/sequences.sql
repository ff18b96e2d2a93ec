-- Every sequence of the selected schemas with its options, and the column that owns it: through
-- a serial-style OWNED BY (deptype 'a') or an identity (deptype 'i'). Whether the owning
-- column's default still calls it is told by `used_by_default`.
SELECT n.nspname AS schema_name,
       c.relname AS name,
       d.deptype AS owner_kind,
       tn.nspname AS table_schema,
       tc.relname AS table_name,
       a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS column_type,
       (pg_get_expr(ad.adbin, 0) = format('nextval(%%L::regclass)', c.oid::regclass::text))
         AS used_by_default,
       format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart AS start,
       s.seqincrement AS increment,
       s.seqmin AS min,
       s.seqmax AS max,
       s.seqcache AS cache,
       s.seqcycle AS cycle,
       c.relpersistence = 'u' AS unlogged
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d
  ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
LEFT JOIN pg_class tc ON tc.oid = d.refobjid
LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend e
    WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e'
  )
ORDER BY n.nspname, c.relname;
