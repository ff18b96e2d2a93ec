DROP TABLE IF EXISTS users;

DROP TABLE IF EXISTS audit.audit_logs;

DROP SCHEMA IF EXISTS reporting;

DROP EXTENSION IF EXISTS pgcrypto;

DROP TYPE IF EXISTS user_role;

DROP FUNCTION IF EXISTS app.current_tenant(fallback uuid);

DROP INDEX IF EXISTS audit.ix_audit_logs_created_at;

DROP VIEW IF EXISTS active_users;

DROP MATERIALIZED VIEW IF EXISTS reporting.revenue_daily;

DROP TRIGGER IF EXISTS set_updated_at ON users;

DROP POLICY IF EXISTS tenant_isolation ON audit.audit_logs;

DROP TABLE IF EXISTS "order";

DROP AGGREGATE IF EXISTS app.total(integer);

DROP OPERATOR IF EXISTS !!- (NONE, integer);

DROP OPERATOR IF EXISTS app.~<< (text, text);

DROP PROCEDURE IF EXISTS app.settle(INOUT total integer, amount integer);

DROP PROCEDURE IF EXISTS "Touch"(VARIADIC ids integer[]);
