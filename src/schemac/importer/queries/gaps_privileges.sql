-- Privileges, default privileges, security labels and schema comments of the selected schemas:
-- the spec format has no key for them yet. `public` starts with an ACL and a comment of its own
-- in every database; only a change from those is reported.
WITH ns AS (
  SELECT oid, nspname, nspacl FROM pg_namespace WHERE nspname = ANY(%(schemas)s)
),
ext AS (
  SELECT classid, objid FROM pg_depend WHERE deptype = 'e'
)
SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                      WHEN 'f' THEN 'foreign table' ELSE 'table' END AS kind,
       ns.nspname AS schema_name, c.relname::text AS name, false AS whole,
       'privileges ' || array_to_string(c.relacl, ', ') AS detail
FROM pg_class c
JOIN ns ON ns.oid = c.relnamespace
WHERE c.relacl IS NOT NULL AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT 'column', ns.nspname, c.relname || '.' || a.attname, false,
       'privileges ' || array_to_string(a.attacl, ', ')
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN ns ON ns.oid = c.relnamespace
WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'p' THEN 'procedure'
                      WHEN 'w' THEN 'window function' ELSE 'function' END,
       ns.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', false,
       'privileges ' || array_to_string(p.proacl, ', ')
FROM pg_proc p
JOIN ns ON ns.oid = p.pronamespace
WHERE p.proacl IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid)
UNION ALL
SELECT CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'e' THEN 'enum' ELSE 'type' END,
       ns.nspname, t.typname::text, false, 'privileges ' || array_to_string(t.typacl, ', ')
FROM pg_type t
JOIN ns ON ns.oid = t.typnamespace
WHERE t.typacl IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_type'::regclass AND ext.objid = t.oid)
UNION ALL
SELECT 'schema', NULL, ns.nspname::text, false, 'privileges ' || array_to_string(ns.nspacl, ', ')
FROM ns
WHERE ns.nspacl IS NOT NULL
  AND (ns.nspname <> 'public'
       OR ns.nspacl::text[] <> ARRAY['pg_database_owner=UC/pg_database_owner',
                                     '=U/pg_database_owner'])
UNION ALL
SELECT 'schema', NULL, ns.nspname::text, false, 'COMMENT'
FROM ns
WHERE obj_description(ns.oid, 'pg_namespace') IS DISTINCT FROM
      CASE WHEN ns.nspname = 'public' THEN 'standard public schema' END
UNION ALL
SELECT 'default privileges', ns.nspname,
       'for role ' || pg_get_userbyid(da.defaclrole) || ' on '
         || CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences'
                                  WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types'
                                  ELSE 'schemas' END,
       true, array_to_string(da.defaclacl, ', ')
FROM pg_default_acl da
LEFT JOIN ns ON ns.oid = da.defaclnamespace
WHERE da.defaclnamespace = 0 OR ns.oid IS NOT NULL
UNION ALL
SELECT 'security label', NULL, sl.provider || ' on ' || pg_describe_object(sl.classoid, sl.objoid, sl.objsubid),
       true, sl.label
FROM pg_seclabel sl
ORDER BY 1, 2, 3, 5;
