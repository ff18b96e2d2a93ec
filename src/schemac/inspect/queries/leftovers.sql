-- Everything user-created that is still in the database, as (kind, name) rows: what the down
-- migrations must have removed. Objects that belong to an extension go with the extension and are
-- not listed; `public` and plpgsql exist in every new database.
WITH user_ns AS (
  SELECT n.oid, n.nspname
  FROM pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    AND n.nspname !~ '^pg_(toast_)?temp_'
),
ext_members AS (
  SELECT d.classid, d.objid FROM pg_depend d WHERE d.deptype = 'e'
)
SELECT 'schema' AS kind, n.nspname::text AS name
FROM user_ns n
WHERE n.nspname <> 'public'
  AND NOT EXISTS (SELECT 1 FROM ext_members e
                  WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid)
UNION ALL
SELECT 'extension', e.extname::text
FROM pg_extension e
WHERE e.extname <> 'plpgsql'
UNION ALL
SELECT CASE c.relkind
         WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
         WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
         WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type'
         ELSE 'index' END,
       n.nspname || '.' || c.relname
FROM pg_class c
JOIN user_ns n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c', 'i', 'I')
  AND NOT EXISTS (SELECT 1 FROM ext_members e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid)
UNION ALL
-- enums, domains, ranges and base types; row types of relations and array types go with their
-- owner (composite types are listed with the relations above)
SELECT 'type', n.nspname || '.' || t.typname
FROM pg_type t
JOIN user_ns n ON n.oid = t.typnamespace
WHERE t.typtype IN ('e', 'd', 'r', 'b')
  AND NOT (t.typcategory = 'A' AND t.typelem <> 0)
  AND NOT EXISTS (SELECT 1 FROM ext_members e
                  WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid)
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
       n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
FROM pg_proc p
JOIN user_ns n ON n.oid = p.pronamespace
WHERE NOT EXISTS (SELECT 1 FROM ext_members e
                  WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid)
UNION ALL
SELECT 'policy', pol.polname || ' on ' || n.nspname || '.' || c.relname
FROM pg_policy pol
JOIN pg_class c ON c.oid = pol.polrelid
JOIN user_ns n ON n.oid = c.relnamespace
UNION ALL
SELECT 'trigger', t.tgname || ' on ' || n.nspname || '.' || c.relname
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN user_ns n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal
UNION ALL
SELECT 'event trigger', evtname::text
FROM pg_event_trigger
UNION ALL
SELECT 'collation', n.nspname || '.' || co.collname
FROM pg_collation co
JOIN user_ns n ON n.oid = co.collnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext_members e
                  WHERE e.classid = 'pg_collation'::regclass AND e.objid = co.oid)
UNION ALL
SELECT 'operator', n.nspname || '.' || o.oprname
FROM pg_operator o
JOIN user_ns n ON n.oid = o.oprnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext_members e
                  WHERE e.classid = 'pg_operator'::regclass AND e.objid = o.oid)
ORDER BY 1, 2;
