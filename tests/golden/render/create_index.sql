CREATE UNIQUE INDEX uq_users_tenant_email ON users (tenant_id, (lower(email))) INCLUDE ("order") WHERE deleted_at IS NULL;

CREATE INDEX CONCURRENTLY ix_users_tags ON users USING gin (tags array_ops);

CREATE INDEX ix_audit_logs_created_at ON audit.audit_logs (created_at DESC NULLS LAST, (id + 1) NULLS FIRST);
