"""The pull-request gate and the incremental build's command line: pending changes, merged
branches, refused destructive changes, plan output, build --verify leaving nothing behind."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from schemac.cli import cli
from tests.helpers import write_spec

V1 = """
tables:
  users:
    columns:
      id: {type: uuid, primary_key: true}
      email: text
"""
V2 = V1 + "      nick: {type: text, nullable: true}\n"
V2_OTHER = V1 + "      age: {type: integer, nullable: true}\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def built(tmp_path: Path, body: str = V1) -> tuple[Path, Path]:
    specs, out = tmp_path / "specs", tmp_path / "db"
    write_spec(specs, body)
    result = run("build", str(specs), "-o", str(out), "--no-lint")
    assert result.exit_code == 0, result.stderr
    return specs, out


def test_pending_change_fails_check_then_build_fixes_it(tmp_path: Path) -> None:
    specs, out = built(tmp_path)
    write_spec(specs, V2)
    result = run("check", str(specs), "-m", str(out))
    assert result.exit_code == 1
    assert "the specs have changes no migration holds (add column public.users.nick)" in (
        result.stderr
    )
    assert "schemac build" in result.stderr
    result = run("build", str(specs), "-o", str(out), "--no-lint")
    assert result.exit_code == 0, result.stderr
    assert (out / "V0002__changes.sql").is_file()
    assert "ADD COLUMN nick text;" in (out / "V0002__changes.sql").read_text()
    check = run("check", str(specs), "-m", str(out))
    assert check.exit_code in (0, 1)
    assert "no migration holds" not in check.stderr
    assert "schemac.sum" not in check.stderr
    again = run("build", str(specs), "-o", str(out), "--no-lint")
    assert again.exit_code == 0 and "nothing to do" in again.stdout


def test_prose_only_edit_is_not_a_change(tmp_path: Path) -> None:
    specs, out = built(tmp_path)
    path = specs / "spec.yaml"
    path.write_text(path.read_text().replace("users:\n", "users:  # the people\n"))
    result = run("build", str(specs), "-o", str(out), "--no-lint")
    assert result.exit_code == 0 and "nothing to do" in result.stdout


def test_two_branches_from_one_snapshot_are_refused(tmp_path: Path) -> None:
    specs, out = built(tmp_path)
    branch_a, branch_b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(out, branch_a)
    shutil.copytree(out, branch_b)
    write_spec(specs, V2)
    assert (
        run("build", str(specs), "-o", str(branch_a), "--no-lint", "--name", "nick").exit_code == 0
    )
    write_spec(specs, V2_OTHER)
    assert (
        run("build", str(specs), "-o", str(branch_b), "--no-lint", "--name", "age").exit_code == 0
    )
    # git merges both migration files; the snapshot and sum conflict and one side is taken
    merged = tmp_path / "merged"
    shutil.copytree(branch_a, merged)
    for name in ("V0002__age.sql", "U0002__age.sql"):
        shutil.copy(branch_b / name, merged / name)
    result = run("check", str(specs), "-m", str(merged))
    assert result.exit_code == 1
    assert "were planned from the same snapshot (two branches merged)" in result.stderr
    assert "V0002__age.sql is not listed in schemac.sum" in result.stderr


def test_edited_migration_is_reported_with_the_fix(tmp_path: Path) -> None:
    specs, out = built(tmp_path)
    write_spec(specs, V2)
    assert run("build", str(specs), "-o", str(out), "--no-lint").exit_code == 0
    path = out / "V0002__changes.sql"
    path.write_text(path.read_text() + "\n-- reviewed\n")
    result = run("check", str(specs), "-m", str(out))
    assert result.exit_code == 1
    assert "V0002__changes.sql was edited after it was generated" in result.stderr
    assert "schemac hash" in result.stderr
    # a build on top of a tampered directory is refused too
    write_spec(specs, V2_OTHER + "      nick: {type: text, nullable: true}\n")
    refused = run("build", str(specs), "-o", str(out), "--no-lint")
    assert refused.exit_code == 1 and "nothing was built" in refused.stderr


def test_destructive_change_is_refused_without_the_flag(tmp_path: Path) -> None:
    specs, out = built(tmp_path, V2)
    before = sorted(p.name for p in out.iterdir())
    write_spec(specs, V1)
    result = run("build", str(specs), "-o", str(out), "--no-lint")
    assert result.exit_code == 1
    assert "SC503" in result.stderr and "nick" in result.stderr
    assert "spec.yaml:" in result.stderr  # points at the spec
    assert sorted(p.name for p in out.iterdir()) == before
    result = run("build", str(specs), "-o", str(out), "--no-lint", "--allow-destructive")
    assert result.exit_code == 0, result.stderr
    assert "DROP COLUMN IF EXISTS nick" in (out / "V0002__changes.sql").read_text()
    undo = (out / "U0002__changes.sql").read_text()
    assert "ADD COLUMN nick text" in undo


def test_plan_prints_facts_and_writes_nothing(tmp_path: Path) -> None:
    specs, out = built(tmp_path)
    write_spec(specs, V1 + "    indexes:\n      - {columns: [email]}\n")
    before = sorted(p.name for p in out.iterdir())
    text = run("plan", str(specs), "-m", str(out))
    assert text.exit_code == 0, text.stderr
    assert "CREATE INDEX CONCURRENTLY idx_users_email ON users (email);" in text.stdout
    assert "outside a transaction" in text.stdout
    assert "SHARE UPDATE EXCLUSIVE on public.users" in text.stdout
    data = json.loads(run("plan", str(specs), "-m", str(out), "--format", "json").stdout)
    changes = [ch for m in data["migrations"] for ch in m["changes"]]
    index = next(ch for ch in changes if ch["kind"] == "create_index")
    assert index["transactional"] is False and index["safety"] == "safe"
    assert index["spec"]["line"] > 0
    assert sorted(p.name for p in out.iterdir()) == before


@pytest.mark.postgres
def test_build_verify_failure_leaves_the_directory_as_it_was(
    tmp_path: Path, pg_backend: object
) -> None:
    specs, out = built(tmp_path)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # a function PostgreSQL only looks up when the migration runs
    write_spec(specs, V1 + "      n: {type: integer, default: no_such_function()}\n")
    result = run("build", str(specs), "-o", str(out), "--no-lint", "--verify")
    assert result.exit_code != 0
    assert "nothing was written" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    # located through the planned change, at the column's line (not at its table, by name)
    line = (specs / "spec.yaml").read_text().splitlines().index(
        "      n: {type: integer, default: no_such_function()}"
    ) + 1
    assert f"spec: add column public.users.n, declared at {specs / 'spec.yaml'}:{line}:" in (
        result.stderr
    ), result.stderr


@pytest.mark.postgres
def test_check_verify_replays_the_history_and_compares_with_a_fresh_build(
    tmp_path: Path, pg_backend: object
) -> None:
    specs, out = built(tmp_path)
    write_spec(specs, V2 + "    indexes:\n      - {columns: [nick]}\n")
    assert run("build", str(specs), "-o", str(out), "--no-lint").exit_code == 0
    result = run("check", str(specs), "-m", str(out), "--verify")
    assert "is up to date and untampered" in result.stdout
    assert "applied and match the specs" in result.stdout, result.stderr
    assert result.exit_code == 0
    # a hand-written migration that adds what the specs do not declare fails the gate
    assert run("new", "extra", "-m", str(out)).exit_code == 0
    extra = next(out.glob("V0004__extra.sql"))
    extra.write_text(extra.read_text() + "ALTER TABLE users ADD COLUMN stray text;\n")
    assert run("hash", "-m", str(out)).exit_code == 0
    result = run("check", str(specs), "-m", str(out), "--verify")
    assert result.exit_code == 1
    assert "column users.stray: in the database, not in the spec" in result.stderr
