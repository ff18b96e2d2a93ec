-- Objects of the selected schemas the spec format has no key for yet, one row each:
-- (kind, schema_name, name, whole, detail). Domains, sequences and composite types are
-- written (domains:, sequences:, composites:), and so are operators (operators:;
-- inspect/queries/operators.sql) and procedures (procedures:; inspect/queries/functions.sql). Extension members are left out.
WITH ns AS (
  SELECT oid, nspname FROM pg_namespace WHERE nspname = ANY(%(schemas)s)
),
ext AS (
  SELECT classid, objid FROM pg_depend WHERE deptype = 'e'
)
SELECT CASE t.typtype WHEN 'c' THEN 'composite type' WHEN 'r' THEN 'range type'
                      WHEN 'p' THEN 'shell type' ELSE 'base type' END AS kind,
       ns.nspname AS schema_name, t.typname::text AS name, true AS whole, NULL AS detail
FROM pg_type t
JOIN ns ON ns.oid = t.typnamespace
WHERE (t.typtype IN ('r', 'p')
       OR (t.typtype = 'b' AND NOT (t.typcategory = 'A' AND t.typelem <> 0)))
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_type'::regclass AND ext.objid = t.oid)
UNION ALL
SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END,
       ns.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       true, NULL
FROM pg_proc p
JOIN ns ON ns.oid = p.pronamespace
WHERE p.prokind IN ('a', 'w')
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid)
  -- the aggregates the format can say (inspect/queries/aggregates.sql) are imported
  AND NOT EXISTS (
    SELECT 1 FROM pg_aggregate a
    WHERE a.aggfnoid = p.oid AND a.aggkind = 'n'
      AND a.aggcombinefn = 0 AND a.aggserialfn = 0 AND a.aggdeserialfn = 0
      AND a.aggmtransfn = 0 AND a.aggsortop = 0 AND NOT a.aggfinalextra
      AND a.aggfinalmodify = 'r' AND a.aggtransspace = 0
  )
UNION ALL
-- a shell operator (named as a commutator or negator, never defined) has no function to import
SELECT 'shell operator', ns.nspname,
       o.oprname || '(' || coalesce(format_type(o.oprleft, NULL), 'NONE') || ', '
         || coalesce(format_type(o.oprright, NULL), 'NONE') || ')',
       true, NULL
FROM pg_operator o
JOIN ns ON ns.oid = o.oprnamespace
WHERE o.oprcode = 0
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_operator'::regclass AND ext.objid = o.oid)
UNION ALL
SELECT 'operator class', ns.nspname, oc.opcname::text, true, NULL
FROM pg_opclass oc
JOIN ns ON ns.oid = oc.opcnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_opclass'::regclass AND ext.objid = oc.oid)
UNION ALL
SELECT 'operator family', ns.nspname, f.opfname::text, true, NULL
FROM pg_opfamily f
JOIN ns ON ns.oid = f.opfnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_opfamily'::regclass AND ext.objid = f.oid)
  -- CREATE OPERATOR CLASS makes a family of the same name: the class is reported
  AND NOT EXISTS (SELECT 1 FROM pg_opclass oc WHERE oc.opcfamily = f.oid AND oc.opcname = f.opfname)
UNION ALL
SELECT 'collation', ns.nspname, co.collname::text, true, NULL
FROM pg_collation co
JOIN ns ON ns.oid = co.collnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_collation'::regclass AND ext.objid = co.oid)
UNION ALL
SELECT 'conversion', ns.nspname, cv.conname::text, true, NULL
FROM pg_conversion cv
JOIN ns ON ns.oid = cv.connamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_conversion'::regclass AND ext.objid = cv.oid)
UNION ALL
SELECT 'text search configuration', ns.nspname, cfg.cfgname::text, true, NULL
FROM pg_ts_config cfg
JOIN ns ON ns.oid = cfg.cfgnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_ts_config'::regclass AND ext.objid = cfg.oid)
UNION ALL
SELECT 'text search dictionary', ns.nspname, dict.dictname::text, true, NULL
FROM pg_ts_dict dict
JOIN ns ON ns.oid = dict.dictnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_ts_dict'::regclass AND ext.objid = dict.oid)
UNION ALL
SELECT 'text search parser', ns.nspname, prs.prsname::text, true, NULL
FROM pg_ts_parser prs
JOIN ns ON ns.oid = prs.prsnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_ts_parser'::regclass AND ext.objid = prs.oid)
UNION ALL
SELECT 'text search template', ns.nspname, tmpl.tmplname::text, true, NULL
FROM pg_ts_template tmpl
JOIN ns ON ns.oid = tmpl.tmplnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_ts_template'::regclass AND ext.objid = tmpl.oid)
UNION ALL
SELECT 'statistics object', ns.nspname, st.stxname::text, true, NULL
FROM pg_statistic_ext st
JOIN ns ON ns.oid = st.stxnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_statistic_ext'::regclass AND ext.objid = st.oid)
UNION ALL
SELECT 'foreign table', ns.nspname, c.relname::text, true, NULL
FROM pg_class c
JOIN ns ON ns.oid = c.relnamespace
WHERE c.relkind = 'f'
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT 'rule', ns.nspname, r.rulename || ' on ' || c.relname, true, NULL
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN ns ON ns.oid = c.relnamespace
WHERE r.rulename <> '_RETURN'
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
UNION ALL
-- a cast belongs to no schema: it is listed when its function or one of its types is imported
SELECT 'cast', NULL, format_type(ca.castsource, NULL) || ' AS ' || format_type(ca.casttarget, NULL),
       true, NULL
FROM pg_cast ca
WHERE ca.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_cast'::regclass AND ext.objid = ca.oid)
  AND (EXISTS (SELECT 1 FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace WHERE p.oid = ca.castfunc)
       OR EXISTS (SELECT 1 FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
                  WHERE t.oid IN (ca.castsource, ca.casttarget)))
ORDER BY 1, 2, 3;
