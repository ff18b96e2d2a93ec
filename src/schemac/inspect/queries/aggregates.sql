-- Ordinary aggregates the format can say (a state function, a state type, a final function and
-- an initial value; no combine, serial or moving-aggregate functions, no sort operator), except
-- extensions' own. The others are reported by the import's gap queries.
SELECT n.nspname AS schema_name,
       p.proname AS name,
       pg_get_function_arguments(p.oid) AS arguments,
       sn.nspname AS sfunc_schema,
       sf.proname AS sfunc,
       format_type(a.aggtranstype, NULL) AS stype,
       fn.nspname AS finalfunc_schema,
       ff.proname AS finalfunc,
       a.agginitval AS initcond,
       p.proparallel AS parallel,
       obj_description(p.oid, 'pg_proc') AS description
FROM pg_aggregate a
JOIN pg_proc p ON p.oid = a.aggfnoid
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_proc sf ON sf.oid = a.aggtransfn
JOIN pg_namespace sn ON sn.oid = sf.pronamespace
LEFT JOIN pg_proc ff ON ff.oid = a.aggfinalfn
LEFT JOIN pg_namespace fn ON fn.oid = ff.pronamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND a.aggkind = 'n'
  AND a.aggcombinefn = 0 AND a.aggserialfn = 0 AND a.aggdeserialfn = 0
  AND a.aggmtransfn = 0 AND a.aggsortop = 0 AND NOT a.aggfinalextra
  AND a.aggfinalmodify = 'r' AND a.aggtransspace = 0
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  )
ORDER BY n.nspname, p.proname, pg_get_function_identity_arguments(p.oid);
