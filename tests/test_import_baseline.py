"""`schemac import --baseline`: adopting an existing database.

For each layout: a hand-made database is imported with --baseline; a build right after writes
nothing and check passes; a spec change (a nullable column) builds one incremental migration,
which applies to the database the import read once the baseline is recorded there the way the
printed instructions say (the real dbmate; golang-migrate and Flyway emulated by applying only
the files after the baseline version), after which its catalog is the specs'. A new, empty
database replays the whole history to the same catalog. A directory that holds migrations is
refused before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.config import Settings
from schemac.inspect import introspect
from schemac.pipeline import load_schema
from schemac.plan.diff import diff
from schemac.verify.backends import Backend
from tests import referees
from tests.import_helpers import ImportRun, run_import

DDL = """
CREATE TYPE plan AS ENUM ('free', 'pro');
CREATE TABLE accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  plan plan NOT NULL DEFAULT 'free',
  credits integer NOT NULL DEFAULT 0 CONSTRAINT chk_accounts_credits CHECK (credits >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX uq_accounts_email ON accounts (email);
CREATE TABLE notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL CONSTRAINT fk_notes_account_id REFERENCES accounts (id),
  body text,
  edited_at timestamptz
);
CREATE INDEX idx_notes_account_id ON notes (account_id);
CREATE FUNCTION touch_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.edited_at = now();
  RETURN NEW;
END;
$$;
CREATE TRIGGER notes_touch BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION touch_note();
CREATE VIEW account_notes AS
  SELECT a.email, n.body FROM accounts a JOIN notes n ON n.account_id = a.id;
INSERT INTO accounts (email) VALUES ('a@example.com');
INSERT INTO notes (account_id, body) SELECT id, 'kept' FROM accounts;
"""

#: the spec line the change goes after, and the nullable column it adds
BODY_LINE = "      body: {type: text, nullable: true}\n"
NEW_COLUMN = "      pinned_at: {type: timestamptz, nullable: true}\n"


def _cli(*args: str) -> ImportRun:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return ImportRun(result.exit_code, result.stdout, result.stderr)


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _catalog_differences(conninfo: str, specs: Path) -> list[str]:
    """The differ's changes from the database's catalog to the specs (none: the same schema),
    dbmate's own schema_migrations table aside."""
    schema, diagnostics = load_schema(specs, Settings())
    assert schema is not None, [d.message for d in diagnostics]
    with psycopg.connect(conninfo, autocommit=True) as conn:
        catalog = introspect(conn)
    tables = tuple(t for t in catalog.tables if t.name != "schema_migrations")
    catalog = catalog.model_copy(update={"tables": tables})
    changes, _ = diff(catalog, schema)
    return [change.describe() for change in changes]


def _version(name: str) -> int:
    match = re.match(r"^V?(\d+)_", name)
    assert match is not None, name
    return int(match.group(1))


def _ups(directory: Path, layout: str) -> list[Path]:
    """The up files of `layout` in version order."""
    if layout == "flyway":
        found = [p for p in directory.glob("V*.sql")]
    elif layout == "golang-migrate":
        found = list(directory.glob("*.up.sql"))
    else:
        found = list(directory.glob("[0-9]*.sql"))
    return sorted(found, key=lambda p: _version(p.name))


def _record_baseline(layout: str, stdout: str, conninfo: str) -> int:
    """Do what the printed instructions say to the imported database; the baseline version."""
    if layout == "flyway":
        found = re.search(r"^  flyway baseline -baselineVersion=(\d+) ", stdout, re.M)
        assert found is not None, stdout
        return int(found.group(1))  # Flyway then skips every version up to it
    if layout == "golang-migrate":
        found = re.search(
            r'^  migrate -path \S+ -database "\$DATABASE_URL" force (\d+)$', stdout, re.M
        )
        assert found is not None, stdout
        return int(found.group(1))
    statements = [
        line.strip() for line in stdout.splitlines() if line.startswith("  CREATE TABLE IF NOT")
    ] + [line.strip() for line in stdout.splitlines() if line.startswith("  INSERT INTO")]
    assert len(statements) == 2, stdout
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)
    found = re.search(r"VALUES \('(\d+)'\);$", statements[1])
    assert found is not None
    return int(found.group(1))


