"""`schemac build`/`plan`/`check` through the CLI: outputs, determinism, and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli
from tests.helpers import write_spec

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "fixtures" / "broken"

SPEC = """
extensions: [pgcrypto]
tables:
  tenants:
    description: Tenants.
    traits: [uuid_pk]
    columns: {name: text}
  notes:
    description: Notes of a tenant.
    traits: [uuid_pk]
    columns:
      tenant_id: {type: uuid, references: tenants}
      body: text
    indexes: [{columns: [tenant_id]}]
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def tree(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_build_writes_migrations_snapshot_and_sum(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    code, out, err = run("build", str(tmp_path / "specs"), "-o", str(tmp_path / "m"), "--no-lint")
    assert code == 0, err
    assert sorted(tree(tmp_path / "m")) == [
        "U0001__initial_schema.sql",
        "V0001__initial_schema.sql",
        "schemac.snapshot.json",
        "schemac.sum",
    ]
    assert "wrote" in out


@pytest.mark.parametrize(
    "layout,names",
    [
        ("golang-migrate", ["0001_initial_schema.down.sql", "0001_initial_schema.up.sql"]),
        ("dbmate", ["0001_initial_schema.sql"]),
    ],
)
def test_layouts(tmp_path: Path, layout: str, names: list[str]) -> None:
    write_spec(tmp_path / "specs", SPEC)
    code, _, err = run(
        "build", str(tmp_path / "specs"), "-o", str(tmp_path / "m"), "--no-lint", "--layout", layout
    )
    assert code == 0, err
    assert sorted(tree(tmp_path / "m")) == [*names, "schemac.snapshot.json", "schemac.sum"]


def test_two_builds_are_byte_identical_and_a_rebuild_has_nothing_to_do(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    for out in ("a", "b"):
        assert run("build", str(tmp_path / "specs"), "-o", str(tmp_path / out), "--no-lint")[0] == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    before = tree(tmp_path / "a")
    code, out, _ = run("build", str(tmp_path / "specs"), "-o", str(tmp_path / "a"), "--no-lint")
    assert code == 0 and "nothing to do" in out
    assert tree(tmp_path / "a") == before


def test_check_passes_then_catches_edits_and_unbuilt_changes(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    write_spec(specs, SPEC)
    assert run("build", str(specs), "-o", str(tmp_path / "m"), "--no-lint")[0] == 0
    code, _, err = run("check", str(specs), "-m", str(tmp_path / "m"))
    assert code == 0, err
    migration = tmp_path / "m" / "V0001__initial_schema.sql"
    migration.write_text(migration.read_text() + "\n-- edited\n")
    code, _, err = run("check", str(specs), "-m", str(tmp_path / "m"))
    assert code == 1 and "V0001__initial_schema.sql" in err
    write_spec(specs, SPEC + "  extra: {traits: [uuid_pk], description: New.}\n")
    code, _, err = run("check", str(specs), "-m", str(tmp_path / "m"))
    assert code == 1 and "changes no migration holds" in err


def test_plan_prints_sql_and_writes_nothing(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    code, out, _ = run("plan", str(tmp_path / "specs"), "-m", str(tmp_path / "m"))
    assert code == 0 and "CREATE TABLE notes" in out
    assert not (tmp_path / "m").exists()


def test_unwritable_output_directory_is_an_input_error(tmp_path: Path) -> None:
    # /proc refuses new directories even to root, so this holds wherever the tests run
    write_spec(tmp_path / "specs", SPEC)
    code, _, err = run("build", str(tmp_path / "specs"), "-o", "/proc/schemac-test/m", "--no-lint")
    assert code == 2 and "cannot write" in err and "Traceback" not in err


def test_output_path_that_is_a_file_is_an_input_error(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    (tmp_path / "m").write_text("not a directory")
    code, _, err = run("build", str(tmp_path / "specs"), "-o", str(tmp_path / "m"), "--no-lint")
    assert code == 2 and "Traceback" not in err
    assert (tmp_path / "m").read_text() == "not a directory"


def broken_cases() -> list[Path]:
    return sorted(p for p in BROKEN.iterdir() if p.is_dir()) if BROKEN.is_dir() else []


def test_there_are_at_least_fifteen_broken_cases() -> None:
    assert len(broken_cases()) >= 15


@pytest.mark.parametrize("case", broken_cases(), ids=lambda p: p.name)
def test_broken_spec_gives_one_located_error_and_writes_nothing(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(case / "specs", specs)
    location, _, needle = (
        (case / "expected.txt").read_text(encoding="utf-8").strip().partition("\t")
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run("build", "specs", "-o", "out")
    assert code == 2, err
    assert "Traceback" not in err + out
    assert not (tmp_path / "out").exists()
    errors = [line for line in err.splitlines() if " error: " in line or line.startswith("specs/")]
    assert any(line.startswith(f"specs/{location}:") for line in errors), err
    assert needle.lower() in err.lower()
