-- Domains of the selected schemas (the spec format has none yet): the base type their columns
-- are written with, and what the domain adds to it.
SELECT n.nspname AS schema_name,
       t.typname AS name,
       format_type(t.oid, NULL) AS spelled,
       format_type(t.typbasetype, t.typtypmod) AS base_type,
       t.typnotnull AS not_null,
       t.typdefault AS default,
       ARRAY(
         SELECT pg_get_constraintdef(con.oid, true)
         FROM pg_constraint con
         WHERE con.contypid = t.oid
         ORDER BY con.conname
       ) AS checks
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'd'
  AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
  )
ORDER BY n.nspname, t.typname;
