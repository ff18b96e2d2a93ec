"""How `schemac import` reads: the reading side imports nothing of the model, so the command
can read the database while the model's modules are imported beside it (commands/live.py's
imported_beside), and the catalog's model is built from the same rows introspect reads."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from schemac.importer import read_catalog
from schemac.inspect import introspect
from schemac.verify.backends import Backend

SRC = Path(__file__).parent.parent / "src"


def _python(script: str) -> subprocess.CompletedProcess[str]:
    """`script` run by a fresh interpreter that imports schemac from this checkout."""
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC), "PATH": ""},
        check=True,
    )


def test_the_reading_side_imports_no_model() -> None:
    script = textwrap.dedent(
        """
        import sys
        import schemac.importer, schemac.inspect
        from schemac.importer.catalog import read_catalog
        from schemac.inspect import fetch, introspect
        heavy = {"pydantic", "pydantic_core", "sqlglot", "pglast", "yaml", "jinja2"}
        print(sorted(
            m for m in sys.modules
            if m.split(".")[0] in heavy or m.startswith(("schemac.model", "schemac.resolve"))
        ))
        """
    )
    done = _python(script)
    assert done.stdout.strip() == "[]"


def test_imported_beside_imports_during_the_block_and_restores_the_switch_interval() -> None:
    script = textwrap.dedent(
        """
        import sys, time
        from schemac.commands.live import imported_beside
        before = sys.getswitchinterval()
        with imported_beside(["schemac.no_such_module", "json"]):
            pass
        with imported_beside(["schemac.model.schema", "schemac.no_such_module", "colorsys"]):
            during = sys.getswitchinterval()
            time.sleep(0.01)
        print(during < before, sys.getswitchinterval() == before)
        print("schemac.model.schema" in sys.modules, "colorsys" in sys.modules)
        """
    )
    done = _python(script)
    # a module that cannot be imported stops the thread's list there, without a word
    assert done.stdout.split("\n")[:2] == ["True True", "True False"]
    assert done.stderr == ""


@pytest.fixture(scope="module")
def database(pg_backend: Backend) -> Iterator[str]:
    with pg_backend.database() as conninfo:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(
                """
                CREATE SCHEMA billing;
                CREATE TYPE billing.plan AS ENUM ('free', 'pro');
                CREATE TABLE billing.account (
                    id bigserial PRIMARY KEY, plan billing.plan NOT NULL DEFAULT 'free',
                    email text UNIQUE, CHECK (email <> ''));
                CREATE TABLE public.note (
                    id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    account_id bigint REFERENCES billing.account ON DELETE CASCADE,
                    body text);
                CREATE INDEX ON public.note (account_id) WHERE body IS NOT NULL;
                CREATE VIEW billing.pro AS SELECT id FROM billing.account WHERE plan = 'pro';
                CREATE FUNCTION public.one() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1';
                """
            )
        yield conninfo


def test_the_catalog_builds_what_introspect_builds(database: str) -> None:
    with psycopg.connect(database) as conn:
        catalog = read_catalog(conn)
        # the model is built from the rows when first asked for, once
        assert "schema" not in vars(catalog)
        built = catalog.schema
        assert catalog.schema is built
        with conn.transaction():
            expected = introspect(conn)
    assert built == expected
    assert [t.qualified_name for t in built.tables] == ["billing.account", "public.note"]
    assert catalog.namespaces == ("billing", "public")
