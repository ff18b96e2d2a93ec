"""User-defined operators (`operators:`, keyed by the symbol), codes E210-E214.

Each refused spec is rejected at the position of its `^`; the symbol rules are PostgreSQL's
(each symbol the check refuses, PostgreSQL refuses too, and each it accepts PostgreSQL creates).
A spec with operators builds, applies and verifies; a database holding operators (binary, prefix,
commutator pairs, estimators, HASHES/MERGES, comments, another schema) imports into specs that
rebuild it exactly (`pg_dump` equal).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.config import Settings
from schemac.model.names import operator_name_problem, quote_operator
from schemac.pipeline import load_schema
from schemac.verify.backends import Backend
from tests.helpers import write_spec
from tests.import_helpers import round_trip, run_import
from tests.test_incremental import Case, _evolve, _golden, _judge
from tests.test_static_checks_objects import located

FUNCTIONS = """
functions:
  reverse_textregexeq:
    arguments: text, text
    returns: boolean
    language: sql
    volatility: immutable
    body: SELECT $2 ~ $1
"""

SPEC = (
    FUNCTIONS
    + """
operators:
  "~<<":
    function: reverse_textregexeq
    leftarg: text
    rightarg: text
    description: Matches the right operand against the left pattern.
  "!!-":
    function: int4um
    rightarg: integer
tables:
  rules:
    columns:
      id: {type: integer, primary_key: true}
      pattern: text
    indexes:
      - {columns: [id], where: "pattern ~<< 'abc'"}
