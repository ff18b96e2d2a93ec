"""`schemac diff`: a database built from the specs shows no drift; hand-made drifts are each
reported at the spec line of their object with the SQL that undoes them (and that SQL brings the
database back to the specs); only the specs' schemas count; the database is never written; bad
URLs and unusable databases are one line with exit 3 or 2."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from schemac.cli import cli
from schemac.config import Settings, load_settings
from schemac.drift import managed_schemas, version_warning
from schemac.pipeline import fresh_units, load_schema
from schemac.verify.apply import MigrationUnit, apply_units
from schemac.verify.backends import Backend
from tests.helpers import write_spec
from tests.import_helpers import dump_lines, load_sql

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
IDENTITY = SPECS / "identity.md"
BILLING = SPECS / "billing.md"
CONFIG = ROOT / "pyproject.toml"

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def run_diff(
    backend: Any, conninfo: str, specs: Path, *args: str, config: Path | None = CONFIG
) -> Run:
    """`schemac diff`, its throwaway server (for views and checks) the session's cluster; none
    at all when `backend` is None."""
    env = {"SCHEMAC_DATABASE_URL": backend.admin_conninfo if backend is not None else None}
    options = ["--config", str(config)] if config is not None else []
    result = CliRunner(env=env).invoke(
        cli,
        ["diff", str(specs), "--database-url", conninfo, "--backend", "url", *options, *args],
        catch_exceptions=False,
    )
    return Run(result.exit_code, result.stdout, result.stderr)


def settings_of(config: Path | None) -> Settings:
    return load_settings(config.parent)[0] if config is not None else Settings()


def build(conninfo: str, specs: Path, config: Path | None = CONFIG) -> None:
    """Apply a fresh build of the specs, as the migrations would leave the database."""
    settings = settings_of(config)
    schema, diagnostics = load_schema(specs, settings)
    assert schema is not None, [d.message for d in diagnostics]
    units = [
        MigrationUnit("fresh", sql, transactional, "up", f"v{i}")
        for i, (sql, transactional) in enumerate(fresh_units(schema, settings))
    ]
    result = apply_units(conninfo, units)
    assert result.failure is None, result.failure.render()


def execute(conninfo: str, sql: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql)


def line_of(path: Path, text: str, after: str | None = None) -> int:
    """The 1-based line of the first `text` in the file (below the first `after`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and text in line) + 1


@pytest.fixture
def built(pg_conninfo: str) -> str:
    build(pg_conninfo, SPECS)
    return pg_conninfo


# --- no drift --------------------------------------------------------------------------------


@pytest.mark.parametrize("specs", ["specs", "examples/hard", "examples/quickstart/specs"])
def test_a_database_built_from_the_specs_has_no_drift(
    pg_backend: Backend, pg_conninfo: str, specs: str
) -> None:
    config = CONFIG if specs == "specs" else None
    build(pg_conninfo, ROOT / specs, config)
    run = run_diff(pg_backend, pg_conninfo, ROOT / specs, config=config)
    assert run.code == 0, run.stdout + run.stderr
    assert run.stdout.startswith("no drift: ") and "matches the specs" in run.stdout
    assert run.stderr == ""
    data = json.loads(
        run_diff(pg_backend, pg_conninfo, ROOT / specs, "--format", "json", config=config).stdout
    )
    assert data["drift"] is False and data["changes"] == [] and data["refused"] == []


def test_no_throwaway_server_is_needed_when_the_text_says_the_same(
    pg_conninfo: str, tmp_path: Path
) -> None:
    specs = tmp_path / "specs"
    write_spec(
        specs,
        """
        tables:
          items:
            columns:
              id: {type: bigint, primary_key: true}
              name: {type: text, default: "'x'"}
        """,
    )
    build(pg_conninfo, specs, None)
    # --backend url without any server URL: opening a throwaway server would fail (exit 3)
    run = run_diff(None, pg_conninfo, specs, config=None)
    assert run.code == 0, run.stdout + run.stderr


def test_views_that_differ_in_text_need_a_throwaway_server_exit_3_without_one(
    pg_backend: Backend, built: str
) -> None:
    execute(built, "CREATE OR REPLACE VIEW active_users AS " + _active_users(built) + " LIMIT 5")
    run = run_diff(None, built, SPECS)
    assert run.code == 3, run.stdout + run.stderr
    assert run.stderr.startswith("error: --backend url needs SCHEMAC_DATABASE_URL")
    assert "only PostgreSQL can tell" in run.stderr and "Traceback" not in run.stderr
    run = run_diff(pg_backend, built, SPECS)
    assert run.code == 1
    view = line_of(IDENTITY, "active_users:")
    header = rf"^-- \S*identity\.md:{view}:\d+: create view public\.active_users "
    assert re.search(header, run.stdout, re.M), run.stdout


