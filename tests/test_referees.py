"""The outside referees of tests/referees.py, proven on a fresh build of the hard examples: the real
dbmate, golang-migrate's one-query-per-file emulation, flyway-like psql, and squawk."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from tests.referees import (
    RefereeError,
    dbmate,
    dbmate_url,
    golang_migrate_apply,
    is_no_transaction,
    psql_file,
    squawk,
)

ROOT = Path(__file__).resolve().parent.parent
HARD = ROOT / "examples" / "hard"
postgres = pytest.mark.postgres


def build(out: Path, layout: str) -> Path:
    result = CliRunner().invoke(
        cli, ["build", str(HARD), "-o", str(out), "--no-lint", "--layout", layout]
    )
    assert result.exit_code == 0, result.output + result.stderr
    return out


def exists(conninfo: str, relation: str) -> bool:
    with psycopg.connect(conninfo) as conn:
        row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (relation,)).fetchone()
    assert row is not None
    return bool(row[0])


# --- dbmate -----------------------------------------------------------------------------------


def test_dbmate_url_for_a_socket_and_for_tcp() -> None:
    socket = "host=/dev/shm/schemac-pg-x port=5432 user=postgres dbname=schemac_verify_1"
    assert dbmate_url(socket) == (
        "postgres://postgres@:5432/schemac_verify_1?sslmode=disable&socket=%2Fdev%2Fshm%2Fschemac-pg-x"
    )
    tcp = "host=db.test port=6543 user=app password='p@ss word' dbname=x sslmode=require"
    assert dbmate_url(tcp) == "postgres://app:p%40ss%20word@db.test:6543/x?sslmode=require"


@postgres
def test_dbmate_up_then_rollback(pg_conninfo: str, tmp_path: Path) -> None:
    out = build(tmp_path / "m", "dbmate")
    dbmate(pg_conninfo, out, "up")
    assert exists(pg_conninfo, "public.users")
    assert exists(pg_conninfo, "reporting.daily_headcounts")
    assert "Applied: 1" in dbmate(pg_conninfo, out, "status").stdout
    dbmate(pg_conninfo, out, "rollback")
    assert not exists(pg_conninfo, "public.users")
    assert not exists(pg_conninfo, "reporting.daily_headcounts")
    assert (tmp_path / "db").exists() is False  # --no-dump-schema: no schema file anywhere


@postgres
def test_dbmate_failure_raises_with_its_message(pg_conninfo: str, tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "0001_bad.sql").write_text("-- migrate:up\nCREATE TABLE;\n-- migrate:down\n")
    with pytest.raises(RefereeError, match="syntax error"):
        dbmate(pg_conninfo, tmp_path / "m", "up")


# --- golang-migrate ---------------------------------------------------------------------------


@postgres
def test_golang_migrate_up_then_down(pg_conninfo: str, tmp_path: Path) -> None:
    out = build(tmp_path / "m", "golang-migrate")
    ups = sorted(out.glob("*.up.sql"))
    downs = sorted(out.glob("*.down.sql"), reverse=True)
    assert ups and downs
    golang_migrate_apply(pg_conninfo, ups)
    assert exists(pg_conninfo, "public.users")
    golang_migrate_apply(pg_conninfo, downs)
    assert not exists(pg_conninfo, "public.users")
    assert not exists(pg_conninfo, "reporting.daily_headcounts")


@postgres
def test_golang_migrate_sends_a_file_as_one_query(pg_conninfo: str, tmp_path: Path) -> None:
    table = tmp_path / "1_t.up.sql"
    table.write_text("CREATE TABLE t (c int);\n")
    together = tmp_path / "2_together.up.sql"
    together.write_text("SELECT 1;\nCREATE INDEX CONCURRENTLY t_c ON t (c);\n")
    alone = tmp_path / "3_alone.up.sql"
    alone.write_text("CREATE INDEX CONCURRENTLY t_c ON t (c);\n")
    golang_migrate_apply(pg_conninfo, [table])
    # two statements in one query share an implicit transaction, as under golang-migrate
    with pytest.raises(RefereeError, match=r"2_together.*cannot run inside a transaction block"):
        golang_migrate_apply(pg_conninfo, [together])
    golang_migrate_apply(pg_conninfo, [alone])
    assert exists(pg_conninfo, "t_c")


@postgres
def test_golang_migrate_one_query_also_for_a_file_too_big_for_argv(
    pg_conninfo: str, tmp_path: Path
) -> None:
    padding = "-- " + "x" * 200_000 + "\n"  # one argv string is capped at 128 KiB on Linux
    big = tmp_path / "1_big.up.sql"
    big.write_text(padding + "CREATE TABLE t (c int);\n")
    golang_migrate_apply(pg_conninfo, [big])
    assert exists(pg_conninfo, "public.t")
    together = tmp_path / "2_together.up.sql"
    together.write_text(padding + "SELECT 1;\nCREATE INDEX CONCURRENTLY t_c ON t (c);\n")
    with pytest.raises(RefereeError, match=r"2_together.*cannot run inside a transaction block"):
        golang_migrate_apply(pg_conninfo, [together])


# --- flyway-like psql -------------------------------------------------------------------------


@postgres
def test_psql_file_flyway_up_then_undo(pg_conninfo: str, tmp_path: Path) -> None:
    out = build(tmp_path / "m", "flyway")
    versions = sorted(out.glob("V*.sql"))
    undos = sorted(out.glob("U*.sql"), reverse=True)
    assert versions and undos
    for path in versions:
        psql_file(pg_conninfo, path)
    assert exists(pg_conninfo, "public.users")
    for path in undos:
        psql_file(pg_conninfo, path)
    assert not exists(pg_conninfo, "public.users")


@postgres
def test_psql_file_runs_a_marked_file_outside_a_transaction(
    pg_conninfo: str, tmp_path: Path
) -> None:
    table = tmp_path / "V1__t.sql"
    table.write_text("CREATE TABLE t (c int);\n")
    plain = tmp_path / "V2__plain.sql"
    plain.write_text("CREATE INDEX CONCURRENTLY t_c ON t (c);\n")
    marked = tmp_path / "V3__marked.sql"
    marked.write_text(
        "-- Generated by schemac\n-- schemac:no-transaction\nCREATE INDEX CONCURRENTLY t_c ON t (c);\n"
    )
    late = tmp_path / "V4__late.sql"
    late.write_text("SELECT 1;\n-- schemac:no-transaction\n")
    assert not is_no_transaction(plain) and is_no_transaction(marked)
    assert not is_no_transaction(late)  # only the header counts
    psql_file(pg_conninfo, table)
    with pytest.raises(RefereeError, match=r"V2__plain.*cannot run inside a transaction block"):
        psql_file(pg_conninfo, plain)
    psql_file(pg_conninfo, marked)
    assert exists(pg_conninfo, "t_c")


# --- squawk -----------------------------------------------------------------------------------


def test_squawk_on_a_fresh_flyway_build(tmp_path: Path) -> None:
    out = build(tmp_path / "m", "flyway")
    files = sorted(out.glob("*.sql"))
    findings = squawk(files)
    assert isinstance(findings, list)
    for finding in findings:
        assert set(finding) == {"rule", "file", "line", "column", "level", "message", "help"}
        assert finding["file"] in files and finding["line"] >= 1
    assert "syntax-error" not in {f["rule"] for f in findings}


def test_squawk_flags_known_rules_with_one_based_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sql"
    bad.write_text("CREATE INDEX i ON t (c);\nALTER TABLE t ADD COLUMN d bigint NOT NULL;\n")
    good = tmp_path / "good.sql"
    good.write_text("SELECT 1;\n")
    findings = squawk([bad, good])
    by_rule = {(f["rule"], f["line"]) for f in findings}
    assert ("require-concurrent-index-creation", 1) in by_rule
    assert ("adding-required-field", 2) in by_rule
    assert {f["file"] for f in findings} == {bad}
    assert squawk([good]) == []
    # extra flags pass through
    excluded = squawk([bad], "--exclude=require-concurrent-index-creation")
    assert "require-concurrent-index-creation" not in {f["rule"] for f in excluded}


def test_squawk_reports_unparsable_sql_and_missing_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.sql"
    broken.write_text("SELEC nothing(;\n")
    assert {f["rule"] for f in squawk([broken])} == {"syntax-error"}
    with pytest.raises(RefereeError, match="squawk exited"):
        squawk([tmp_path / "missing.sql"])
