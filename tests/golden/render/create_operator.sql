CREATE OPERATOR app.~<< (FUNCTION = pg_catalog.textregexeq, LEFTARG = text, RIGHTARG = text, COMMUTATOR = OPERATOR(app.>>~), RESTRICT = pg_catalog.regexeqsel, JOIN = pg_catalog.regexeqjoinsel);

CREATE OPERATOR !!- (FUNCTION = pg_catalog.int4um, RIGHTARG = integer);

CREATE OPERATOR === (FUNCTION = pg_catalog.texteq, LEFTARG = text, RIGHTARG = text, COMMUTATOR = OPERATOR(public.===), NEGATOR = OPERATOR(public.!==), RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES);