def _active_users(conninfo: str) -> str:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        row = conn.execute("SELECT pg_get_viewdef('active_users'::regclass)").fetchone()
    assert row is not None
    return str(row[0]).strip().rstrip(";")


# --- hand-made drifts ------------------------------------------------------------------------

#: (ddl, the change diff plans, the spec file and line it points at, a statement of its SQL)
DRIFTS = [
    pytest.param(
        "DROP INDEX uq_users_tenant_id_email",
        "create index public.uq_users_tenant_id_email",
        lambda: (
            IDENTITY,
            line_of(IDENTITY, "{columns: [tenant_id, lower(email)]", after="  users:"),
        ),
        "CREATE UNIQUE INDEX CONCURRENTLY uq_users_tenant_id_email ON users",
        id="dropped-index",
    ),
    pytest.param(
        "ALTER TABLE users ALTER COLUMN role SET DEFAULT 'admin'",
        "alter column public.users.role: set default",
        lambda: (IDENTITY, line_of(IDENTITY, "role:", after="  users:")),
        "ALTER TABLE users ALTER COLUMN role SET DEFAULT 'member';",
        id="changed-default",
    ),
    pytest.param(
        "ALTER TABLE users ADD COLUMN nickname text",
        "drop column public.users.nickname",
        lambda: (IDENTITY, line_of(IDENTITY, "  users:")),
        "ALTER TABLE users DROP COLUMN IF EXISTS nickname;",
        id="extra-column",
    ),
    pytest.param(
        "ALTER POLICY tenant_isolation ON users USING (true)",
        "alter policy public.users.tenant_isolation",
        lambda: (IDENTITY, line_of(IDENTITY, "tenant_isolation: {command: all", after="  users:")),
        "ALTER POLICY tenant_isolation ON users TO public USING "
        "(tenant_id = current_setting('app.tenant_id')::uuid);",
        id="altered-policy",
    ),
    pytest.param(
        "DROP TABLE api_keys",
        "create table public.api_keys",
        lambda: (IDENTITY, line_of(IDENTITY, "  api_keys:")),
        "CREATE TABLE api_keys (",
        id="dropped-table",
    ),
    pytest.param(
        "ALTER TABLE invoice_line_items DROP CONSTRAINT chk_invoice_line_items_amount, "
        "ADD CONSTRAINT chk_invoice_line_items_amount CHECK (amount = unit_price)",
        "add constraint public.invoice_line_items.chk_invoice_line_items_amount",
        lambda: (BILLING, line_of(BILLING, "chk_invoice_line_items_amount:")),
        "CHECK (amount = unit_price * quantity)",
        id="changed-check",
    ),
    pytest.param(
        "CREATE OR REPLACE VIEW active_users AS SELECT id, tenant_id, email, full_name, role, "
        "is_verified, mfa_enabled, last_login_at, created_at FROM users",
        "create view public.active_users",
        lambda: (IDENTITY, line_of(IDENTITY, "active_users:")),
        "WHERE deleted_at IS NULL",
        id="changed-view",
    ),
]


@pytest.mark.parametrize(("ddl", "change", "line", "sql"), DRIFTS)
def test_each_drift_is_reported_at_its_spec_line_and_its_sql_converges(
    pg_backend: Backend, built: str, tmp_path: Path, ddl: str, change: str, line: object, sql: str
) -> None:
    execute(built, ddl)
    run = run_diff(pg_backend, built, SPECS)
    assert run.code == 1, run.stdout + run.stderr
    assert callable(line)
    header = re.compile(rf"^-- (\S+):(\d+):(\d+): {re.escape(change)} \[", re.M)
    found = header.search(run.stdout)
    assert found is not None, run.stdout
    assert (Path(found.group(1)).resolve(), int(found.group(2))) == line(), found.group(0)
    assert sql in run.stdout
    assert "differs from the specs" in run.stderr and "nothing was run" in run.stderr
    # migra's convergence test: the printed SQL brings the database to the specs
    script = tmp_path / "fix.sql"
    script.write_text(run.stdout, encoding="utf-8")
    load_sql(built, script)
    again = run_diff(pg_backend, built, SPECS)
    assert again.code == 0, again.stdout


def test_an_object_only_the_database_has_is_named_in_the_database(
    pg_backend: Backend, built: str
) -> None:
    execute(built, "CREATE TABLE legacy (id integer)")
    run = run_diff(pg_backend, built, SPECS)
    assert run.code == 1
    assert "-- (database): drop table legacy [destructive" in run.stdout
    assert "DROP TABLE IF EXISTS legacy;" in run.stdout


