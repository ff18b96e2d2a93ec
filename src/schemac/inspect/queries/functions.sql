-- Plain functions and procedures (not aggregates or window functions), except extensions' own.
SELECT n.nspname AS schema_name,
       p.proname AS name,
       pg_get_function_arguments(p.oid) AS arguments,
       -- the input argument types, as ALTER FUNCTION takes them (import names it so in warnings)
       pg_get_function_identity_arguments(p.oid) AS identity,
       coalesce(pg_get_function_result(p.oid), '') AS returns,
       p.prokind = 'p' AS procedure,
       l.lanname AS language,
       CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) ELSE p.prosrc END
         AS body,
       CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END
         AS volatility,
       p.prosecdef AS security_definer,
       p.proisstrict AS strict,
       p.proleakproof AS leakproof,
       p.proparallel AS parallel,
       -- float4 as text reads back the number as written (0.1, not 0.100000001)
       CASE WHEN p.procost <> CASE WHEN l.lanname IN ('c', 'internal') THEN 1 ELSE 100 END
            THEN p.procost::text END AS cost,
       CASE WHEN p.prorows <> CASE WHEN p.proretset THEN 1000 ELSE 0 END
            THEN p.prorows::text END AS rows,
       coalesce(p.proconfig, '{}') AS settings,
       obj_description(p.oid, 'pg_proc') AS description
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE p.prokind IN ('f', 'p')
  AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  )
ORDER BY n.nspname, p.proname, pg_get_function_identity_arguments(p.oid);
