CREATE TRIGGER set_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION updated_at_trigger();

CREATE TRIGGER audit_changes AFTER INSERT OR UPDATE OR DELETE ON audit.audit_logs FOR EACH STATEMENT WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION app.log_change();
