"""`schemac mask`: masking views and the anonymisation script, applied to real PostgreSQL.

The fixture (tests/fixtures/classified) classifies columns of most types. Both outputs are
golden (`pytest --update-golden` rewrites tests/golden/mask/), parse with PostgreSQL's parser,
and are applied on a database that holds rows: masked values differ from the originals, equal
originals give equal masks, NULLs stay NULL, keys and foreign keys still join, and public,
internal and unclassified columns are unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from pglast import parser

from schemac.cli import cli
from schemac.config import Settings
from schemac.mask import mask_sql
from schemac.pipeline import fresh_units, load_schema
from schemac.verify.apply import MigrationUnit, apply_units
from tests.helpers import write_spec

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "tests" / "fixtures" / "classified"
GOLDEN = ROOT / "tests" / "golden" / "mask"
TENANT = "00000000-0000-0000-0000-0000000000aa"
ADA, BOB, CAROL = (f"00000000-0000-0000-0000-00000000000{i}" for i in (1, 2, 3))
ROWS = f"""
INSERT INTO tenants (id, name) VALUES ('{TENANT}', 'Acme');
INSERT INTO users (id, tenant_id, email, full_name, birth_date, gender, salary, last_login_ip,
                   last_login_at, nicknames, preferences, password_hash, mfa_secret_encrypted,
                   role, updated_at)
VALUES
  ('{ADA}', '{TENANT}', 'ada@example.com', 'Ada Lovelace', '1815-12-10', 'female', 5000.50,
   '192.168.17.4', '2026-03-04 05:06:07+00', '{{ada,countess}}', '{{"theme": "dark"}}',
   '$argon2id$v=19$abc', '\\x0102', 'owner', '2026-01-02 03:04:05+00'),
  ('{BOB}', '{TENANT}', 'bob@example.com', 'Same Name', NULL, 'male', NULL,
   NULL, NULL, '{{}}', '{{}}', '$argon2id$v=19$def', NULL, 'member', '2026-01-02 03:04:05+00'),
  ('{CAROL}', '{TENANT}', 'carol@example.com', 'Same Name', '1990-07-15', 'diverse', 10.00,
   '2001:db8::1', '2025-11-30 23:59:59+00', '{{c}}', '{{"a": 1}}', '$argon2id$v=19$ghi',
   '\\x03', 'member', '2026-01-02 03:04:05+00');
INSERT INTO subscriptions (email, user_id, topic) VALUES
  ('ada@example.com', '{ADA}', 'releases'), ('news@example.org', NULL, 'digest');
