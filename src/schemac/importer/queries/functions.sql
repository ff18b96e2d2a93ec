-- The identity of each plain function and procedure of the selected schemas (its name and input argument
-- types, as ALTER FUNCTION takes them), to name it in warnings as the gap queries do.
SELECT n.nspname AS schema_name,
       p.proname AS name,
       pg_get_function_arguments(p.oid) AS arguments,
       pg_get_function_identity_arguments(p.oid) AS identity
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('f', 'p')
  AND n.nspname = ANY(%(schemas)s)
ORDER BY 1, 2, 4;
