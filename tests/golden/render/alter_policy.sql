ALTER POLICY tenant_isolation ON users TO app_user USING (true) WITH CHECK (true);
