-- Domains of the selected schemas (not those of extensions): base type, NOT NULL, default,
-- collation when it is not the base type's, comment, and the checks by name.
SELECT n.nspname AS schema_name,
       t.typname AS name,
       format_type(t.typbasetype, t.typtypmod) AS base_type,
       t.typnotnull AS not_null,
       pg_get_expr(t.typdefaultbin, 0) AS default,
       CASE WHEN t.typcollation <> bt.typcollation THEN co.collname::text END AS collation,
       obj_description(t.oid, 'pg_type') AS description,
       ARRAY(
         SELECT json_build_object('name', con.conname, 'definition',
                                  pg_get_constraintdef(con.oid, true))
         FROM pg_constraint con
         WHERE con.contypid = t.oid AND con.contype = 'c'
         ORDER BY con.conname
       ) AS checks
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_collation co ON co.oid = t.typcollation
WHERE t.typtype = 'd'
  AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
  )
ORDER BY n.nspname, t.typname;
