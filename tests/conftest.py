"""Shared test fixtures: the project's own throwaway PostgreSQL, and --update-golden."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from schemac.config import Settings
from schemac.diagnostics import EnvironmentProblem
from schemac.verify.backends import Backend, open_backend
from tests.helpers import no_postgresql


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files with the current output instead of comparing",
    )


@pytest.fixture(scope="session")
def pg_backend() -> Iterator[Backend]:
    """One local ephemeral cluster for the whole session; fails (not skips) when CI=true."""
    try:
        backend = open_backend(Settings(), kind="local")
    except EnvironmentProblem as exc:
        no_postgresql(f"no PostgreSQL for integration tests: {exc.message}")
    try:
        yield backend
    finally:
        backend.close()


@pytest.fixture
def pg_conninfo(pg_backend: Backend) -> Iterator[str]:
    """The libpq conninfo of a fresh empty database, dropped after the test."""
    with pg_backend.database() as conninfo:
        yield conninfo


@pytest.fixture(autouse=True)
def _outside_the_repository(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run every test from an empty directory, so the repository's own [tool.schemac] settings
    (tenancy RLS for the bundled specs) never leak into a test's configuration."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
