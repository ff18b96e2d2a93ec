CREATE AGGREGATE app.total(integer) (SFUNC = pg_catalog.int4pl, STYPE = integer, INITCOND = '0', PARALLEL = SAFE);

CREATE AGGREGATE "Shout"(piece text) (SFUNC = pg_catalog.textcat, STYPE = text, FINALFUNC = pg_catalog.upper, INITCOND = 'it''s: ');
