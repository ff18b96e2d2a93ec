"""Raw SQL fields of the specs must be exactly the one construct each stands for.

Every field pasted into a statement (check, default, generated, index expressions and
predicates, policies, view queries, trigger conditions, type-change `using`, function arguments,
return types and bodies) is refused, at its own `file:line:col`, when it could end or change the
statement around it. render/ refuses the same text once more (a model may come from a snapshot),
and PostgreSQL itself is the judge of the PL/pgSQL parser the body check uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from click.testing import CliRunner

from schemac.cli import cli
from schemac.config import Settings
from schemac.diagnostics import Diagnostic
from schemac.load.loader import load_specs
from schemac.model import fragments
from schemac.model.schema import Check, Column, Function, Policy, Table, View
from schemac.pipeline import load_schema
from schemac.plan import changes as c
from schemac.render.check import UnsafeFragment
from schemac.render.clauses import function_signature
from schemac.render.environment import make_environment
from schemac.render.sql import render_change, render_unit
from schemac.resolve import objects
from schemac.resolve.context import Context, Located
from schemac.spec.parse import parse_document

CANARY = {"canary": {"columns": {"id": "integer"}, "primary_key": ["id"]}}


def write(directory: Path, body: dict[str, Any]) -> Path:
    """A spec file from plain data (one value per line, never wrapped)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "spec.yaml"
    data = {"spec_type": "database-schema", "title": "Test", **body}
    path.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**6), encoding="utf-8"
    )
    return path


def line_of(path: Path, marker: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if marker in line)


def errors(tmp_path: Path, body: dict[str, Any]) -> tuple[Path, list[Diagnostic]]:
    path = write(tmp_path / "specs", body)
    schema, diags = load_schema(tmp_path / "specs", Settings())
    assert schema is None, "expected the spec to be rejected"
    return path, [d for d in diags if d.is_error]


def accepted(tmp_path: Path, body: dict[str, Any]) -> None:
    write(tmp_path / "specs", body)
    schema, diags = load_schema(tmp_path / "specs", Settings())
    assert schema is not None, [f"{d.span}: {d.code} {d.message}" for d in diags]


def table(columns: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"tables": {**CANARY, "t": {"columns": {"id": "integer", **columns}, **more}}}


# --- expressions: check, default, generated, using, index parts and predicates, policies ------


def column_field(key: str, value: str, type_: str = "integer") -> tuple[dict[str, Any], str]:
    return table({"n": {"type": type_, key: value}}), f"{key}:"


EXPRESSION_ATTACKS: list[tuple[str, dict[str, Any], str, str]] = [
    # (what, the spec, the key the error must point at, the code)
    ("check", *column_field("check", "n > 0) ; DROP TABLE canary; --"), "E036"),
    (
        "check",
        *column_field("check", "n > 0)) ; DROP TABLE canary; CREATE TABLE x ((y int"),
        "E036",
    ),
    (
        "check",
        table({"n": "integer"}, checks={"positive": "n > 0 -- and the rest"}),
        "positive:",
        "E036",
    ),
    ("check", table({"n": "integer"}, checks={"open": "n > 0 /* never closed"}), "open:", "E036"),
    ("default", *column_field("default", "'x'::text references canary", "text"), "E033"),
    ("default", *column_field("default", "'x' NOT NULL", "text"), "E033"),
    ("default", *column_field("default", "'x'; DROP TABLE canary", "text"), "E033"),
    ("default", *column_field("default", "'x' collation", "text"), "E033"),
    ("default", *column_field("default", "now() -- swallow", "timestamptz"), "E033"),
    (
        "generated",
        *column_field("generated", "id) STORED, z int GENERATED ALWAYS AS (1"),
        "E036",
    ),
    ("using", *column_field("using", "n::integer; DROP TABLE canary"), "E036"),
    (
        "index where",
        table({"n": "integer"}, indexes=[{"columns": ["n"], "where": "n > 0; DROP TABLE canary"}]),
        "where:",
        "E036",
    ),
    (
        "index where",
        table({"n": "integer"}, indexes=[{"columns": ["n"], "where": "n > 0 -- c"}]),
        "where:",
        "E036",
    ),
    (
        "index expression",
        table({"n": "integer"}, indexes=[{"columns": ["(n)); DROP TABLE canary; --"]}]),
        "DROP TABLE canary",
        "E036",
    ),
    (
        "policy using",
        table({"n": "integer"}, rls={"policies": {"p": {"using": "true) WITH CHECK (true"}}}),
        "using:",
        "E036",
    ),
    (
        "policy with_check",
        table(
            {"n": "integer"},
            rls={"policies": {"p": {"with_check": "true); DROP TABLE canary; --"}}},
        ),
        "with_check:",
        "E036",
    ),
]


