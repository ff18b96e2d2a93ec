INSERT INTO tenants (id, name) VALUES
    ('00000000-0000-0000-0000-000000000001', 'System'),
    ('00000000-0000-0000-0000-000000000002', 'O''Brien')
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name;

INSERT INTO plans (code, price) VALUES
    ('free', DEFAULT),
    ('pro', 10.00)
ON CONFLICT (code) DO NOTHING;
