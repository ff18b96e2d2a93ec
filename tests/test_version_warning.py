"""verify warns, in one line, when the server it verifies on is not the major version the
specs target (database.version, or postgres_version in the config); it never fails for it."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.config import Settings
from schemac.verify.backends import Backend
from tests.helpers import resolve_text, write_spec
from tests.static_checks import at

TABLE = "tables:\n  notes:\n    columns:\n      id: {type: integer, primary_key: true}\n"


def _declaring(version: int) -> str:
    return f"database: {{engine: postgresql, version: {version}}}\n" + TABLE


def test_the_declared_version_is_located(tmp_path: Path) -> None:
    from schemac.verify.run import version_warning

    body = _declaring(15)
    schema = resolve_text(tmp_path, body)
    line, col = at(body, "15}")
    assert schema.database.span is not None
    assert (schema.database.span.line, schema.database.span.col) == (line, col)
    assert version_warning(schema, Settings(), 150004, "the server") is None
    warning = version_warning(schema, Settings(), 160002, "the server")
    assert warning is not None and "\n" not in warning
    assert f"spec.yaml:{line}:{col}: database.version is PostgreSQL 15" in warning
    assert "runs on PostgreSQL 16 (the server)" in warning


def test_only_a_stated_version_is_compared(tmp_path: Path) -> None:
    from schemac.verify.run import version_warning

    schema = resolve_text(tmp_path, TABLE)  # the default 16 is nobody's statement
    assert schema.database.span is None
    assert version_warning(schema, Settings(), 150004, "s") is None
    configured = Settings(postgres_version=14)
    schema = resolve_text(tmp_path / "c", TABLE, configured)
    warning = version_warning(schema, configured, 150004, "s")
    assert warning is not None and "postgres_version in the config is PostgreSQL 14" in warning


def _server_major(backend: Backend) -> int:
    with backend.database() as conninfo, psycopg.connect(conninfo) as conn:
        return conn.info.server_version // 10000


@pytest.mark.postgres
def test_verify_warns_once_and_still_passes(tmp_path: Path, pg_backend: Backend) -> None:
    major = _server_major(pg_backend)
    other = major - 1 if major > 12 else major + 1
    runner = CliRunner()
    for version, warned in ((other, True), (major, False)):
        specs, out = tmp_path / f"s{version}", tmp_path / f"m{version}"
        write_spec(specs, _declaring(version))
        assert runner.invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"]).exit_code == 0
        result = runner.invoke(
            cli, ["verify", str(specs), "-m", str(out), "--backend", "local", "--no-round-trip"]
        )
        assert result.exit_code == 0, result.stderr
        lines = [line for line in result.stderr.splitlines() if "warning:" in line]
        if warned:
            assert len(lines) == 1, result.stderr
            assert lines[0].startswith("verify: warning: ")
            assert f"database.version is PostgreSQL {other}" in lines[0]
            assert f"runs on PostgreSQL {major}" in lines[0]
        else:
            assert lines == [], result.stderr
