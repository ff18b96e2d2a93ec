-- User-defined operators of the selected schemas (shell operators, which have no function yet,
-- and extensions' own are left out). The other operators and the estimators are named with
-- their schemas.
SELECT n.nspname AS schema_name,
       o.oprname AS name,
       fn.nspname AS function_schema,
       f.proname AS function,
       CASE WHEN o.oprleft = 0 THEN NULL ELSE format_type(o.oprleft, NULL) END AS leftarg,
       CASE WHEN o.oprright = 0 THEN NULL ELSE format_type(o.oprright, NULL) END AS rightarg,
       cn.nspname AS commutator_schema,
       co.oprname AS commutator,
       nn.nspname AS negator_schema,
       ne.oprname AS negator,
       rn.nspname AS restrict_schema,
       r.proname AS restrict,
       jn.nspname AS join_schema,
       j.proname AS join,
       o.oprcanhash AS hashes,
       o.oprcanmerge AS merges,
       obj_description(o.oid, 'pg_operator') AS description
FROM pg_operator o
JOIN pg_namespace n ON n.oid = o.oprnamespace
JOIN pg_proc f ON f.oid = o.oprcode
JOIN pg_namespace fn ON fn.oid = f.pronamespace
LEFT JOIN pg_operator co ON co.oid = o.oprcom
LEFT JOIN pg_namespace cn ON cn.oid = co.oprnamespace
LEFT JOIN pg_operator ne ON ne.oid = o.oprnegate
LEFT JOIN pg_namespace nn ON nn.oid = ne.oprnamespace
LEFT JOIN pg_proc r ON r.oid = o.oprrest
LEFT JOIN pg_namespace rn ON rn.oid = r.pronamespace
LEFT JOIN pg_proc j ON j.oid = o.oprjoin
LEFT JOIN pg_namespace jn ON jn.oid = j.pronamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_operator'::regclass AND d.objid = o.oid AND d.deptype = 'e'
  )
ORDER BY n.nspname, o.oprname, leftarg NULLS FIRST, rightarg;
