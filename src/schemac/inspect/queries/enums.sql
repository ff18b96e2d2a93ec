-- Enum types with their labels in declaration order.
SELECT n.nspname AS schema_name,
       t.typname AS name,
       array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values,
       obj_description(t.oid, 'pg_type') AS description
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE t.typtype = 'e'
  AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
  )
GROUP BY n.nspname, t.typname, t.oid
ORDER BY n.nspname, t.typname;
