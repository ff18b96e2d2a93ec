CREATE POLICY tenant_isolation ON users AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);

CREATE POLICY owners_read ON users AS RESTRICTIVE FOR SELECT TO app_user, "Admin", current_user USING (true);
