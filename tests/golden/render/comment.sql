COMMENT ON TABLE users IS E'It''s "quoted" and C:\\path';

COMMENT ON COLUMN users."order" IS 'Address used to sign in.';

COMMENT ON VIEW active_users IS NULL;

COMMENT ON MATERIALIZED VIEW reporting.revenue_daily IS 'Daily revenue.';

COMMENT ON AGGREGATE "Shout"(piece text) IS 'Upper case.';

COMMENT ON TYPE user_role IS 'Roles.';

COMMENT ON OPERATOR app.~<< (text, text) IS 'Reverse match.';

COMMENT ON OPERATOR !!- (NONE, integer) IS 'Negated.';

COMMENT ON FUNCTION app.current_tenant(fallback uuid) IS 'The tenant.';

COMMENT ON PROCEDURE app.settle(INOUT total integer, amount integer) IS 'Settles.';

COMMENT ON TRIGGER set_updated_at ON users IS 'Keeps updated_at.';

COMMENT ON INDEX audit.ix_audit_logs_created_at IS 'Newest first.';
