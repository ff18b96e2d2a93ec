"""`schemac new` and `schemac hash`: hand-written migrations and re-registering edits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.render.files import read_migrations
from schemac.write import SNAPSHOT_NAME, SUM_NAME, compute_sum, rehash, verify_sum
from tests.helpers import write_spec

SPEC = """
extensions: [pgcrypto]
tables:
  tenants:
    description: Tenants.
    traits: [uuid_pk]
    columns: {name: text}
"""

#: layout -> (files of the first build, files `new backfill_emails` adds, the file to edit)
LAYOUTS = {
    "flyway": (
        ["U0001__initial_schema.sql", "V0001__initial_schema.sql"],
        ["V0002__backfill_emails.sql", "U0002__backfill_emails.sql"],
        "V0002__backfill_emails.sql",
    ),
    "golang-migrate": (
        ["0001_initial_schema.down.sql", "0001_initial_schema.up.sql"],
        ["0002_backfill_emails.up.sql", "0002_backfill_emails.down.sql"],
        "0002_backfill_emails.up.sql",
    ),
    "dbmate": (
        ["0001_initial_schema.sql"],
        ["0002_backfill_emails.sql"],
        "0002_backfill_emails.sql",
    ),
}
BACKFILL = "UPDATE tenants SET name = lower(name);\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def tree(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def build(tmp_path: Path, layout: str = "flyway") -> Path:
    write_spec(tmp_path / "specs", SPEC)
    out = tmp_path / "m"
    code, _, err = run(
        "build", str(tmp_path / "specs"), "-o", str(out), "--no-lint", "--layout", layout
    )
    assert code == 0, err
    return out


def sum_names(directory: Path) -> list[str]:
    lines = (directory / SUM_NAME).read_text().splitlines()[1:]
    return [line.rpartition(" ")[0] for line in lines]


def edit(path: Path) -> None:
    text = path.read_text()
    if "-- migrate:down" in text:  # dbmate: the SQL goes in the up section
        up, _, down = text.partition("-- migrate:down")
        path.write_text(f"{up}{BACKFILL}-- migrate:down{down}")
    else:
        path.write_text(text + BACKFILL)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_new_edit_hash_round_trip(tmp_path: Path, layout: str) -> None:
    built, added, edited = LAYOUTS[layout]
    out = build(tmp_path, layout)
    code, stdout, err = run("new", "backfill_emails", "-m", str(out), "--layout", layout)
    assert code == 0, err
    assert sorted(tree(out)) == sorted([*built, *added, SNAPSHOT_NAME, SUM_NAME])
    assert [line for line in stdout.splitlines() if line.startswith("wrote ")] == [
        f"wrote {out / name}" for name in [*added, SUM_NAME]
    ]
    assert "schemac hash" in stdout
    assert verify_sum(out) == []
    # the sum lists migrations in version order, each migration's files in order, snapshot last
    expected = [p.name for m in read_migrations(out, layout) for p in m.paths]  # type: ignore[arg-type]
    assert sum_names(out) == [*expected, SNAPSHOT_NAME]
    assert expected[-len(added) :] == added

    migration = read_migrations(out, layout)[-1]  # type: ignore[arg-type]
    assert (migration.version, migration.slug) == ("0002", "backfill_emails")
    assert "hand-written" in migration.up_sql.lower() and "schemac hash" in migration.up_sql
    assert migration.down_sql is not None and "empty" in migration.down_sql.lower()
    if layout == "dbmate":
        text = (out / edited).read_text()
        assert text.startswith("-- migrate:up\n") and "\n-- migrate:down\n" in text

    edit(out / edited)
    assert verify_sum(out) == [f"{edited} was edited after it was generated"]
    code, _, _ = run("check", str(tmp_path / "specs"), "-m", str(out))
    assert code == 1

    code, stdout, err = run("hash", "-m", str(out), "--layout", layout)
    assert code == 0, err
    assert f"rehashed {edited}" in stdout
    assert "added" not in stdout and "removed" not in stdout
    assert verify_sum(out) == []
    assert BACKFILL in (out / edited).read_text()
    code, _, err = run("check", str(tmp_path / "specs"), "-m", str(out))
    assert code == 0, err


def test_hash_output_is_what_a_fresh_build_would_write(tmp_path: Path) -> None:
    out = build(tmp_path)
    before = tree(out)
    code, stdout, _ = run("hash", "-m", str(out))
    assert code == 0 and "nothing to do" in stdout
    assert tree(out) == before
    (out / SUM_NAME).unlink()
    code, stdout, _ = run("hash", "-m", str(out))
    assert code == 0
    assert tree(out) == before
    assert "added V0001__initial_schema.sql" in stdout and f"added {SNAPSHOT_NAME}" in stdout


def test_hash_reports_added_and_removed_files(tmp_path: Path) -> None:
    out = build(tmp_path)
    assert run("new", "one", "-m", str(out))[0] == 0
    (out / "V0002__one.sql").rename(out / "V0002__renamed.sql")
    (out / "U0002__one.sql").rename(out / "U0002__renamed.sql")
    code, stdout, _ = run("hash", "-m", str(out))
    assert code == 0
    lines = stdout.splitlines()
    assert "added V0002__renamed.sql" in lines and "added U0002__renamed.sql" in lines
    assert "removed V0002__one.sql" in lines and "removed U0002__one.sql" in lines
    assert verify_sum(out) == []


def test_second_new_counts_on(tmp_path: Path) -> None:
    out = build(tmp_path, "golang-migrate")
    for name in ("first", "Second Step!"):
        assert run("new", name, "-m", str(out), "--layout", "golang-migrate")[0] == 0
    assert "0003_second_step.up.sql" in tree(out)
    assert verify_sum(out) == []


def test_new_in_an_empty_or_missing_directory_starts_at_0001(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for directory in (tmp_path / "empty", tmp_path / "new" / "dir"):
        code, _, err = run("new", "Backfill emails", "-m", str(directory))
        assert code == 0, err
        assert sorted(tree(directory)) == [
            "U0001__backfill_emails.sql",
            "V0001__backfill_emails.sql",
            SUM_NAME,
        ]
        assert verify_sum(directory) == []
        assert sum_names(directory) == ["V0001__backfill_emails.sql", "U0001__backfill_emails.sql"]


def test_new_refuses_migrations_without_a_sum(tmp_path: Path) -> None:
    out = build(tmp_path)
    (out / SUM_NAME).unlink()
    before = tree(out)
    code, stdout, err = run("new", "backfill", "-m", str(out))
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("error: ") and SUM_NAME in lines[0]
    assert lines[1].startswith("  help: ") and "schemac hash" in lines[1]
    assert "wrote" not in stdout
    assert tree(out) == before


def test_new_refuses_a_directory_that_does_not_match_its_sum(tmp_path: Path) -> None:
    # rewriting the sum would otherwise quietly accept an edit nobody re-registered
    out = build(tmp_path)
    edit(out / "V0001__initial_schema.sql")
    before = tree(out)
    code, _, err = run("new", "backfill", "-m", str(out))
    assert code == 2
    assert "V0001__initial_schema.sql was edited" in err and "schemac hash" in err
    assert tree(out) == before


def test_wrong_format_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    out = build(tmp_path, "flyway")
    before = tree(out)
    for args in (["new", "x", "--layout", "dbmate"], ["hash", "--layout", "golang-migrate"]):
        code, _, err = run(*args, "-m", str(out))
        assert code == 2
        assert "error: " in err and "--layout" in err
        assert tree(out) == before


def test_timestamp_versioning(tmp_path: Path) -> None:
    out = build(tmp_path)
    code, _, err = run("new", "backfill", "-m", str(out), "--versioning", "timestamp")
    assert code == 0, err
    migration = read_migrations(out, "flyway")[-1]
    assert re.fullmatch(r"\d{14}", migration.version)
    assert migration.version_number > 1
    assert migration.up_path.name == f"V{migration.version}__backfill.sql"
    assert verify_sum(out) == []


def test_settings_come_from_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "schemac.toml"
    config.write_text('migrations = "db/m"\nformat = "dbmate"\nversioning = "timestamp"\n')
    code, _, err = run("new", "seed", "--config", str(config))
    # the config's migrations path is relative to the current directory, like build's
    assert code == 0, err
    names = sorted(tree(tmp_path / "db" / "m"))
    assert len(names) == 2 and re.fullmatch(r"\d{14}_seed\.sql", names[0])
    assert names[1] == SUM_NAME
    assert run("hash", "--config", str(config))[1].startswith("nothing to do")


def test_hash_of_a_missing_directory_is_an_input_error(tmp_path: Path) -> None:
    code, _, err = run("hash", "-m", str(tmp_path / "nope"))
    assert code == 2 and err.startswith("error: ")
    assert not (tmp_path / "nope").exists()


def test_rehash_api_matches_compute_sum(tmp_path: Path) -> None:
    out = build(tmp_path)
    edit(out / "V0001__initial_schema.sql")
    names = [p.name for m in read_migrations(out, "flyway") for p in m.paths]
    changes = rehash(out, names)
    assert changes.rehashed == ["V0001__initial_schema.sql"] and changes.written
    assert (out / SUM_NAME).read_text() == compute_sum(out, names)
    assert rehash(out, names).written is False
