SELECT setval(pg_get_serial_sequence('users', 'n'), greatest(coalesce(max(n), 0) + 1, 1), false) FROM users;
