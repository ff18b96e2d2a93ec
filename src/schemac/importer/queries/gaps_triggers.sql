-- What the spec format cannot say yet about triggers and policies: a constraint trigger's FROM
-- table, ENABLE of triggers, triggers on views, foreign tables or single partitions, policies
-- on partitions.
WITH rel AS (
  SELECT c.oid, c.relname, c.relkind, c.relispartition, n.nspname
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY(%(schemas)s)
)
SELECT 'trigger' AS kind, rel.nspname AS schema_name, t.tgname || ' on ' || rel.relname AS name,
       rel.relkind IN ('v', 'f') OR rel.relispartition AS whole,
       found.detail
FROM pg_trigger t
JOIN rel ON rel.oid = t.tgrelid
CROSS JOIN LATERAL (
  SELECT CASE rel.relkind WHEN 'v' THEN 'on a view' ELSE 'on a foreign table' END
    WHERE rel.relkind IN ('v', 'f')
  UNION ALL SELECT 'declared on the partition' WHERE rel.relispartition
  -- constraint triggers are imported (constraint:, deferrable:), but not one FROM a table
  UNION ALL SELECT 'FROM ' || t.tgconstrrelid::regclass::text WHERE t.tgconstrrelid <> 0
  UNION ALL SELECT CASE t.tgenabled WHEN 'D' THEN 'DISABLE' WHEN 'R' THEN 'ENABLE REPLICA'
                                    ELSE 'ENABLE ALWAYS' END
    WHERE t.tgenabled <> 'O'
) AS found(detail)
WHERE NOT t.tgisinternal
  AND t.tgparentid = 0
UNION ALL
SELECT 'policy', rel.nspname, pol.polname || ' on ' || rel.relname,
       rel.relispartition, found.detail
FROM pg_policy pol
JOIN rel ON rel.oid = pol.polrelid
CROSS JOIN LATERAL (
  SELECT 'declared on the partition' WHERE rel.relispartition
  -- a policy's comment is imported (description:), but not one of a policy on a partition
  UNION ALL SELECT 'COMMENT' WHERE rel.relispartition
    AND obj_description(pol.oid, 'pg_policy') IS NOT NULL
) AS found(detail)
ORDER BY 1, 2, 3, 5;
