CREATE TRIGGER set_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION updated_at_trigger();

CREATE TRIGGER audit_changes AFTER INSERT OR UPDATE OR DELETE ON audit.audit_logs FOR EACH STATEMENT WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION app.log_change();

CREATE TRIGGER search BEFORE INSERT OR UPDATE OF email, "order" ON users FOR EACH ROW EXECUTE FUNCTION app.log_change('search', 'pg_catalog.english', 'it''s');

CREATE TRIGGER count_new AFTER INSERT ON users REFERENCING NEW TABLE AS "inserted rows" FOR EACH STATEMENT EXECUTE FUNCTION app.log_change();