"""
)


def _errors(tmp_path: Path, spec: str) -> tuple[list[tuple[str, int, int]], int, int, list[str]]:
    text, line, col = located(spec)
    write_spec(tmp_path / "specs", text)
    schema, diagnostics = load_schema(tmp_path / "specs", Settings())
    assert schema is None
    found = [(d.code, d.span.line, d.span.col) for d in diagnostics if d.is_error and d.span]
    return found, line, col, [d.help or "" for d in diagnostics]


def _operator(lines: str) -> str:
    body = textwrap.indent(textwrap.dedent(lines).strip("\n"), " " * 4)
    return f'{FUNCTIONS}operators:\n  "~<<":\n{body}\n'


@pytest.mark.parametrize(
    ("spec", "code"),
    [
        (
            FUNCTIONS + 'operators:\n  ^"~a<": {function: texteq, leftarg: text, rightarg: text}\n',
            "E210",
        ),
        (
            FUNCTIONS + 'operators:\n  ^"<--": {function: texteq, leftarg: text, rightarg: text}\n',
            "E210",
        ),
        (
            FUNCTIONS + 'operators:\n  ^"<+": {function: texteq, leftarg: text, rightarg: text}\n',
            "E210",
        ),
        (
            FUNCTIONS
            + "operators:\n  ^"
            + '"'
            + "<" * 64
            + '": {function: texteq, rightarg: text}\n',
            "E210",
        ),
        (FUNCTIONS + 'operators:\n  ^"~<<": {function: texteq, leftarg: text}\n', "E211"),
        (_operator("function: texteq\nleftarg: ^text; x\nrightarg: text"), "E212"),
        (_operator("function: texteq\nleftarg: text\nrightarg: ^setof text"), "E212"),
        (_operator("function: ^app.missing\nleftarg: text\nrightarg: text"), "E213"),
        (_operator("function: ^reverse_textregexeq\nleftarg: integer\nrightarg: text"), "E213"),
        (_operator("function: ^f(x)\nleftarg: text\nrightarg: text"), "E213"),
        (_operator("function: texteq\nleftarg: text\nrightarg: text\ncommutator: ^a+b"), "E214"),
        (_operator("function: texteq\nleftarg: text\nrightarg: text\nrestrict: ^1eqsel"), "E214"),
    ],
    ids=[
        "letter",
        "comment",
        "trailing-plus",
        "too-long",
        "no-rightarg",
        "two-statements",
        "setof",
        "unknown-function",
        "function-arguments",
        "function-call",
        "bad-commutator",
        "bad-estimator",
    ],
)
def test_rejected_at_the_key(tmp_path: Path, spec: str, code: str) -> None:
    found, line, col, helps = _errors(tmp_path, spec)
    assert (code, line, col) in found, found
    assert all(helps)


def test_one_symbol_twice_with_the_same_operands_is_e032(tmp_path: Path) -> None:
    write_spec(
        tmp_path / "specs",
        FUNCTIONS + 'operators:\n  "~<<": {function: texteq, leftarg: text, rightarg: text}\n',
    )
    write_spec(
        tmp_path / "specs",
        'operators:\n  "~<<": {function: textne, leftarg: text, rightarg: text}\n',
        name="other.yaml",
    )
    schema, diagnostics = load_schema(tmp_path / "specs", Settings())
    assert schema is None
    assert [d.code for d in diagnostics if d.is_error] == ["E032"]


def test_a_bad_symbol_stops_the_build_with_one_located_line(tmp_path: Path) -> None:
    text, line, col = located(
        'operators:\n  ^"a~": {function: texteq, leftarg: text, rightarg: text}\n'
    )
    write_spec(tmp_path / "specs", text)
    out = tmp_path / "m"
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(out)])
    output = result.output + result.stderr
    assert result.exit_code == 2, output
    assert "E210" in output and "Traceback" not in output
    assert f"spec.yaml:{line}:{col}" in output
    assert not out.exists() or not any(out.iterdir())


#: (symbol, what the check says): PostgreSQL refuses every one of them too
REFUSED = ["a<", "<--", "/*<", "<+", "<-", "=" * 64]
ACCEPTED = ["~<<", "@-", "<~+", "-", "+", "?", "`", "=" * 63]


def test_the_symbol_rules() -> None:
    assert [s for s in REFUSED if operator_name_problem(s) is None] == []
    assert [s for s in ACCEPTED if operator_name_problem(s) is not None] == []
    assert quote_operator("app", "~<<") == "app.~<<"
    assert quote_operator("Weird", "~<<") == '"Weird".~<<'
    assert quote_operator("public", "~<<") == "~<<"
    with pytest.raises(ValueError, match="not an operator name"):
        quote_operator("public", "a; DROP TABLE x")


@pytest.mark.postgres
def test_postgresql_agrees_with_the_symbol_rules(pg_conninfo: str) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        for symbol in ACCEPTED:
            conn.execute(
                f"CREATE OPERATOR public.{symbol} (FUNCTION = texteq, LEFTARG = text, "
                "RIGHTARG = text)"
            )
        for symbol in REFUSED:
            with pytest.raises(psycopg.Error):
                conn.execute(
                    f"CREATE OPERATOR public.{symbol} (FUNCTION = texteq, LEFTARG = text, "
                    "RIGHTARG = text)"
                )


@pytest.mark.postgres
def test_build_applies_and_verifies(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    out = tmp_path / "m"
    built = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(out), "--no-lint"])
    assert built.exit_code == 0, built.output + built.stderr
    sql = next(out.glob("V*.sql")).read_text()
    create = (
        "CREATE OPERATOR ~<< (FUNCTION = reverse_textregexeq, LEFTARG = text, RIGHTARG = text);"
    )
    assert create in sql
    assert "CREATE OPERATOR !!- (FUNCTION = pg_catalog.int4um, RIGHTARG = integer);" in sql
    assert "COMMENT ON OPERATOR ~<< (text, text) IS" in sql
    # after its function, before the index that uses it
    assert sql.index("CREATE FUNCTION reverse_textregexeq") < sql.index(create)
    assert sql.index(create) < sql.index("CREATE INDEX")
    verified = CliRunner().invoke(
        cli, ["verify", str(tmp_path / "specs"), "-m", str(out), "--backend", "local"]
    )
    assert verified.exit_code == 0, verified.output + verified.stderr


@pytest.mark.postgres
def test_import_round_trips_operators(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    ddl = """
    -- danbooru's operator
    CREATE FUNCTION public.reverse_textregexeq(text, text) RETURNS boolean
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $_$ SELECT $2 ~ $1 $_$;
    CREATE OPERATOR public.~<< (FUNCTION = public.reverse_textregexeq,
        LEFTARG = text, RIGHTARG = text);
    COMMENT ON OPERATOR public.~<< (text, text) IS 'Pattern on the left';
    CREATE SCHEMA "Geo";
    CREATE FUNCTION "Geo".same(integer, integer) RETURNS boolean
        LANGUAGE sql IMMUTABLE AS $$ SELECT $1 = $2 $$;
    CREATE FUNCTION "Geo".differs(integer, integer) RETURNS boolean
        LANGUAGE sql IMMUTABLE AS $$ SELECT $1 <> $2 $$;
    CREATE OPERATOR "Geo".=== (FUNCTION = "Geo".same, LEFTARG = integer, RIGHTARG = integer,
        COMMUTATOR = OPERATOR("Geo".===), NEGATOR = OPERATOR("Geo".!==),
        RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
    CREATE OPERATOR "Geo".!== (FUNCTION = "Geo".differs, LEFTARG = integer, RIGHTARG = integer,
        COMMUTATOR = OPERATOR("Geo".!==), NEGATOR = OPERATOR("Geo".===),
        RESTRICT = neqsel, JOIN = neqjoinsel);
    CREATE OPERATOR public.@- (FUNCTION = int4um, RIGHTARG = integer);
    CREATE TABLE rules (id integer PRIMARY KEY, pattern text);
    CREATE INDEX rules_matching ON rules ((@- id)) WHERE pattern ~<< 'abc';
    """
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(textwrap.dedent(ddl))
    trip = round_trip(pg_backend, pg_conninfo, tmp_path / "specs")
    assert trip.exact, trip.report()
    assert trip.run.warnings == [], trip.run.warnings
    public = (tmp_path / "specs" / "public.yaml").read_text()
    assert 'operators:\n  "@-":\n    function: int4um\n    rightarg: integer\n' in public
    geo = (tmp_path / "specs" / "Geo.yaml").read_text()
    assert 'commutator: "!=="\n    negator: "==="' in geo and "hashes: true" in geo
    again = run_import(pg_conninfo, tmp_path / "again")
    assert again.code == 0, again.stderr
    assert (tmp_path / "again" / "public.yaml").read_text() == public


def test_the_json_schema_knows_operators() -> None:
    import jsonschema

    from schemac.spec.jsonschema import spec_json_schema

    validator = jsonschema.Draft202012Validator(spec_json_schema())
    good = {
        "spec_type": "database-schema",
        "title": "x",
        "operators": {
            "~<<": {"function": "f", "leftarg": "text", "rightarg": "text", "hashes": True}
        },
    }
    assert list(validator.iter_errors(good)) == []
    bad = {**good, "operators": {"~<<": {"leftarg": "text", "hashes": "yes", "oops": 1}}}
    messages = sorted(e.message for e in validator.iter_errors(bad))
    assert any("function" in m for m in messages)
    assert any("'yes'" in m for m in messages)
    assert any("oops" in m for m in messages)


# --- incremental builds, judged as tests/test_incremental.py judges its cases -----------------

RULES = """
tables:
  rules:
    columns:
      id: {type: integer, primary_key: true}
      pattern: text
"""
MATCHES = """
  matches:
    arguments: text, text
    returns: boolean
    language: sql
    volatility: immutable
    body: SELECT $2 ~ $1
"""
REVERSED = (
    RULES
    + "functions:"
    + MATCHES
    + """
operators:
  "~<<":
    function: matches
    leftarg: text
    rightarg: text
    description: Pattern on the left.
"""
)
RULES_ROWS = "INSERT INTO rules VALUES (1, '^a'), (2, 'b$');"
RULES_PROBE = """
DO $$ BEGIN
  IF (SELECT count(*) FROM rules WHERE pattern ~<< 'abc') <> 1 THEN RAISE EXCEPTION 'match'; END IF;
END $$;
"""
#: the function behind it replaced by another (no OR REPLACE: dropped and created again)
ICASE = REVERSED.replace(
    "operators:",
    MATCHES.replace("matches:", "matches_icase:").replace("~", "~*").strip("\n") + "\noperators:",
).replace("function: matches\n", "function: matches_icase\n")

INCREMENTAL = {
    "operator_added": Case(RULES + "functions:" + MATCHES, REVERSED, RULES_ROWS, probe=RULES_PROBE),
    "operator_function_changed": Case(REVERSED, ICASE, RULES_ROWS, probe=RULES_PROBE),
    "operator_estimators_set": Case(
        REVERSED,
        REVERSED.replace("rightarg: text\n", "rightarg: text\n    restrict: regexeqsel\n"),
        RULES_ROWS,
        probe=RULES_PROBE,
    ),
    "operator_dropped": Case(REVERSED, RULES + "functions:" + MATCHES, RULES_ROWS),
}


@pytest.mark.postgres
@pytest.mark.parametrize("case_name", sorted(INCREMENTAL))
def test_incremental_operators_converge(
    tmp_path: Path, case_name: str, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    case = INCREMENTAL[case_name]
    specs, out, new = _evolve(tmp_path, case, "flyway")
    _golden(case_name, out, new, request.config.getoption("--update-golden"))
    _judge(pg_backend, case, specs, out, new)
