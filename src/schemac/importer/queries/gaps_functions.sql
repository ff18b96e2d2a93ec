-- What the spec format cannot say yet about the functions and procedures it imports (prokind 'f',
-- 'p'): one row per function for its attributes the format has no key for (SUPPORT), and one for
-- a function or procedure whose body cannot be written as a dollar-quoted string (left out).
WITH fn AS (
  SELECT p.*, n.nspname, l.lanname
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_language l ON l.oid = p.prolang
  WHERE p.prokind IN ('f', 'p')
    AND n.nspname = ANY(%(schemas)s)
    AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
    )
),
attrs AS (
  SELECT fn.oid,
         array_remove(ARRAY[
           CASE WHEN fn.prosupport <> 0 THEN 'SUPPORT ' || fn.prosupport::regproc END
         ], NULL) AS missing
  FROM fn
)
SELECT CASE fn.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END AS kind,
       fn.nspname AS schema_name,
       fn.proname || '(' || pg_get_function_identity_arguments(fn.oid) || ')' AS name,
       false AS whole,
       array_to_string(attrs.missing, ', ') AS detail
FROM fn
JOIN attrs ON attrs.oid = fn.oid
WHERE cardinality(attrs.missing) > 0
UNION ALL
-- bodies a dollar-quoted string cannot give back: the function is left out
SELECT CASE fn.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, fn.nspname, fn.proname || '(' || pg_get_function_identity_arguments(fn.oid) || ')',
       true,
       CASE WHEN fn.prosqlbody IS NOT NULL THEN 'its body is SQL-standard (BEGIN ATOMIC / RETURN)'
            WHEN fn.probin IS NOT NULL THEN 'it is in the object file ' || fn.probin
            ELSE 'it is written in the language ' || fn.lanname END
FROM fn
WHERE fn.prosqlbody IS NOT NULL OR fn.probin IS NOT NULL OR fn.lanname = 'internal'
ORDER BY 2, 3, 5;