@pytest.mark.parametrize(
    ("what", "body", "key", "code"), EXPRESSION_ATTACKS, ids=[a[0] for a in EXPRESSION_ATTACKS]
)
def test_expression_fields_refuse_what_could_end_their_clause(
    tmp_path: Path, what: str, body: dict[str, Any], key: str, code: str
) -> None:
    path, found = errors(tmp_path, body)
    assert [d.code for d in found] == [code], [d.message for d in found]
    assert found[0].span is not None and found[0].span.path.endswith("spec.yaml")
    assert found[0].span.line == line_of(path, key)


LEGITIMATE_EXPRESSIONS = [
    table({"s": {"type": "varchar(20)", "default": "'a'::character varying(20)"}}),
    table({"s": {"type": "text", "default": "'it''s'"}}),
    table({"s": {"type": "text", "default": "'semi; colon -- and dash'"}}),
    table({"s": {"type": "text", "default": "'C:\\dir'"}}),
    table({"t": {"type": "timestamptz", "default": "'2026-01-01'::timestamp with time zone"}}),
    table({"n": {"type": "integer", "check": "n > 0 -- positive\n  AND n < 10"}}),
    table({"n": {"type": "integer", "check": "n /* inline */ > 0"}}),
    table({"s": {"type": "text", "check": "s ~ '^[a-z]+\\d*$'"}}),
    table({"a": {"type": "integer[]", "check": "a[1:2] IS NOT NULL"}}),
    table({"n": "integer"}, indexes=[{"columns": ["(n + 1)", "lower(n::text)"], "where": "n > 0"}]),
]


@pytest.mark.parametrize("body", LEGITIMATE_EXPRESSIONS)
def test_ordinary_expressions_still_pass(tmp_path: Path, body: dict[str, Any]) -> None:
    accepted(tmp_path, body)


# --- view and materialized view queries: exactly one SELECT ----------------------------------

QUERY_ATTACKS = [
    "SELECT 1; DROP TABLE canary",
    "SELECT 1 AS a -- comment swallowing the ';'",
    "SELECT 1 AS a\n-- a last comment line swallows the ';' too\n",
    "SELECT 1 /* open",
    "DROP TABLE canary",
    "INSERT INTO canary VALUES (1) RETURNING id",
    "WITH gone AS (DELETE FROM canary RETURNING id) SELECT id FROM gone",
    "SELECT 1 AS a INTO copied",
    "SELECT 1 AS a\n-- migrate:down\n",
    "SELECT 1 AS a\n--\nmigrate:down",
    "SELECT 1 AS a\n-- +goose Down",
    "SELECT 1 AS a) AS x",
    "SELECT '\u202e' AS a",
]


@pytest.mark.parametrize("kind", ["views", "materialized_views"])
@pytest.mark.parametrize("query", QUERY_ATTACKS)
def test_a_view_query_is_exactly_one_select(tmp_path: Path, kind: str, query: str) -> None:
    path, found = errors(tmp_path, {"tables": CANARY, kind: {"v": {"query": query}}})
    assert [d.code for d in found] == ["E061"], [d.message for d in found]
    assert found[0].span is not None
    assert found[0].span.line == line_of(path, "query:")
    assert "exactly one SELECT" in found[0].message and found[0].help


