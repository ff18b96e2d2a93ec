ALTER TYPE user_role ADD VALUE IF NOT EXISTS 'admin' BEFORE 'member';

ALTER TYPE user_role ADD VALUE IF NOT EXISTS 'guest';

ALTER TYPE user_role ADD VALUE IF NOT EXISTS 'root' AFTER 'owner';
