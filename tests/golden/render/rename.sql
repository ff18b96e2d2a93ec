ALTER TABLE users RENAME COLUMN nick TO nickname;

ALTER TABLE users RENAME CONSTRAINT chk_users_nick TO chk_users_nickname;

ALTER INDEX ix_users_tags RENAME TO ix_users_labels;

ALTER TYPE user_role RENAME VALUE 'guest' TO 'visitor';

ALTER VIEW active_users RENAME TO current_users;

ALTER TABLE "order" RENAME TO orders;

ALTER TYPE billing.status RENAME TO state;
