-- User triggers: not internal (FK/deferrable machinery) and not the clones made on partitions.
SELECT n.nspname AS table_schema,
       c.relname AS table_name,
       t.tgname AS name,
       t.tgtype::int AS tgtype,
       fn.nspname AS function_schema,
       f.proname AS function_name,
       t.tgnargs AS nargs,
       t.tgargs AS args,
       ARRAY(SELECT a.attname::text
             FROM unnest(t.tgattr) WITH ORDINALITY AS k(attnum, i)
             JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.attnum
             ORDER BY k.i) AS update_of,
       t.tgoldtable::text AS old_table,
       t.tgnewtable::text AS new_table,
       CASE WHEN t.tgqual IS NOT NULL THEN pg_get_triggerdef(t.oid, true) END AS definition,
       obj_description(t.oid, 'pg_trigger') AS description,
       t.tgconstraint <> 0 AS is_constraint,
       t.tgdeferrable AS deferrable,
       t.tginitdeferred AS initially_deferred
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc f ON f.oid = t.tgfoid
JOIN pg_namespace fn ON fn.oid = f.pronamespace
WHERE NOT t.tgisinternal
  AND t.tgparentid = 0
  AND n.nspname = ANY(%(schemas)s)
ORDER BY n.nspname, c.relname, t.tgname;
