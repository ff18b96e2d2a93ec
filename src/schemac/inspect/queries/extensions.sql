-- Installed extensions; plpgsql is part of every database, as public is.
SELECT e.extname AS name, n.nspname AS schema_name
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname;
