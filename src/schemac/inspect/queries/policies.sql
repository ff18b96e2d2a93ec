-- Row-level security policies; a role oid of 0 means PUBLIC.
SELECT pol.polrelid AS table_oid,
       pol.polname AS name,
       pol.polcmd AS command,
       pol.polpermissive AS permissive,
       ARRAY(
         SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE rol.rolname::text END
         FROM unnest(pol.polroles) AS r(oid)
         LEFT JOIN pg_roles rol ON rol.oid = r.oid
         ORDER BY 1
       ) AS roles,
       pg_get_expr(pol.polqual, pol.polrelid, true) AS using,
       pg_get_expr(pol.polwithcheck, pol.polrelid, true) AS with_check,
       obj_description(pol.oid, 'pg_policy') AS description
FROM pg_policy pol
JOIN pg_class c ON c.oid = pol.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s)
ORDER BY pol.polrelid, pol.polname;
