ALTER TABLE users ADD COLUMN nick text DEFAULT 'x';