@pytest.mark.parametrize(
    "query",
    [
        "SELECT id FROM canary;",
        "VALUES (1), (2)",
        "TABLE canary",
        "WITH x AS (SELECT id FROM canary) SELECT id FROM x",
        "SELECT id, ';' AS semi, '--' AS dash FROM canary",
        "SELECT id -- the key\nFROM canary\n",
        "SELECT id\n-- migrate is not a directive without a colon\nFROM canary",
    ],
)
def test_ordinary_queries_still_pass(tmp_path: Path, query: str) -> None:
    accepted(tmp_path, {"tables": CANARY, "views": {"v": {"query": query}}})


# --- trigger conditions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "when",
    [
        "true) EXECUTE FUNCTION pg_catalog.now(); DROP TABLE canary; --",
        "NEW.id > 0) OR (true",
        "NEW.id > 0 -- swallows ) EXECUTE",
        "NEW.id > 0 AS label",
        "NEW.id FROM canary",
    ],
)
def test_a_trigger_condition_is_one_expression(tmp_path: Path, when: str) -> None:
    body = {
        "tables": CANARY,
        "triggers": {
            "t": {
                "table": "canary",
                "timing": "before",
                "events": ["update"],
                "function": "suppress_redundant_updates_trigger",
                "when": when,
            }
        },
    }
    path, found = errors(tmp_path, body)
    assert [d.code for d in found] == ["E065"], [d.message for d in found]
    assert found[0].span is not None and found[0].span.line == line_of(path, "when:")


def test_a_refused_field_writes_nothing_and_exits_2(tmp_path: Path) -> None:
    path = write(
        tmp_path / "specs",
        {"tables": CANARY, "views": {"v": {"query": "SELECT 1; DROP TABLE canary"}}},
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["build", str(tmp_path / "specs"), "-o", str(out), "--no-lint"]
    )
    assert result.exit_code == 2, result.output
    assert f"spec.yaml:{line_of(path, 'query:')}:" in result.output
    assert "E061 error" in result.output and "help:" in result.output
    assert not out.exists()
    result = CliRunner().invoke(cli, ["lint", str(tmp_path / "specs")])
    assert result.exit_code == 2 and "E061" in result.output


# --- functions: arguments, return type, body --------------------------------------------------


def function_errors(tmp_path: Path, spec: dict[str, Any]) -> tuple[Path, list[Diagnostic]]:
    """objects.check_function's diagnostics for one function spec (see the report: resolve runs
    it for every declared function once resolve/__init__ calls it)."""
    path = write(tmp_path / "specs", {"functions": {"f": spec}})
    raws, _ = load_specs(tmp_path / "specs")
    ctx = Context(Settings())
    for raw in raws:
        doc, diags = parse_document(raw)
        assert doc is not None, diags
        objects.check_function(ctx, "f", doc.functions["f"], Located(raw, doc, ("functions", "f")))
    return path, ctx.diagnostics


FUNCTION = {"returns": "integer", "language": "sql", "body": "SELECT 1"}

FUNCTION_ATTACKS = [
    (
        {"arguments": "a int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$; DROP TABLE canary; --"},
        "E062",
        "arguments:",
    ),
    (
        {"arguments": "a int) RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$ --"},
        "E062",
        "arguments:",
    ),
    ({"arguments": ["a int -- the id", "b int"]}, "E062", "a int -- the id"),
    ({"arguments": "a int, OUT"}, "E062", "arguments:"),
    ({"returns": "integer SECURITY DEFINER"}, "E063", "returns:"),
    ({"returns": "integer SET search_path = evil"}, "E063", "returns:"),
    ({"returns": "integer LANGUAGE c AS 'libc', 'system'"}, "E063", "returns:"),
    ({"returns": "integer; DROP TABLE canary"}, "E063", "returns:"),
    ({"returns": "integer -- note"}, "E063", "returns:"),
    ({"returns": ""}, "E063", "returns:"),
    ({"body": "SELECT 1 +"}, "E064", "body:"),
    ({"body": "SELECT 1;\n-- migrate:down\nDROP TABLE canary;"}, "E064", "body:"),
    ({"language": "plpgsql", "body": "BEGIN\n  RETURN 1\nEND;"}, "E064", "body:"),
    (
        {"language": "plpgsql", "body": "BEGIN\n  SELECT 1 INTO missing;\n  RETURN 1;\nEND;"},
        "E064",
        "body:",
    ),
    ({"language": "plpython3u", "body": "return 1\n-- schemac:no-transaction\n"}, "E064", "body:"),
]


