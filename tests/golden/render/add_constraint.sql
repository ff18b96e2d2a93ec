ALTER TABLE users ADD CONSTRAINT chk_users_nick CHECK (nick <> '') NOT VALID;

ALTER TABLE users ADD CONSTRAINT uq_users_nick UNIQUE USING INDEX uq_users_nick;

ALTER TABLE users ADD CONSTRAINT uq_users_age UNIQUE (age) DEFERRABLE;

ALTER TABLE users ADD CONSTRAINT excl_users_tenant_id_email EXCLUDE USING btree (tenant_id WITH =, (lower(email)) text_pattern_ops WITH OPERATOR(pg_catalog.=)) INCLUDE (age) WHERE (deleted_at IS NULL) DEFERRABLE INITIALLY DEFERRED;