def _apply(layout: str, conninfo: str, directory: Path, ups: list[Path]) -> None:
    """Apply `ups` with (an emulation of) the layout's tool; dbmate runs for real and must pick
    exactly these files itself."""
    if layout == "flyway":
        for path in ups:
            referees.psql_file(conninfo, path)
    elif layout == "golang-migrate":
        referees.golang_migrate_apply(conninfo, ups)
    else:
        referees.dbmate(conninfo, directory, "up")


@pytest.fixture
def source(pg_conninfo: str) -> Iterator[str]:
    """A database someone built by hand, with a row in each table."""
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(DDL)
    yield pg_conninfo


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("layout", "versioning"),
    [
        ("flyway", "sequence"),
        ("golang-migrate", "sequence"),
        ("dbmate", "sequence"),
        ("dbmate", "timestamp"),
    ],
)
def test_baseline_then_an_incremental_migration_for_the_same_database(
    pg_backend: Backend, source: str, tmp_path: Path, layout: str, versioning: str
) -> None:
    # the project's config names the layout, so build and check read the same directory
    Path("schemac.toml").write_text(f'format = "{layout}"\nversioning = "{versioning}"\n')
    specs, migrations = tmp_path / "specs", tmp_path / "db" / "migrations"
    run = run_import(source, specs, "--baseline", "-m", str(migrations), "--layout", layout)
    assert run.code == 0, run.stderr
    assert run.warnings == [] and "note:" not in run.stderr, run.stderr
    written = [line.removeprefix("wrote ") for line in run.stdout.splitlines() if "wrote" in line]
    assert written[0] == str(specs / "public.yaml")
    baseline = sorted(_files(migrations))
    assert [str(migrations / name) for name in baseline] == sorted(written[1:])
    assert "schemac.snapshot.json" in baseline and "schemac.sum" in baseline
    ups = _ups(migrations, layout)
    assert len(ups) == 1 and "baseline" in ups[0].name
    if versioning == "sequence":
        assert _version(ups[0].name) == 1
    assert "baseline: the baseline migration creates what the database already has" in run.stdout

    # the baseline is a fresh build: the build right after has nothing to do, check passes
    before = _files(migrations)
    build = _cli("build", str(specs), "-o", str(migrations))
    assert build.code == 0 and "nothing to do" in build.stdout, build.stdout + build.stderr
    assert _files(migrations) == before
    check = _cli("check", str(specs), "-m", str(migrations), "-v")  # -v: the findings, not one line
    assert check.code == 0, check.stderr
    if versioning == "sequence":  # the very files a first build of the specs writes
        again = tmp_path / "again"
        build = _cli("build", str(specs), "-o", str(again), "--name", "baseline", "--no-lint")
        assert build.code == 0, build.stderr
        assert _files(again) == before

    # a new nullable column: one incremental migration, which the imported database takes
    public = specs / "public.yaml"
    text = public.read_text()
    assert text.count(BODY_LINE) == 1, text
    public.write_text(text.replace(BODY_LINE, BODY_LINE + NEW_COLUMN))
    build = _cli("build", str(specs), "-o", str(migrations))
    assert build.code == 0, build.stderr
    new_ups = [p for p in _ups(migrations, layout) if p.name not in before]
    assert len(new_ups) == 1 and "pinned_at" in new_ups[0].read_text()
    assert _cli("check", str(specs), "-m", str(migrations)).code == 0

    version = _record_baseline(layout, run.stdout, source)
    assert version == _version(ups[0].name)
    after = [p for p in _ups(migrations, layout) if _version(p.name) > version]
    assert after == new_ups
    _apply(layout, source, migrations, after)
    assert _catalog_differences(source, specs) == []
    with psycopg.connect(source, autocommit=True) as conn:
        kept = conn.execute("SELECT body, pinned_at FROM notes").fetchall()
        assert kept == [("kept", None)]  # the data of the adopted database is untouched
        if layout == "dbmate":
            recorded = conn.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
            assert [int(v) for (v,) in recorded] == [_version(p.name) for p in (*ups, *new_ups)]
            status = referees.dbmate(source, migrations, "status").stdout
            assert "Pending: 0" in status, status

    # a new, empty database runs the whole history, baseline first, to the same catalog
    with pg_backend.database() as fresh:
        _apply(layout, fresh, migrations, _ups(migrations, layout))
        assert _catalog_differences(fresh, specs) == []


