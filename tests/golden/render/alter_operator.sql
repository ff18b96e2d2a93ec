ALTER OPERATOR app.~<< (text, text) SET (RESTRICT = pg_catalog.eqsel, JOIN = NONE);
