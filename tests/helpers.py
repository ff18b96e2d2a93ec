"""Small builders for tests: write spec files and resolve them."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

from schemac.config import Settings
from schemac.diagnostics import Diagnostic
from schemac.model.schema import Schema
from schemac.pipeline import load_schema

if TYPE_CHECKING:
    from schemac.verify.backends import Backend

HEADER = "spec_type: database-schema\ntitle: Test\n"


def write_spec(directory: Path, body: str, name: str = "spec.yaml") -> Path:
    """Write a YAML spec (the header is added) and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(HEADER + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def resolve_text(tmp_path: Path, body: str, settings: Settings | None = None) -> Schema:
    """Resolve one spec body; fails the test with the diagnostics when it does not resolve."""
    write_spec(tmp_path / "specs", body)
    schema, diags = load_schema(tmp_path / "specs", settings or Settings())
    assert schema is not None, [f"{d.span}: {d.message}" for d in diags]
    return schema


def load_text(tmp_path: Path, body: str) -> tuple[Schema | None, list[tuple[str, str]]]:
    """Resolve one spec body: the schema (None when it does not resolve) and the (code,
    message) of every diagnostic."""
    write_spec(tmp_path / "specs", body)
    schema, diags = load_schema(tmp_path / "specs", Settings())
    return schema, [(d.code, d.message) for d in diags]


def errors_of(tmp_path: Path, body: str) -> list[Diagnostic]:
    write_spec(tmp_path / "specs", body)
    schema, diags = load_schema(tmp_path / "specs", Settings())
    assert schema is None, "expected the spec to be rejected"
    return [d for d in diags if d.is_error]


def no_postgresql(reason: str) -> NoReturn:
    """A test that needs PostgreSQL and cannot get it: fails on CI (CI=true), skips elsewhere."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def build_first(specs: Path, out: Path) -> str:
    """`schemac build --no-lint` of `specs` into `out`; the first migration's text."""
    from click.testing import CliRunner

    from schemac.cli import cli

    result = CliRunner().invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"])
    assert result.exit_code == 0, result.output + result.stderr
    return next(out.glob("V*.sql")).read_text()


def assert_build_converges(specs: Path, out: Path) -> None:
    """The build in `out` (flyway layout) applied on PostgreSQL equals `specs`: up, compare,
    down to empty, up again."""
    from schemac.verify.run import migration_units, verify_units

    schema, diags = load_schema(specs, Settings())
    assert schema is not None, diags
    up, down = migration_units(out, "flyway")
    outcome = verify_units(schema, Settings(), up, down)
    problems = [f.render() for f in outcome.failures] + [d.message for d in outcome.differences]
    assert outcome.ok, problems + outcome.leftovers


def drift_messages(tmp_path: Path, spec: str, backend: Backend, *statements: str) -> list[str]:
    """Build `spec` (in tmp_path/specs, into tmp_path/out), apply it, run `statements` on the
    result, and return what verify's comparison of the catalog with the specs reports (sorted)."""
    import psycopg

    from schemac.inspect import introspect
    from schemac.verify.apply import apply_units
    from schemac.verify.compare import compare
    from schemac.verify.run import migration_units

    specs, out = tmp_path / "specs", tmp_path / "out"
    write_spec(specs, spec)
    build_first(specs, out)
    schema, diags = load_schema(specs, Settings())
    assert schema is not None, diags
    up, _ = migration_units(out, "flyway")
    with backend.database() as conninfo:
        assert apply_units(conninfo, up).ok
        with psycopg.connect(conninfo, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[call-overload]
            db = introspect(conn, schemas=["public"])
    return sorted(d.message for d in compare(schema, db))
