-- Objects of the database that belong to no schema and that the spec format has no key for yet.
SELECT 'event trigger' AS kind, NULL AS schema_name, evtname::text AS name, true AS whole,
       NULL AS detail
FROM pg_event_trigger
WHERE NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_event_trigger'::regclass AND d.objid = pg_event_trigger.oid
                    AND d.deptype = 'e')
UNION ALL
SELECT 'foreign-data wrapper', NULL, fdwname::text, true, NULL
FROM pg_foreign_data_wrapper w
WHERE NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_foreign_data_wrapper'::regclass AND d.objid = w.oid
                    AND d.deptype = 'e')
UNION ALL
SELECT 'foreign server', NULL, srvname::text, true, NULL FROM pg_foreign_server
UNION ALL
SELECT 'user mapping', NULL, usename || ' for ' || srvname, true, NULL FROM pg_user_mappings
UNION ALL
SELECT 'publication', NULL, pubname::text, true, NULL FROM pg_publication
UNION ALL
SELECT 'subscription', NULL, subname::text, true, NULL
FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
UNION ALL
SELECT 'language', NULL, lanname::text, true, NULL
FROM pg_language l
WHERE l.oid >= 16384 AND l.lanname <> 'plpgsql'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_language'::regclass AND d.objid = l.oid AND d.deptype = 'e')
UNION ALL
SELECT 'access method', NULL, amname::text, true, NULL
FROM pg_am a
WHERE a.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_am'::regclass AND d.objid = a.oid AND d.deptype = 'e')
UNION ALL
SELECT 'transform', NULL, format_type(trftype, NULL) || ' for language ' || l.lanname, true, NULL
FROM pg_transform t JOIN pg_language l ON l.oid = t.trflang
WHERE t.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_transform'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY 1, 2, 3;