"""
USERS = (
    "SELECT id, tenant_id, email, full_name, birth_date, gender::text, salary,"
    " host(last_login_ip), last_login_at, nicknames, preferences, password_hash,"
    " mfa_secret_encrypted, role, created_at, updated_at, deleted_at, version"
    " FROM {} ORDER BY id"
)
#: the columns of USERS that are kept as they are (keys, internal and unclassified columns)
KEPT = ("id", "tenant_id", "role", "created_at", "updated_at", "deleted_at", "version")
NAMES = [
    "id",
    "tenant_id",
    "email",
    "full_name",
    "birth_date",
    "gender",
    "salary",
    "last_login_ip",
    "last_login_at",
    "nicknames",
    "preferences",
    "password_hash",
    "mfa_secret_encrypted",
    "role",
    "created_at",
    "updated_at",
    "deleted_at",
    "version",
]


def _schema():  # type: ignore[no-untyped-def]
    schema, diagnostics = load_schema(SPECS, Settings())
    assert schema is not None, [d.message for d in diagnostics]
    return schema


def _populated(conninfo: str) -> None:
    units = [
        MigrationUnit(f"V{i}__fresh.sql", sql, transactional, "up", f"V{i}")
        for i, (sql, transactional) in enumerate(fresh_units(_schema(), Settings()), start=1)
    ]
    assert apply_units(conninfo, units).failure is None
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(ROWS)


def _rows(conninfo: str, sql: str) -> list[dict[str, object]]:
    with psycopg.connect(conninfo) as conn:
        return [dict(zip(NAMES, row, strict=True)) for row in conn.execute(sql).fetchall()]


def _run(conninfo: str, sql: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql)


def _assert_masked(before: list[dict[str, object]], after: list[dict[str, object]]) -> None:
    assert [r["id"] for r in after] == [r["id"] for r in before]
    for old, new in zip(before, after, strict=True):
        for name in KEPT:
            assert new[name] == old[name], name
        for name in ("email", "full_name", "preferences"):
            assert new[name] != old[name], (name, old[name])
        assert new["nicknames"] != old["nicknames"] or old["nicknames"] == []
        for name in ("birth_date", "gender", "salary", "last_login_ip", "last_login_at"):
            assert (new[name] is None) == (old[name] is None), name  # NULL stays NULL
        assert new["mfa_secret_encrypted"] is None
        assert str(new["email"]).endswith("@example.invalid")
    ada, bob, carol = after
    assert (ada["birth_date"], ada["salary"]) != (before[0]["birth_date"], before[0]["salary"])
    assert str(ada["birth_date"]) == "1815-01-01" and ada["last_login_ip"] == "192.168.0.0"
    assert str(ada["last_login_at"]).startswith("2026-01-01 00:00:00")
    assert carol["last_login_ip"] == "2001:db8::"
    assert bob["full_name"] == carol["full_name"] != "Same Name"  # deterministic
    assert ada["gender"] in ("female", "male", "diverse", "undisclosed")
    assert len(ada["nicknames"]) == 2 and bob["nicknames"] == []  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["views", "script"])
def test_mask_matches_golden_and_parses(mode: str, request: pytest.FixtureRequest) -> None:
    sql, problems = mask_sql(_schema(), mode)  # type: ignore[arg-type]
    assert problems == []
    assert mask_sql(_schema(), mode)[0] == sql  # type: ignore[arg-type]
    path = GOLDEN / f"people.{mode}.sql"
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql, encoding="utf-8")
    assert sql == path.read_text(encoding="utf-8"), f"differs from {path}"
    statements = parser.parse_sql(sql)
    kinds = [type(s.stmt).__name__ for s in statements]
    assert kinds[0] == "TransactionStmt" and kinds[-1] == "TransactionStmt"
    if mode == "views":
        assert kinds.count("ViewStmt") == 3  # tenants, users, subscriptions: each classifies
        assert "CREATE SCHEMA IF NOT EXISTS masked;" in sql
    else:
        assert kinds.count("UpdateStmt") == 1  # subscriptions keeps its keys, tenants is public
        assert "password_hash = CAST('redacted' AS varchar(255))" in sql


@pytest.mark.postgres
def test_masking_views_hide_personal_data_and_keep_joins(pg_conninfo: str) -> None:
    _populated(pg_conninfo)
    sql, _ = mask_sql(_schema(), "views")
    _run(pg_conninfo, sql)
    _run(pg_conninfo, sql)  # rerunnable: the views are replaced
    before = _rows(pg_conninfo, USERS.format("public.users"))
    after = _rows(pg_conninfo, USERS.format("masked.users"))
    _assert_masked(before, after)
    assert all(r["password_hash"] is None for r in after)
    with psycopg.connect(pg_conninfo) as conn:
        joined = conn.execute(
            "SELECT s.topic, t.name FROM masked.subscriptions s JOIN masked.users u"
            " ON u.id = s.user_id JOIN masked.tenants t ON t.id = u.tenant_id"
        ).fetchall()
        kept = conn.execute("SELECT email FROM masked.subscriptions ORDER BY email").fetchall()
    assert joined == [("releases", "Acme")]
    assert kept == [("ada@example.com",), ("news@example.org",)]  # a primary key is kept


@pytest.mark.postgres
def test_anonymisation_script_overwrites_a_copy_in_place(pg_conninfo: str) -> None:
    _populated(pg_conninfo)
    before = _rows(pg_conninfo, USERS.format("users"))
    sql, _ = mask_sql(_schema(), "script")
    _run(pg_conninfo, sql)
    after = _rows(pg_conninfo, USERS.format("users"))
    _assert_masked(before, after)  # updated_at unchanged: the trigger was off
    assert all(r["password_hash"] == "redacted" for r in after)
    with psycopg.connect(pg_conninfo) as conn:
        joined = conn.execute(
            "SELECT s.topic FROM subscriptions s JOIN users u ON u.id = s.user_id"
        ).fetchall()
        triggers = conn.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'"
        ).fetchall()
    assert joined == [("releases",)]
    assert triggers == []  # enabled again


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_writes_the_file_or_prints(tmp_path: Path) -> None:
    out = tmp_path / "masked.sql"
    code, stdout, err = run("mask", str(SPECS), "-o", str(out), "--mode", "script")
    assert code == 0, err
    assert stdout == f"wrote {out}\n"
    assert out.read_text(encoding="utf-8") == (GOLDEN / "people.script.sql").read_text()
    code, stdout, _ = run("mask", str(SPECS), "--schema", "Lower Env")
    assert code == 0 and 'CREATE VIEW "Lower Env".users AS' in stdout


def test_a_schema_of_the_specs_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "masked.sql"
    code, stdout, err = run("mask", str(SPECS), "--schema", "public", "-o", str(out))
    assert code == 2 and "E171" in err and "help:" in err and stdout == ""
    assert not out.exists()


def test_an_unmaskable_not_null_column_is_located(tmp_path: Path) -> None:
    write_spec(
        tmp_path / "specs",
        "tables:\n  places:\n    columns:\n"
        "      id: {type: uuid, primary_key: true}\n"
        "      spot: {type: point, classification: pii}\n",
    )
    out = tmp_path / "masked.sql"
    code, _, err = run("mask", str(tmp_path / "specs"), "--mode", "script", "-o", str(out))
    assert code == 2, err
    assert re.search(r"spec\.yaml:7:7: E172 error: cannot mask places\.spot", err), err
    assert "help: give the column a default" in err and not out.exists()
    code, stdout, _ = run("mask", str(tmp_path / "specs"))  # a view can show NULL
    assert code == 0 and "CAST(NULL AS point) AS spot" in stdout


def test_bad_specs_exit_2_and_write_nothing(tmp_path: Path) -> None:
    write_spec(
        tmp_path / "specs", "tables:\n  t:\n    columns: {a: {type: text, classification: pi}}\n"
    )
    out = tmp_path / "masked.sql"
    code, stdout, err = run("mask", str(tmp_path / "specs"), "-o", str(out))
    assert code == 2 and stdout == "" and not out.exists()
    assert re.search(r"spec\.yaml:5:\d+: E170 error: unknown classification level 'pi'", err)
    assert "did you mean 'pii'?" in err


@pytest.mark.postgres
@pytest.mark.parametrize("mode", ["views", "script"])
def test_bundled_specs_mask_applies(mode: str, pg_conninfo: str) -> None:
    """The bundled specs (RLS, a partitioned audit table, an updated_at trigger) take both."""
    from schemac.config import load_settings

    settings, _, problems = load_settings(ROOT)
    assert problems == []
    schema, diagnostics = load_schema(ROOT / "specs", settings)
    assert schema is not None, [d.message for d in diagnostics]
    units = [
        MigrationUnit(f"V{i}__fresh.sql", sql, transactional, "up", f"V{i}")
        for i, (sql, transactional) in enumerate(fresh_units(schema, settings), start=1)
    ]
    assert apply_units(pg_conninfo, units).failure is None
    _run(
        pg_conninfo,
        f"INSERT INTO tenants (id, name, slug) VALUES ('{TENANT}', 'Acme', 'acme');"
        f" INSERT INTO users (id, tenant_id, email, full_name, password_hash, last_login_ip)"
        f" VALUES ('{ADA}', '{TENANT}', 'ada@example.com', 'Ada', 'h', '10.1.2.3');"
        f" INSERT INTO audit_logs (tenant_id, actor_id, entity_type, entity_id, action,"
        f" new_values, created_at) VALUES ('{TENANT}', '{ADA}', 'users', '{ADA}', 'insert',"
        """ '{"email": "ada@example.com"}', '2026-02-03 04:05:06+00')""",
    )
    sql, problems = mask_sql(schema, mode)  # type: ignore[arg-type]
    assert problems == []
    _run(pg_conninfo, sql)
    prefix = "masked." if mode == "views" else ""
    with psycopg.connect(pg_conninfo) as conn:
        user = conn.execute(
            f"SELECT email, full_name, password_hash, host(last_login_ip), tenant_id"
            f" FROM {prefix}users"
        ).fetchone()
        log = conn.execute(
            f"SELECT new_values::text, actor_id, created_at FROM {prefix}audit_logs"
        ).fetchone()
    assert user is not None and log is not None
    assert user[0].endswith("@example.invalid") and user[1] not in ("Ada", None)
    assert user[2] is None and user[3] == "10.1.0.0"  # a nullable secret is blanked
    assert str(user[4]) == TENANT
    assert "ada@example.com" not in log[0] and str(log[1]) == ADA
    assert str(log[2]).startswith("2026-02-03 04:05:06")  # a partition key is kept
