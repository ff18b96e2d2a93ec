-- Views and materialized views (kind 'v' / 'm') with their bodies as PostgreSQL prints them.
SELECT c.oid,
       c.relkind AS kind,
       n.nspname AS schema_name,
       c.relname AS name,
       pg_get_viewdef(c.oid, true) AS query,
       obj_description(c.oid, 'pg_class') AS description
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm')
  AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
ORDER BY n.nspname, c.relname;