def test_json_gives_each_change_with_its_spec_line_and_sql(pg_backend: Backend, built: str) -> None:
    execute(built, "ALTER TABLE users ALTER COLUMN role DROP DEFAULT; CREATE TABLE legacy (id int)")
    run = run_diff(pg_backend, built, SPECS, "--format", "json")
    assert run.code == 1 and run.stderr == ""
    data = json.loads(run.stdout)
    assert set(data) == {
        "database",
        "schemas",
        "drift",
        "changes",
        "refused",
        "ignored",
        "warnings",
    }
    assert data["drift"] is True and data["schemas"] == ["public"] and data["refused"] == []
    assert "@" in data["database"] and data["database"].endswith(conninfo_to_dict(built)["dbname"])
    default, legacy = data["changes"]
    assert set(default) == {
        "change",
        "kind",
        "safety",
        "reversibility",
        "transactional",
        "locks",
        "reason",
        "spec",
        "sql",
    }
    assert default["change"] == "alter column public.users.role: set default"
    assert default["kind"] == "alter_column" and default["safety"] == "safe"
    assert default["locks"] == [
        {"mode": "ACCESS EXCLUSIVE", "relation": "public.users", "brief": True}
    ]
    assert Path(default["spec"]["path"]).resolve() == IDENTITY
    assert default["spec"]["line"] == line_of(IDENTITY, "role:", after="  users:")
    assert default["spec"]["column"] >= 1
    assert default["sql"] == "ALTER TABLE users ALTER COLUMN role SET DEFAULT 'member';"
    assert legacy["change"] == "drop table legacy" and legacy["spec"] is None
    assert legacy["safety"] == "destructive"


# --- what is compared ------------------------------------------------------------------------


def test_only_the_schemas_of_the_specs_count_unless_asked(pg_backend: Backend, built: str) -> None:
    execute(
        built,
        "CREATE SCHEMA other; CREATE TABLE other.t (id integer);"
        "CREATE TABLE flyway_schema_history (installed_rank integer PRIMARY KEY)",
    )
    run = run_diff(pg_backend, built, SPECS)
    assert run.code == 0, run.stdout
    assert "note: public.flyway_schema_history is left out" in run.stderr
    run = run_diff(pg_backend, built, SPECS, "--schema", "other", "--format", "json")
    assert run.code == 1
    data = json.loads(run.stdout)
    assert data["schemas"] == ["other", "public"]
    assert [c["change"] for c in data["changes"]] == ["drop table other.t", "drop schema other"]
    assert data["ignored"] == ["public.flyway_schema_history"]


def test_extensions_declared_or_in_a_compared_schema_count(
    pg_conninfo: str, tmp_path: Path
) -> None:
    specs = tmp_path / "specs"
    write_spec(
        specs,
        """
        extensions: [{name: citext, schema: public}]
        tables:
          items:
            columns:
              id: {type: bigint, primary_key: true}
        """,
    )
    build(pg_conninfo, specs, None)
    execute(pg_conninfo, "DROP EXTENSION citext")
    execute(pg_conninfo, "CREATE SCHEMA ext; CREATE EXTENSION citext SCHEMA ext")
    execute(pg_conninfo, "CREATE EXTENSION pg_trgm")
    run = run_diff(None, pg_conninfo, specs, config=None)
    assert run.code == 1, run.stderr
    assert re.search(
        r"^-- \S+spec\.yaml:\d+:\d+: not planned: extension citext moves", run.stdout, re.M
    )
    assert "--   help: run ALTER EXTENSION citext SET SCHEMA public" in run.stdout
    assert "-- (database): drop extension pg_trgm [" in run.stdout
    data = json.loads(run_diff(None, pg_conninfo, specs, "--format", "json", config=None).stdout)
    assert [c["change"] for c in data["changes"]] == ["drop extension pg_trgm"]
    (refused,) = data["refused"]
    assert refused["message"].startswith("extension citext moves to schema public")
    assert refused["spec"]["path"].endswith("spec.yaml") and refused["help"]


def test_managed_schemas_are_every_schema_the_specs_use(tmp_path: Path) -> None:
    schema, _ = load_schema(ROOT / "examples/hard", Settings())
    assert schema is not None
    assert managed_schemas(schema) == ("public", "reporting")
    assert managed_schemas(schema, ("audit",)) == ("audit", "public", "reporting")


def test_a_throwaway_server_of_another_major_version_is_a_warning() -> None:
    assert version_warning(150018, 150004) is None
    warning = version_warning(150018, 160002)
    assert warning is not None and "PostgreSQL 16" in warning and "runs 15" in warning


def test_an_unknown_schema_is_a_usage_error(pg_backend: Backend, built: str) -> None:
    run = run_diff(pg_backend, built, SPECS, "--schema", "nope")
    _one_error(run, 2, "no schema nope in", "nor in the specs")


