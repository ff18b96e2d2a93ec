-- Every sequence of the selected schemas with its options, its comment and the column that
-- owns it through OWNED BY (deptype 'a', as serial makes it). Identity columns' sequences
-- (deptype 'i') are the columns' own and not listed; nor are sequences of extensions. The
-- persistence of the sequence and of its table: serial makes an UNLOGGED table's sequence
-- unlogged (PostgreSQL 15), so a logged one behind it is not what serial makes.
SELECT n.nspname AS schema_name,
       c.relname AS name,
       c.oid::regclass::text AS regclass,
       d.refobjid AS table_oid,
       tn.nspname AS table_schema,
       tc.relname AS table_name,
       a.attname AS column_name,
       format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart AS start,
       s.seqincrement AS increment,
       s.seqmin AS min_value,
       s.seqmax AS max_value,
       s.seqcache AS cache,
       s.seqcycle AS cycle,
       c.relpersistence AS persistence,
       tc.relpersistence AS table_persistence,
       ds.description
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d
  ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
  AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
LEFT JOIN pg_class tc ON tc.oid = d.refobjid
LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
LEFT JOIN pg_description ds
  ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend e
    WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype IN ('e', 'i')
  )
ORDER BY n.nspname, c.relname;