# --- refusals: exit 2, one line, nothing written ----------------------------------------------


def _refused(run: ImportRun, *words: str) -> None:
    assert run.code == 2, (run.stdout, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert run.stdout == ""


@pytest.mark.postgres
@pytest.mark.parametrize(
    "held",
    [
        {"V0001__initial_schema.sql": "CREATE TABLE t ();\n"},
        {"0001_init.up.sql": "SELECT 1;\n", "0001_init.down.sql": "SELECT 1;\n"},
        {"schemac.sum": "h1:x\n"},
        {"schemac.snapshot.json": "{}\n"},
    ],
    ids=["flyway-migration", "another-layout", "sum-only", "snapshot-only"],
)
def test_a_directory_holding_migrations_is_refused(
    source: str, tmp_path: Path, held: dict[str, str]
) -> None:
    specs, migrations = tmp_path / "specs", tmp_path / "migrations"
    migrations.mkdir()
    for name, text in held.items():
        (migrations / name).write_text(text)
    before = _files(migrations)
    run = run_import(source, specs, "--baseline", "-m", str(migrations))
    _refused(run, str(migrations), "already holds migrations", "nothing was written")
    assert not specs.exists()
    assert _files(migrations) == before


@pytest.mark.postgres
def test_other_files_in_the_directory_do_not_count(source: str, tmp_path: Path) -> None:
    specs, migrations = tmp_path / "specs", tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "README.md").write_text("our migrations\n")
    run = run_import(source, specs, "--baseline", "-m", str(migrations), "--layout", "dbmate")
    assert run.code == 0, run.stderr
    assert (migrations / "README.md").read_text() == "our migrations\n"
    assert (migrations / "0001_baseline.sql").is_file()
    assert _cli("check", str(specs), "-m", str(migrations)).code == 0


@pytest.mark.postgres
def test_usage_errors_write_nothing(source: str, tmp_path: Path) -> None:
    specs, migrations = tmp_path / "specs", tmp_path / "db" / "migrations"
    _refused(run_import(source, specs, "-m", str(migrations)), "go with --baseline")
    _refused(
        run_import(source, specs, "--baseline", "-m", str(specs)), "two directories", str(specs)
    )
    afile = tmp_path / "file"
    afile.write_text("")
    _refused(run_import(source, specs, "--baseline", "-m", str(afile)), "is not a directory")
    assert not specs.exists() and not migrations.exists()
    # the specs cannot be written: the migrations directory the lock made is gone again
    specs.mkdir()
    (specs / "public.yaml").write_text("keep me\n")
    run = run_import(source, specs, "--baseline", "-m", str(migrations))
    assert run.code == 2 and "already exists" in run.stderr, run.stderr
    assert (specs / "public.yaml").read_text() == "keep me\n"
    assert not migrations.exists() and not migrations.parent.exists()


@pytest.mark.postgres
def test_lint_errors_are_a_note_and_what_the_format_cannot_say_is_not_in_the_baseline(
    pg_conninfo: str, tmp_path: Path
) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE events (id integer PRIMARY KEY, at timestamp NOT NULL);"
            "CREATE PROCEDURE noop() LANGUAGE sql BEGIN ATOMIC SELECT 1; END;"
        )
    specs, migrations = tmp_path / "specs", tmp_path / "migrations"
    run = run_import(pg_conninfo, specs, "--baseline", "-m", str(migrations))
    assert run.code == 0, run.stderr
    notes = [line for line in run.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 2, run.stderr
    assert "the 1 object(s) or option(s) in the warnings above" in notes[0]
    assert "lint reports 1 error(s)" in notes[1] and "schemac check" in notes[1]
    check = _cli("check", str(specs), "-m", str(migrations), "-v")  # -v: the findings, not one line
    assert check.code == 1 and "SC204" in check.stderr
    # adopting the conventions later: ignore the rule until the column is migrated
    Path("schemac.toml").write_text('[lint]\nignore = ["SC204"]\n')
    assert _cli("check", str(specs), "-m", str(migrations)).code == 0
