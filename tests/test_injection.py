"""Specs are untrusted input: nothing they hold may run as SQL, as a psql command, or as a
migration tool's directive, whatever the server's standard_conforming_strings says.

Every attempt here is built with schemac and applied the way a DBA or CI would (psql statement by
statement, without a wrapping transaction, so a smuggled statement would be committed; the real
dbmate), under standard_conforming_strings on, off for the session, and off for the database. The
judges are PostgreSQL's catalog (the canary table outside the specs still exists, comments read
back byte for byte through obj_description) and the file system (no psql shell escape ran).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from click.testing import CliRunner
from psycopg.conninfo import conninfo_to_dict

from schemac.cli import cli
from schemac.config import Settings
from schemac.diagnostics import Diagnostic, Severity
from schemac.load.loader import load_specs
from schemac.model.names import quote_ident, quote_literal
from schemac.model.schema import Column, Table, Trigger
from schemac.plan import changes as c
from schemac.render.clauses import comment_line
from schemac.render.environment import make_environment
from schemac.render.sql import render_change, render_unit
from schemac.resolve.context import Context
from schemac.resolve.identifiers import check_names
from schemac.spec.parse import parse_document
from tests.referees import dbmate, psql_binary

postgres = pytest.mark.postgres

#: dbmate's own patterns (pkg/dbmate/migration.go); Go's \s is [\t\n\f\r ]
DBMATE_UP = re.compile(r"(?m)^--[\t\n\f\r ]*migrate:up([\t\n\f\r ]*$|[\t\n\f\r ]+\S+)")
DBMATE_DOWN = re.compile(r"(?m)^--[\t\n\f\r ]*migrate:down([\t\n\f\r ]*$|[\t\n\f\r ]+\S+)$")

BREAK_OUT = "\\'; DROP TABLE canary; --"


def texts(marker: Path) -> dict[str, str]:
    """Descriptions that end a plain literal when standard_conforming_strings is off, then run
    SQL, a psql shell escape, or split a dbmate file."""
    return {
        "table": f"Notes. {BREAK_OUT}",
        "column": f"x \\'\n\\! touch {marker}\n-- migrate:down\nDROP TABLE canary; --",
        "view": "ok\\\n-- migrate:down\n\\! touch " + str(marker),
        "enum": "back\\slash \u202e and\ttab",
    }


def spec(marker: Path) -> dict[str, Any]:
    t = texts(marker)
    return {
        "enums": {
            "mood": {
                "values": ["it's", "back\\slash\\", "\\'); DROP TABLE canary; --"],
                "description": t["enum"],
            }
        },
        "tables": {
            "notes": {
                "description": t["table"],
                "columns": {
                    "id": "integer",
                    "body": {"type": "text", "nullable": True, "description": t["column"]},
                    "mood": {"type": "mood", "nullable": True},
                },
                "primary_key": ["id"],
                "rls": {
                    "policies": {
                        "p": {"using": "body <> '\\' OR body <> '); DROP TABLE canary; --'"}
                    }
                },
            },
            # a default that is the last element of its table, and a check that is: with the
            # setting off a plain '\' ends early and the rest would close the table and run
            "defaults_t": {
                "columns": {
                    "id": "integer",
                    "note": {
                        "type": "text",
                        "nullable": True,
                        "default": "'\\' || '); DROP TABLE canary; --'",
                    },
                }
            },
            "checks_t": {
                "columns": {"id": "integer", "note": {"type": "text", "nullable": True}},
                "checks": {"odd": "note <> '\\' OR note <> ')); DROP TABLE canary; --'"},
            },
        },
        "views": {
            "v": {
                "query": "SELECT '\\' AS a, '; DROP TABLE canary; --' AS b",
                "description": t["view"],
            }
        },
        "seed": {
            "notes": {
                "key": ["id"],
                "rows": [
                    {"id": 1, "body": BREAK_OUT, "mood": "\\'); DROP TABLE canary; --"},
                    {"id": 2, "body": f"line\n\\! touch {marker}", "mood": "back\\slash\\"},
                ],
            }
        },
    }


def write(directory: Path, body: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "spec.yaml"
    data = {"spec_type": "database-schema", "title": "Test", **body}
    path.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**6), encoding="utf-8"
    )
    return path


def build(tmp_path: Path, body: dict[str, Any], layout: str) -> Path:
    write(tmp_path / "specs", body)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["build", str(tmp_path / "specs"), "-o", str(out), "--no-lint", "--layout", layout]
    )
    assert result.exit_code == 0, result.output
    return out


def with_canary(conninfo: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE canary (id integer); INSERT INTO canary VALUES (42)")


def relations(conninfo: str) -> set[str]:
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p')"
        ).fetchall()
    return {r[0] for r in rows}


def psql(conninfo: str, path: Path, mode: str) -> None:
    """`psql -v ON_ERROR_STOP=1 -f path`, statement by statement in autocommit (no -1): what
    psql sends is committed as it goes, so a smuggled statement would stay."""
    cmd = [str(psql_binary()), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo]
    if mode == "session":
        cmd += ["-c", "SET standard_conforming_strings = off"]
    done = subprocess.run(
        [*cmd, "-f", str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr


def set_database_off(conninfo: str) -> None:
    name = conninfo_to_dict(conninfo)["dbname"]
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            f"ALTER DATABASE {quote_ident(str(name))} SET standard_conforming_strings = off"
        )
    with psycopg.connect(conninfo) as conn:
        assert conn.execute("SHOW standard_conforming_strings").fetchone() == ("off",)


@postgres
@pytest.mark.parametrize("mode", ["on", "session", "database"])
def test_nothing_in_the_specs_runs_as_sql_or_psql(
    pg_conninfo: str, tmp_path: Path, mode: str
) -> None:
    marker = tmp_path / "pwned"
    out = build(tmp_path, spec(marker), "flyway")
    up = out / "V0001__initial_schema.sql"
    with_canary(pg_conninfo)
    if mode == "database":
        set_database_off(pg_conninfo)
    psql(pg_conninfo, up, mode)

    assert not marker.exists(), "a psql shell escape ran"
    assert relations(pg_conninfo) == {"canary", "notes", "defaults_t", "checks_t", "v"}
    t = texts(marker)
    with psycopg.connect(pg_conninfo) as conn:
        assert conn.execute("SELECT id FROM canary").fetchall() == [(42,)]
        described = conn.execute(
            "SELECT obj_description('notes'::regclass, 'pg_class'), "
            "col_description('notes'::regclass, 2), "
            "obj_description('v'::regclass, 'pg_class'), "
            "obj_description('mood'::regtype, 'pg_type')"
        ).fetchone()
        assert described == (t["table"], t["column"], t["view"], t["enum"])
        labels = conn.execute("SELECT enum_range(NULL::mood)::text[]").fetchone()
        assert labels == (["it's", "back\\slash\\", "\\'); DROP TABLE canary; --"],)
        rows = conn.execute("SELECT id, body, mood::text FROM notes ORDER BY id").fetchall()
        assert rows == [
            (1, BREAK_OUT, "\\'); DROP TABLE canary; --"),
            (2, f"line\n\\! touch {marker}", "back\\slash\\"),
        ]
        assert conn.execute("SELECT a, b FROM v").fetchall() == [("\\", "; DROP TABLE canary; --")]
        conn.execute("INSERT INTO defaults_t (id) VALUES (1)")
        assert conn.execute("SELECT note FROM defaults_t").fetchone() == (
            "\\); DROP TABLE canary; --",
        )
        policy = conn.execute("SELECT qual FROM pg_policies WHERE policyname = 'p'").fetchone()
        assert policy is not None and "); DROP TABLE canary; --" in policy[0]

    psql(pg_conninfo, out / "U0001__initial_schema.sql", mode)
    assert relations(pg_conninfo) == {"canary"}
    assert not marker.exists()


def test_literals_mean_the_same_under_both_settings() -> None:
    assert quote_literal("plain") == "'plain'"
    assert quote_literal(BREAK_OUT) == "E'\\\\''; DROP TABLE canary; --'"
    assert quote_literal("a\nb\r\x1b\u202e") == "E'a\\nb\\r\\x1b\\u202e'"
    for value in texts(Path("/m")).values():
        assert "\n" not in quote_literal(value)


@postgres
@pytest.mark.parametrize("setting", ["on", "off"])
def test_quoted_literals_and_names_read_back_exactly(pg_conninfo: str, setting: str) -> None:
    values = [BREAK_OUT, "a\\", "\\", "x\n-- migrate:down\n\\! id", "\u202e\x01\x7f\x85\u2028"]
    names = ["a\\b", 'x\n-- migrate:down "', "r\u202el", "back\\slash\nnl"]
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(f"SET standard_conforming_strings = {setting}")
        for value in values:
            assert conn.execute(f"SELECT {quote_literal(value)}".encode()).fetchone() == (value,)
        for name in names:
            conn.execute(f"CREATE TABLE {quote_ident(name)} (id int)".encode())
            row = conn.execute(
                "SELECT relname FROM pg_class WHERE relname = %s", (name,)
            ).fetchone()
            assert row == (name,)
            assert "\n" not in quote_ident(name)


# --- dbmate: one file, two sections -----------------------------------------------------------


@postgres
@pytest.mark.parametrize("setting", ["on", "off"])
def test_dbmate_files_keep_their_sections(pg_conninfo: str, tmp_path: Path, setting: str) -> None:
    marker = tmp_path / "pwned"
    out = build(tmp_path, spec(marker), "dbmate")
    (migration,) = out.glob("*.sql")
    content = migration.read_text()
    assert len(DBMATE_UP.findall(content)) == 1 and len(DBMATE_DOWN.findall(content)) == 1
    assert not any(line.startswith("\\") for line in content.splitlines())
    with_canary(pg_conninfo)
    if setting == "off":
        set_database_off(pg_conninfo)
    dbmate(pg_conninfo, out, "up")
    assert relations(pg_conninfo) == {
        "canary",
        "notes",
        "defaults_t",
        "checks_t",
        "v",
        "schema_migrations",
    }
    with psycopg.connect(pg_conninfo) as conn:
        got = conn.execute("SELECT col_description('notes'::regclass, 2)").fetchone()
        assert got == (texts(marker)["column"],)
    dbmate(pg_conninfo, out, "rollback")
    assert relations(pg_conninfo) == {"canary", "schema_migrations"}
    assert not marker.exists()


def test_comment_lines_cannot_become_directives_or_sql() -> None:
    assert comment_line("a\nDROP TABLE canary;") == "a DROP TABLE canary;"
    assert comment_line("migrate:down") == "> migrate:down"
    assert comment_line("  +goose Down") == "> +goose Down"
    assert comment_line("schemac:no-transaction") == "> schemac:no-transaction"
    assert comment_line("a\x1b[2Jb\u202e") == "a\\x1b[2Jb\\u202e"
    assert comment_line("create table migrate:down") == "create table migrate:down"


def test_labels_of_a_snapshot_name_stay_comments() -> None:
    """A table name from a hand-edited snapshot (resolve refuses it in specs) with a line break
    and a directive: the label stays one comment line per line, the name is U&-escaped."""
    name = "x\n-- migrate:down\nDROP TABLE canary; --"
    unit = c.Unit((c.CreateTable(Table(name=name, columns=(Column(name="id", type="int"),))),))
    sql = render_unit(unit, make_environment(), Settings(), direction="up", labels=True)
    assert DBMATE_DOWN.search(sql) is None
    assert not any(
        line.startswith(("DROP", "-- migrate", "--migrate")) for line in sql.splitlines()
    )
    assert 'U&"x\\000a-- migrate:down\\000aDROP TABLE canary; --"' in sql


# --- names ------------------------------------------------------------------------------------


def names_errors(tmp_path: Path, body: dict[str, Any]) -> tuple[Path, list[Diagnostic]]:
    path = write(tmp_path / "specs", body)
    raws, diags = load_specs(tmp_path / "specs")
    if diags:  # refused before any name is read (the loader's own checks)
        return path, diags
    documents = []
    for raw in raws:
        doc, problems = parse_document(raw)
        assert doc is not None, problems
        documents.append((raw, doc))
    ctx = Context(Settings())
    check_names(ctx, documents)
    return path, ctx.diagnostics


EVIL = "evil\u202egnp.exe"
T = {"columns": {"id": "integer"}, "primary_key": ["id"]}
NAME_CASES: list[tuple[str, dict[str, Any]]] = [
    ("table", {"tables": {EVIL: T}}),
    ("column", {"tables": {"t": {"columns": {EVIL: "integer"}}}}),
    ("index", {"tables": {"t": {**T, "indexes": [{"columns": ["id"], "name": EVIL}]}}}),
    ("check constraint", {"tables": {"t": {**T, "checks": {EVIL: "id > 0"}}}}),
    (
        "foreign key",
        {
            "tables": {
                "t": {
                    "columns": {
                        "id": {"type": "integer", "references": {"table": "t", "name": EVIL}}
                    }
                }
            }
        },
    ),
    ("enum", {"enums": {EVIL: ["a"]}}),
    ("enum e value", {"enums": {"e": ["ok", EVIL]}}),
    ("enum e value", {"enums": {"e": {"values": ["ok", EVIL]}}}),
    ("view", {"views": {EVIL: {"query": "SELECT 1"}}}),
    ("materialized view", {"materialized_views": {EVIL: {"query": "SELECT 1"}}}),
    (
        "function",
        {"functions": {EVIL: {"returns": "integer", "language": "sql", "body": "SELECT 1"}}},
    ),
    (
        "trigger",
        {
            "triggers": {
                EVIL: {"table": "t", "timing": "before", "events": ["update"], "function": "f"}
            }
        },
    ),
    ("policy", {"tables": {"t": {**T, "rls": {"policies": {EVIL: {"using": "true"}}}}}}),
    (
        "role",
        {"tables": {"t": {**T, "rls": {"policies": {"p": {"using": "true", "roles": [EVIL]}}}}}},
    ),
    ("schema", {"schema": EVIL}),
    ("schema", {"tables": {"t": {**T, "schema": EVIL}}}),
    (
        "partition",
        {
            "tables": {
                "t": {
                    "columns": {"id": "integer"},
                    "partition_by": {"list": ["id"]},
                    "partitions": [{"name": EVIL, "values": [1]}],
                }
            }
        },
    ),
]


@pytest.mark.parametrize(
    ("what", "body"), NAME_CASES, ids=[f"{w}-{i}" for i, (w, _) in enumerate(NAME_CASES)]
)
def test_names_with_bidi_controls_are_refused_where_written(
    tmp_path: Path, what: str, body: dict[str, Any]
) -> None:
    path, found = names_errors(tmp_path, body)
    assert [(d.code, d.severity) for d in found] == [("E060", Severity.ERROR)], found
    d = found[0]
    assert d.message.startswith(f"{what} name 'evil\\u202egnp.exe' holds the bidirectional")
    assert "\u202e" not in d.message and d.help
    assert d.span is not None and d.span.line == next(
        i for i, line in enumerate(path.read_text().splitlines(), 1) if "gnp.exe" in line
    )


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "is empty"),
        ("a\nb", "holds the line break character \\n"),
        ("a\u2028b", "holds the line break character \\u2028"),
        ("zero\u200bwidth", "holds the format character \\u200b"),
        ("esc\x1b[31m", "holds the control character \\x1b"),
        ("\u2066isolate", "holds the bidirectional-text control character \\u2066"),
    ],
)
def test_empty_nul_control_and_format_names(tmp_path: Path, name: str, problem: str) -> None:
    _, found = names_errors(tmp_path, {"tables": {name: T}})
    assert [d.code for d in found] == ["E060"]
    assert found[0].message.endswith(problem)
    assert found[0].message.isprintable()


def test_a_nul_in_a_name_is_refused(tmp_path: Path) -> None:
    # the loader may refuse NUL in any string first; either way it is an error at the name
    _, found = names_errors(tmp_path, {"tables": {"a\x00b": T}})
    assert [d.code for d in found] in (["E060"], ["E014"]), found
    assert found[0].span is not None and found[0].span.line == 4
    assert found[0].message.isprintable()


def test_ordinary_unicode_names_pass(tmp_path: Path) -> None:
    body = {"tables": {"naïve_日本": {"columns": {"émoji_😀": "integer", "audit.log": "text"}}}}
    assert names_errors(tmp_path, body)[1] == []


def test_every_diagnostic_prints_what_it_quotes_escaped(tmp_path: Path) -> None:
    d = Diagnostic("E999", Severity.ERROR, "name 'a\u202eb\nc'", None, "x\x1by")
    assert (d.message, d.help) == ("name 'a\\u202eb\\nc'", "x\\x1by")
    # a live path: a trigger on an unknown table quotes the name it was given
    write(
        tmp_path / "specs",
        {
            "tables": {"t": T},
            "triggers": {
                "tr": {
                    "table": "t\u202eable",
                    "timing": "before",
                    "events": ["update"],
                    "function": "suppress_redundant_updates_trigger",
                }
            },
        },
    )
    result = CliRunner().invoke(cli, ["lint", str(tmp_path / "specs")])
    assert result.exit_code == 2
    message = next(line for line in result.output.splitlines() if "SC309" in line)
    assert "t\\u202eable" in message and "\u202e" not in message


# --- a table whose name holds a dot ------------------------------------------------------------


@postgres
def test_a_dotted_table_name_is_never_split(pg_conninfo: str, tmp_path: Path) -> None:
    """`audit.log` in public is not `log` in schema `audit`: a trigger's COMMENT and DROP, and a
    policy's DROP, name the table they were declared on (the other one has a same-named trigger
    and policy that must stay as they are)."""
    body = {
        "tables": {
            "audit.log": {
                "columns": {"id": "integer"},
                "primary_key": ["id"],
                "rls": {"policies": {"p": {"using": "true"}}},
            }
        },
        "triggers": {
            "tr": {
                "table": "public.audit.log",
                "timing": "before",
                "events": ["update"],
                "function": "suppress_redundant_updates_trigger",
                "description": "on the dotted table",
            }
        },
    }
    out = build(tmp_path, body, "flyway")
    up = (out / "V0001__initial_schema.sql").read_text()
    assert 'COMMENT ON TRIGGER tr ON "audit.log"' in up
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(
            "CREATE SCHEMA audit; CREATE TABLE audit.log (id int);"
            "CREATE TRIGGER tr BEFORE UPDATE ON audit.log FOR EACH ROW "
            "EXECUTE FUNCTION suppress_redundant_updates_trigger();"
            "CREATE POLICY p ON audit.log USING (true)"
        )
    psql(pg_conninfo, out / "V0001__initial_schema.sql", "on")
    query = (
        "SELECT n.nspname, c.relname, t.tgname, obj_description(t.oid, 'pg_trigger') "
        "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal ORDER BY 1"
    )
    policies = "SELECT schemaname, tablename, policyname FROM pg_policies ORDER BY 1"
    with psycopg.connect(pg_conninfo) as conn:
        assert conn.execute(query).fetchall() == [
            ("audit", "log", "tr", None),
            ("public", "audit.log", "tr", "on the dotted table"),
        ]
        assert len(conn.execute(policies).fetchall()) == 2
    psql(pg_conninfo, out / "U0001__initial_schema.sql", "on")
    with psycopg.connect(pg_conninfo) as conn:
        assert conn.execute(query).fetchall() == [("audit", "log", "tr", None)]
        assert conn.execute(policies).fetchall() == [("audit", "log", "p")]


def test_trigger_and_policy_targets_are_quoted_pairs() -> None:
    trigger = Trigger(
        name="tr",
        table_schema="public",
        table="audit.log",
        timing="before",
        events=("update",),
        function="f",
    )
    assert 'ON "audit.log"' in render_change(c.CreateTrigger(trigger), make_environment())
    drop = c.Drop("trigger", "public", "tr", on="audit.log")
    assert render_change(drop, make_environment()) == 'DROP TRIGGER IF EXISTS tr ON "audit.log";'
    drop = c.Drop("policy", "Audit", "p", on="audit.log")
    assert (
        render_change(drop, make_environment()) == 'DROP POLICY IF EXISTS p ON "Audit"."audit.log";'
    )