@pytest.mark.parametrize(("change", "code", "key"), FUNCTION_ATTACKS)
def test_function_fields_are_exactly_their_construct(
    tmp_path: Path, change: dict[str, Any], code: str, key: str
) -> None:
    path, found = function_errors(tmp_path, {**FUNCTION, **change})
    assert [d.code for d in found] == [code], [d.message for d in found]
    assert found[0].span is not None and found[0].span.line == line_of(path, key)
    assert found[0].help


@pytest.mark.parametrize(
    "change",
    [
        {"arguments": "a int DEFAULT 1, OUT b text"},
        {"arguments": ["tenant uuid", "fallback text DEFAULT ')'"], "returns": "SETOF text"},
        {"arguments": "VARIADIC xs integer[]", "returns": "TABLE (a integer, b text)"},
        {"arguments": "a text DEFAULT $$); DROP TABLE canary; --$$"},
        {"returns": "timestamp with time zone", "body": "SELECT now()"},
        {"returns": "trigger", "language": "plpgsql", "body": "BEGIN\n  RETURN NEW;\nEND;"},
        {"returns": "integer", "language": "plpgsql", "body": "BEGIN RETURN 1; END; -- $function$"},
    ],
)
def test_ordinary_functions_still_pass(tmp_path: Path, change: dict[str, Any]) -> None:
    assert function_errors(tmp_path, {**FUNCTION, **change})[1] == []


PLPGSQL_BODIES = [
    ("", "integer", "BEGIN RETURN 1; END;"),
    ("", "integer", "BEGIN RETURN 1 END;"),
    ("a integer", "integer", "BEGIN RETURN a + 1; END;"),
    ("a integer", "integer", "BEGIN RETURN a +; END;"),
    ("", "integer", "DECLARE n integer; BEGIN SELECT 1 INTO n; RETURN n; END;"),
    ("", "integer", "BEGIN SELECT 1 INTO missing; RETURN 1; END;"),
    ("", "void", "BEGIN RETURN 1; END;"),
    ("", "trigger", "BEGIN NEW.id := 1; RETURN NEW; END;"),
    ("", "SETOF integer", "BEGIN RETURN NEXT 1; RETURN; END;"),
    ("", "TABLE (a integer)", "BEGIN a := 1; RETURN NEXT; END;"),
    ("", "integer", "<<blk>> DECLARE x integer := 0; BEGIN RETURN blk.x; END;"),
    ("", "integer", "BEGIN IF true THEN RETURN 1; END; END;"),
]


@pytest.mark.postgres
def test_the_plpgsql_check_agrees_with_postgresql(pg_conninfo: str) -> None:
    """The PL/pgSQL parser refuses exactly the bodies PostgreSQL's CREATE FUNCTION refuses."""
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        for i, (arguments, returns, body) in enumerate(PLPGSQL_BODIES):
            ours = fragments.body_problem(body, "plpgsql", arguments, returns)
            try:
                conn.execute(
                    f"CREATE FUNCTION f{i}({arguments}) RETURNS {returns} "
                    f"LANGUAGE plpgsql AS $b${body}$b$"
                )
                theirs = None
            except psycopg.Error as exc:
                theirs = str(exc)
            assert (ours is None) == (theirs is None), (body, ours, theirs)


# --- render refuses the same text, whatever model it comes from -------------------------------


def _function(**fields: Any) -> Function:
    return Function(
        **{"name": "f", "returns": "integer", "body": "SELECT 1", "language": "sql", **fields}
    )


