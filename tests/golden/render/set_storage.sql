ALTER TABLE users SET (fillfactor=70, vacuum_index_cleanup='auto'), RESET (toast_tuple_target);

ALTER TABLE users RESET (fillfactor, vacuum_index_cleanup);
