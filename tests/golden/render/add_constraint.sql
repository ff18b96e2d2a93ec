ALTER TABLE users ADD CONSTRAINT chk_users_nick CHECK (nick <> '') NOT VALID;

ALTER TABLE users ADD CONSTRAINT uq_users_nick UNIQUE USING INDEX uq_users_nick;

ALTER TABLE users ADD CONSTRAINT uq_users_age UNIQUE (age) DEFERRABLE;
