"""Helpers for the static-check tests: located codes, and the SQL PostgreSQL gets without them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import psycopg
import pytest

from schemac.config import Settings
from schemac.pipeline import fresh_units, load_schema
from schemac.resolve import checks
from schemac.verify.apply import ApplyResult, MigrationUnit, apply_units
from tests.helpers import errors_of, resolve_text, write_spec

#: a spec body's first line is line 3 of the file (helpers.HEADER holds two)
FIRST_LINE = 3


def at(body: str, needle: str, shift: int = 0) -> tuple[int, int]:
    """(line, col) in the spec file of the first `needle` in `body`, moved `shift` columns on
    (to point past a key at its value: at(body, "nullable: true", len("nullable: ")))."""
    text = textwrap.dedent(body).lstrip("\n")
    index = text.index(needle) + shift
    line = text.count("\n", 0, index)
    return FIRST_LINE + line, index - (text.rfind("\n", 0, index) + 1) + 1


def located(tmp_path: Path, body: str) -> list[tuple[str, int, int]]:
    """(code, line, col) of every error the spec gives, sorted; fails when it resolves."""
    found = []
    for d in errors_of(tmp_path, body):
        assert d.span is not None, d
        assert d.help, f"{d.code} has no help: {d.message}"
        found.append((d.code, d.span.line, d.span.col))
    return sorted(found)


def builds(tmp_path: Path, body: str) -> None:
    resolve_text(tmp_path, body)


def apply_unchecked(
    tmp_path: Path, body: str, conninfo: str, monkeypatch: pytest.MonkeyPatch
) -> ApplyResult:
    """Apply the fresh build of `body` made without the static checks of check_schema: the
    proof that PostgreSQL refuses what a check refuses."""
    monkeypatch.setattr(checks, "check_schema", lambda *args: None)
    return apply_built(tmp_path, body, conninfo)


def apply_built(tmp_path: Path, body: str, conninfo: str) -> ApplyResult:
    """Apply the fresh build of `body` (a near miss: PostgreSQL must take it)."""
    write_spec(tmp_path / "applied", body)
    schema, diags = load_schema(tmp_path / "applied", Settings())
    assert schema is not None, [d.message for d in diags]
    units = [
        MigrationUnit(f"V{i}__fresh.sql", sql, transactional, "up", f"V{i}")
        for i, (sql, transactional) in enumerate(fresh_units(schema, Settings()), start=1)
    ]
    return apply_units(conninfo, units)


def refused(result: ApplyResult) -> str:
    """PostgreSQL's message for the failing statement (fails the test when nothing failed)."""
    assert result.failure is not None, "PostgreSQL applied the SQL the check refuses"
    return result.failure.message


def query(conninfo: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(conninfo) as conn:
        return list(conn.execute(sql).fetchall())