# --- read only -------------------------------------------------------------------------------


def test_the_database_is_never_written(pg_backend: Backend, built: str) -> None:
    execute(built, "DROP INDEX uq_users_tenant_id_email; CREATE TABLE legacy (id int)")
    before = dump_lines(built)
    for output in ("text", "json"):
        assert run_diff(pg_backend, built, SPECS, "--format", output).code == 1
    assert dump_lines(built) == before
    # a database that refuses every write (as a hot standby does) is read just the same
    database = conninfo_to_dict(built)["dbname"]
    execute(built, f'ALTER DATABASE "{database}" SET default_transaction_read_only = on')
    run = run_diff(pg_backend, built, SPECS)
    assert run.code == 1 and "drop table legacy" in run.stdout, run.stderr
    assert list(Path.cwd().iterdir()) == []


# --- bad input: one line, exit 3 (environment) or 2 (usage) -----------------------------------


def _one_error(run: Run, code: int, *words: str) -> None:
    assert run.code == code, (run.stdout, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in run.stderr and "secretpw" not in run.stderr
    assert run.stdout == ""


def test_an_unreachable_server_is_one_line_and_exit_3() -> None:
    run = run_diff(None, "postgresql://me:secretpw@127.0.0.1:1/app", SPECS)
    _one_error(run, 3, "cannot connect to me@127.0.0.1:1/app", "refused")


def test_an_unreadable_url_is_a_usage_error() -> None:
    _one_error(run_diff(None, "nonsense ===", SPECS), 2, "invalid --database-url")


def test_a_missing_database_is_one_line_and_exit_3(pg_conninfo: str) -> None:
    run = run_diff(None, make_conninfo(pg_conninfo, dbname="no_such_db"), SPECS)
    _one_error(run, 3, 'database "no_such_db" does not exist')


@pytest.fixture
def admin(pg_conninfo: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(pg_conninfo, autocommit=True) as connection:
        yield connection


def test_a_wrong_password_is_one_line_and_exit_3(
    pg_conninfo: str, admin: psycopg.Connection[tuple[object, ...]]
) -> None:
    # the throwaway cluster trusts every local login: for one role, ask for a password instead
    # (the server writes its own pg_hba.conf through a large object, then reloads it)
    admin.execute(
        "DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'drift_pw') THEN "
        "CREATE ROLE drift_pw LOGIN PASSWORD 'right'; END IF; END$$"
    )
    hba = admin.execute("SHOW hba_file").fetchone()
    assert hba is not None
    path = str(hba[0])
    original = admin.execute("SELECT pg_read_binary_file(%s)", (path,)).fetchone()
    assert original is not None

    def write_hba(data: bytes) -> None:
        oid = admin.execute("SELECT lo_from_bytea(0, %s)", (data,)).fetchone()
        assert oid is not None
        admin.execute("SELECT lo_export(%s, %s), lo_unlink(%s)", (oid[0], path, oid[0]))
        admin.execute("SELECT pg_reload_conf()")

    write_hba(b"local all drift_pw scram-sha-256\n" + bytes(original[0]))
    try:
        url = make_conninfo(pg_conninfo, user="drift_pw", password="secretpw")
        _one_error(run_diff(None, url, SPECS), 3, "password authentication failed")
    finally:
        write_hba(bytes(original[0]))


def test_a_role_without_access_is_one_line_and_exit_3(
    pg_conninfo: str, admin: psycopg.Connection[tuple[object, ...]]
) -> None:
    database = conninfo_to_dict(pg_conninfo)["dbname"]
    admin.execute(
        "DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'drift_reader') THEN "
        "CREATE ROLE drift_reader LOGIN; END IF; END$$"
    )
    admin.execute(f'REVOKE CONNECT ON DATABASE "{database}" FROM PUBLIC')
    url = make_conninfo(pg_conninfo, user="drift_reader")
    _one_error(run_diff(None, url, SPECS), 3, "permission denied for database")
    # allowed in, but not to read a catalog the comparison needs
    admin.execute(f'GRANT CONNECT ON DATABASE "{database}" TO drift_reader')
    admin.execute("REVOKE SELECT ON pg_catalog.pg_policy FROM PUBLIC")
    _one_error(
        run_diff(None, url, SPECS), 3, "cannot read the catalog", "permission denied for table"
    )


def test_specs_that_do_not_load_are_a_usage_error_before_connecting(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    write_spec(specs, "tables:\n  t:\n    columns:\n      id: {type: nosuchtype}\n")
    run = run_diff(None, "postgresql://me:secretpw@127.0.0.1:1/app", specs, config=None)
    assert run.code == 2 and "nosuchtype" in run.stderr and "cannot connect" not in run.stderr
