"""Small builders for tests: write spec files and resolve them."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import NoReturn

import pytest

from schemac.config import Settings
from schemac.diagnostics import Diagnostic
from schemac.model.schema import Schema
from schemac.pipeline import load_schema

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
