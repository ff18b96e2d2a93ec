CREATE TYPE user_role AS ENUM ('owner', 'member', 'it''s', 'naïve');

CREATE TYPE billing.status AS ENUM ('open');
