-- Composite types of the selected schemas (not tables' row types, not those of extensions):
-- attributes in order, with a collation when it is not the attribute type's.
SELECT n.nspname AS schema_name,
       t.typname AS name,
       obj_description(t.oid, 'pg_type') AS description,
       ARRAY(
         SELECT json_build_object(
                  'name', a.attname,
                  'type', format_type(a.atttypid, a.atttypmod),
                  'collation', CASE WHEN a.attcollation <> at.typcollation
                                    THEN co.collname::text END)
         FROM pg_attribute a
         JOIN pg_type at ON at.oid = a.atttypid
         LEFT JOIN pg_collation co ON co.oid = a.attcollation
         WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attnum
       ) AS attributes
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
WHERE t.typtype = 'c'
  AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
  )
ORDER BY n.nspname, t.typname;
