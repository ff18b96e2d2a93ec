SELECT setval(pg_get_serial_sequence('users', 'n'), coalesce(max(n), 0) + 1, false) FROM users;