@pytest.mark.parametrize(
    "change",
    [
        c.CreateFunction(_function(arguments="a int) RETURNS int AS $$x$$; DROP TABLE canary; --")),
        c.CreateFunction(_function(returns="integer SECURITY DEFINER")),
        c.CreateFunction(_function(body="SELECT 1;\n-- migrate:down\nDROP TABLE canary;")),
        c.CreateView(View(name="v", query="SELECT 1; DROP TABLE canary")),
        c.CreateTable(
            Table(
                name="t", columns=(Column(name="a", type="text", default="'x'; DROP TABLE canary"),)
            )
        ),
        c.CreateTable(
            Table(
                name="t",
                columns=(Column(name="a", type="int"),),
                checks=(Check(name="k", expression="a > 0) ; DROP TABLE canary; --"),),
            )
        ),
    ],
    ids=["arguments", "returns", "body", "view", "default", "check"],
)
def test_render_refuses_unsafe_fragments_of_any_model(change: c.Change) -> None:
    with pytest.raises(UnsafeFragment, match="refusing to place"):
        render_change(change, make_environment())


def test_render_refuses_an_unsafe_policy_and_drop_signature() -> None:
    table = Table(
        name="t",
        columns=(Column(name="a", type="int"),),
    )
    policy = Policy(name="p", using="true) WITH CHECK (true")
    with pytest.raises(UnsafeFragment):
        render_change(c.CreatePolicy(table, policy), make_environment())
    with pytest.raises(UnsafeFragment):
        render_change(
            c.Drop("function", "public", "f", arguments="a int); DROP TABLE canary; --"),
            make_environment(),
        )


def test_a_partition_key_expression_cannot_smuggle_statements(tmp_path: Path) -> None:
    # resolve/partitions.py does not check expression keys (yet): render refuses them
    write(
        tmp_path / "specs",
        {
            "tables": {
                **CANARY,
                "events": {
                    "columns": {"id": "integer", "at": "timestamptz"},
                    "partition_by": {
                        "range": [
                            "at)); DROP TABLE canary; CREATE TABLE zz (x int) PARTITION BY RANGE ((x"
                        ]
                    },
                },
            }
        },
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["build", str(tmp_path / "specs"), "-o", str(out), "--no-lint"]
    )
    # refused either way: by a resolve check once there is one (exit 2), or by render
    refused_by_render = isinstance(result.exception, UnsafeFragment)
    assert refused_by_render or (result.exit_code == 2 and " error: " in result.output)
    assert not out.exists()


def test_signatures_are_read_with_the_scanner() -> None:
    assert function_signature("a int -- the id\n, b  int DEFAULT 2") == "a int, b int"
    assert (
        function_signature("a text DEFAULT $$,=)$$, b numeric(10,2) = 1")
        == "a text, b numeric(10,2)"
    )
    assert function_signature("xs int[] DEFAULT '{1,2}'") == "xs int[]"
    with pytest.raises(UnsafeFragment):
        function_signature("a int); DROP TABLE canary; --")


@pytest.mark.postgres
def test_a_body_cannot_end_its_dollar_quote(pg_conninfo: str) -> None:
    """Whatever dollar tags the body holds, the chosen tag is not one of them (both settings)."""
    body = (
        "BEGIN\n"
        "    RAISE NOTICE '$function$; DROP TABLE canary; --';\n"
        "    RAISE NOTICE '$function_1$ $function_2$ $$ $';\n"
        "    RETURN 1;\n"
        "END;"
    )
    fn = Function(name="f", returns="integer", body=body, language="plpgsql")
    sql = render_unit(
        c.Unit((c.CreateFunction(fn),)),
        make_environment(),
        Settings(lock_timeout=None),
        direction="up",
    )
    assert "AS $function_3$\n" in sql
    for setting in ("on", "off"):
        with psycopg.connect(pg_conninfo, autocommit=True) as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS canary (id int)")
            conn.execute("DROP FUNCTION IF EXISTS f()")
            conn.execute(f"SET standard_conforming_strings = {setting}")
            conn.execute(sql.encode())
            assert conn.execute("SELECT to_regclass('canary') IS NOT NULL").fetchone() == (True,)
            src = conn.execute("SELECT prosrc FROM pg_proc WHERE proname = 'f'").fetchone()
            assert src == (f"\n{body}\n",)
