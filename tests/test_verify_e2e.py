"""End to end on real PostgreSQL: build, then verify (apply, compare, down, up again).

The url backend points at the session's throwaway cluster, so each verification creates and
drops its own databases there.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.config import Settings
from schemac.pipeline import load_schema
from schemac.verify.run import migration_units, verify_units

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.postgres


def build(specs: Path, out: Path, *extra: str) -> None:
    result = CliRunner().invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint", *extra])
    assert result.exit_code == 0, result.output + result.stderr


def verify(pg_backend: Any, specs: Path, out: Path, layout: str = "flyway") -> Any:
    settings = Settings(backend="url", database_url=pg_backend.admin_conninfo, format=layout)
    schema, diags = load_schema(specs, settings)
    assert schema is not None, diags
    up, down = migration_units(out, layout)
    return verify_units(schema, settings, up, down)


@pytest.mark.parametrize("specs", ["specs", "examples/hard", "examples/quickstart/specs"])
def test_built_migrations_converge_and_round_trip(
    pg_backend: Any, tmp_path: Path, specs: str
) -> None:
    build(ROOT / specs, tmp_path / "m")
    outcome = verify(pg_backend, ROOT / specs, tmp_path / "m")
    assert outcome.failures == [] and outcome.leftovers == [] and outcome.round_trip == []
    assert [d.message for d in outcome.differences] == []


@pytest.mark.parametrize("layout", ["golang-migrate", "dbmate"])
def test_other_layouts_verify(pg_backend: Any, tmp_path: Path, layout: str) -> None:
    build(ROOT / "examples/hard", tmp_path / "m", "--layout", layout)
    outcome = verify(pg_backend, ROOT / "examples/hard", tmp_path / "m", layout)
    assert outcome.ok, (
        outcome.failures,
        outcome.differences,
        outcome.leftovers,
        outcome.round_trip,
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_hand_edited_column_type_is_caught_at_the_spec_object(
    pg_backend: Any, tmp_path: Path
) -> None:
    build(ROOT / "specs", tmp_path / "m")
    edit(
        tmp_path / "m" / "V0001__initial_schema.sql",
        "email varchar(320) NOT NULL",
        "email text NOT NULL",
    )
    outcome = verify(pg_backend, ROOT / "specs", tmp_path / "m")
    [difference] = outcome.differences
    assert "users.email" in difference.message and "varchar(320)" in difference.message
    assert difference.span is not None and difference.span.path.endswith("identity.md")


@pytest.mark.parametrize(
    ("written", "edited", "column", "declared"),
    [
        (
            "name varchar(255) NOT NULL,\n    slug",
            "name varchar(100) NOT NULL,\n    slug",
            "tenants.name",
            "varchar(255), database has varchar(100)",
        ),
        (
            "amount numeric(19,4) NOT NULL,\n    currency char(3) NOT NULL DEFAULT 'USD',\n    code",
            "amount numeric(10,2) NOT NULL,\n    currency char(3) NOT NULL DEFAULT 'USD',\n    code",
            "plans.amount",
            "numeric(19,4), database has numeric(10,2)",
        ),
    ],
    ids=["varchar-length", "numeric-precision-scale"],
)
def test_a_hand_edited_type_modifier_is_caught(
    pg_backend: Any, tmp_path: Path, written: str, edited: str, column: str, declared: str
) -> None:
    # the same base type with another length or precision is drift too
    build(ROOT / "specs", tmp_path / "m")
    edit(tmp_path / "m" / "V0001__initial_schema.sql", written, edited)
    outcome = verify(pg_backend, ROOT / "specs", tmp_path / "m")
    [difference] = outcome.differences
    assert difference.message.startswith(f"{column}: spec says {declared}"), difference.message
    assert difference.span is not None and difference.span.path.endswith(".md")


def test_hand_dropped_index_is_caught(pg_backend: Any, tmp_path: Path) -> None:
    build(ROOT / "specs", tmp_path / "m")
    migration = tmp_path / "m" / "V0001__initial_schema.sql"
    text = migration.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("CREATE INDEX idx_users_tenant_id"))
    migration.write_text(text.replace(line + "\n", ""), encoding="utf-8")
    outcome = verify(pg_backend, ROOT / "specs", tmp_path / "m")
    messages = [d.message for d in outcome.differences]
    assert len(messages) == 1 and "idx_users_tenant_id" in messages[0]
    assert outcome.differences[0].span is not None


def test_a_wrong_down_migration_is_caught(pg_backend: Any, tmp_path: Path) -> None:
    build(ROOT / "specs", tmp_path / "m")
    edit(tmp_path / "m" / "U0001__initial_schema.sql", "DROP TYPE IF EXISTS user_role;\n", "")
    outcome = verify(pg_backend, ROOT / "specs", tmp_path / "m")
    assert outcome.differences == []
    assert any("user_role" in item for item in outcome.leftovers), outcome.leftovers


def test_a_failing_statement_is_located_in_its_file(pg_backend: Any, tmp_path: Path) -> None:
    build(ROOT / "specs", tmp_path / "m")
    migration = tmp_path / "m" / "V0001__initial_schema.sql"
    edit(migration, "CREATE TABLE users (", "CREATE TABLE users (\n    broken nosuchtype,")
    outcome = verify(pg_backend, ROOT / "specs", tmp_path / "m")
    failure = outcome.failures[0]
    line = next(
        i
        for i, x in enumerate(migration.read_text().splitlines(), 1)
        if x.startswith("CREATE TABLE users (")
    )
    assert failure.path.endswith("V0001__initial_schema.sql") and failure.line == line
    assert "nosuchtype" in failure.message
    from schemac.verify.locate import spec_object

    schema, _ = load_schema(ROOT / "specs", Settings())
    assert schema is not None
    what, span = spec_object(schema, failure.statement) or ("", None)
    assert what == "table users" and span is not None and span.path.endswith("identity.md")


def test_hard_examples_apply_with_plain_psql_and_give_exactly_the_declared_objects(
    pg_backend: Any, pg_conninfo: str, tmp_path: Path
) -> None:
    import psycopg

    from schemac.inspect import introspect
    from schemac.model.names import search_path
    from schemac.verify.canonical import canonical_check_sql, canonical_view_sql
    from schemac.verify.compare import compare

    psql = shutil.which("psql") or next(Path("/usr/lib/postgresql").glob("*/bin/psql"), None)
    assert psql is not None, "psql is needed for this test"
    build(ROOT / "examples/hard", tmp_path / "m")
    for name in ("V0001__initial_schema.sql",):
        subprocess.run(
            [
                str(psql),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-1",
                "-f",
                str(tmp_path / "m" / name),
                pg_conninfo,
            ],
            check=True,
            capture_output=True,
        )
    schema, _ = load_schema(ROOT / "examples/hard", Settings())
    assert schema is not None
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        db = introspect(conn)
        differences = compare(
            schema,
            db,
            view_sql=lambda q, s: canonical_view_sql(conn, q, search_path=search_path(s)),
            check_sql=lambda s, t, e: canonical_check_sql(conn, s, t, e),
        )
    assert [d.message for d in differences] == []


def test_verify_command_exit_codes(
    pg_backend: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(ROOT / "specs", tmp_path / "m")
    monkeypatch.setenv("SCHEMAC_DATABASE_URL", pg_backend.admin_conninfo)
    runner = CliRunner()
    ok = runner.invoke(
        cli, ["verify", str(ROOT / "specs"), "-m", str(tmp_path / "m"), "--backend", "url"]
    )
    assert ok.exit_code == 0, ok.output + ok.stderr
    assert "match the specs, undo to an empty database and apply again" in ok.stdout
    as_json = runner.invoke(
        cli,
        [
            "verify",
            str(ROOT / "specs"),
            "-m",
            str(tmp_path / "m"),
            "--backend",
            "url",
            "--format",
            "json",
            "--report",
        ],
    )
    assert as_json.exit_code == 0, as_json.stderr
    import json

    data = json.loads(as_json.stdout)
    assert data["ok"] is True and data["differences"] == [] and "locks" in data
    edit(
        tmp_path / "m" / "V0001__initial_schema.sql",
        "email varchar(320) NOT NULL",
        "email text NOT NULL",
    )
    bad = runner.invoke(
        cli, ["verify", str(ROOT / "specs"), "-m", str(tmp_path / "m"), "--backend", "url"]
    )
    assert bad.exit_code == 1 and "users.email" in bad.stderr


def test_no_postgresql_is_exit_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(ROOT / "examples/quickstart/specs", tmp_path / "m")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = CliRunner().invoke(
        cli,
        [
            "verify",
            str(ROOT / "examples/quickstart/specs"),
            "-m",
            str(tmp_path / "m"),
            "--backend",
            "local",
            "--pg-bin",
            str(empty),
        ],
    )
    assert result.exit_code == 3, result.output + result.stderr
    assert "Traceback" not in result.stderr


def test_no_round_trip_applies_up_only(pg_backend: Any, tmp_path: Path) -> None:
    build(ROOT / "specs", tmp_path / "m")
    edit(tmp_path / "m" / "U0001__initial_schema.sql", "DROP TYPE IF EXISTS user_role;\n", "")
    settings = Settings(backend="url", database_url=pg_backend.admin_conninfo)
    schema, _ = load_schema(ROOT / "specs", settings)
    assert schema is not None
    up, down = migration_units(tmp_path / "m", "flyway")
    outcome = verify_units(schema, settings, up, down, round_trip=False)
    assert outcome.ok and "round_trip" not in outcome.timings


def test_init_starter_verifies(pg_backend: Any, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "specs")])
    assert result.exit_code == 0, result.stderr
    build(tmp_path / "specs", tmp_path / "m")
    outcome = verify(pg_backend, tmp_path / "specs", tmp_path / "m")
    assert outcome.ok, (
        outcome.failures,
        outcome.differences,
        outcome.leftovers,
        outcome.round_trip,
    )
