"""Atomic writes, never clobbering, and schemac.sum."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from schemac import write
from schemac.render.files import OutputFile
from schemac.write import (
    SNAPSHOT_NAME,
    SUM_NAME,
    WriteError,
    compute_sum,
    hash_bytes,
    sum_for_build,
    verify_sum,
    write_build,
)

FILES = [
    OutputFile("V0001__initial_schema.sql", "CREATE TABLE a (id integer);\n"),
    OutputFile("U0001__initial_schema.sql", "DROP TABLE IF EXISTS a;\n"),
]
SNAPSHOT = '{"tables": []}\n'


def _tree(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _build(directory: Path, files: list[OutputFile], existing: list[str] = []) -> list[Path]:  # noqa: B006
    sum_text = sum_for_build(directory, existing, files, SNAPSHOT)
    return write_build(directory, files, SNAPSHOT, sum_text)


def test_writes_everything_and_creates_the_directory(tmp_path: Path) -> None:
    target = tmp_path / "db" / "migrations"
    written = _build(target, FILES)
    assert [p.name for p in written] == [f.name for f in FILES] + [SNAPSHOT_NAME, SUM_NAME]
    assert (target / FILES[0].name).read_text() == FILES[0].content
    assert verify_sum(target) == []
    assert not [p for p in target.iterdir() if p.name.startswith(".")]


def test_sum_format(tmp_path: Path) -> None:
    _build(tmp_path, FILES)
    lines = (tmp_path / SUM_NAME).read_text().splitlines()
    body = "".join(line + "\n" for line in lines[1:])
    assert lines[0] == hash_bytes(body.encode())
    assert [line.split(" ")[0] for line in lines[1:]] == [
        "V0001__initial_schema.sql",
        "U0001__initial_schema.sql",
        SNAPSHOT_NAME,
    ]
    assert lines[1].split(" ")[1] == hash_bytes(FILES[0].content.encode())
    names = [f.name for f in FILES]
    assert compute_sum(tmp_path, names) == (tmp_path / SUM_NAME).read_text()


def test_incremental_build_keeps_the_history(tmp_path: Path) -> None:
    _build(tmp_path, FILES)
    second = [OutputFile("V0002__more.sql", "SELECT 1;\n"), OutputFile("U0002__more.sql", "")]
    _build(tmp_path, second, existing=[f.name for f in FILES])
    assert verify_sum(tmp_path) == []
    listed = [line.split(" ")[0] for line in (tmp_path / SUM_NAME).read_text().splitlines()[1:]]
    assert listed == [f.name for f in FILES + second] + [SNAPSHOT_NAME]


def test_never_overwrites_a_migration(tmp_path: Path) -> None:
    _build(tmp_path, FILES)
    before = _tree(tmp_path)
    changed = [OutputFile(FILES[0].name, "DROP TABLE a;\n")]
    with pytest.raises(WriteError, match="already exists") as info:
        _build(tmp_path, changed, existing=[f.name for f in FILES])
    assert info.value.help
    assert _tree(tmp_path) == before


def test_failure_midway_leaves_the_directory_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(tmp_path, FILES)
    before = _tree(tmp_path)
    real_replace = os.replace
    calls = {"n": 0}

    def failing_replace(src: str | Path, dst: str | Path) -> None:
        calls["n"] += 1
        if Path(dst).name == SUM_NAME:  # everything else is already in place by then
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(write.os, "replace", failing_replace)
    second = [OutputFile("V0002__more.sql", "SELECT 1;\n"), OutputFile("U0002__more.sql", "")]
    with pytest.raises(WriteError, match="No space left"):
        write_build(tmp_path, second, '{"changed": true}\n', "h1:x\n")
    assert calls["n"] == 4
    assert _tree(tmp_path) == before


def test_failure_removes_a_directory_it_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_replace(src: str | Path, dst: str | Path) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(write.os, "replace", failing_replace)
    with pytest.raises(WriteError):
        _build(tmp_path / "new" / "migrations", FILES)
    assert list(tmp_path.iterdir()) == []


def test_interrupt_also_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(src: str | Path, dst: str | Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(write.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _build(tmp_path, FILES)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_directory_is_a_clear_error(tmp_path: Path) -> None:
    # a path under a regular file cannot be created even by root, unlike a chmod'ed directory
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(WriteError, match="cannot write the migrations") as info:
        _build(blocker / "migrations", FILES)
    assert "writable" in (info.value.help or "")
    assert blocker.read_text() == ""


def test_verify_sum_finds_every_problem(tmp_path: Path) -> None:
    _build(tmp_path, FILES)
    (tmp_path / FILES[0].name).write_text("CREATE TABLE a (id bigint);\n")
    (tmp_path / FILES[1].name).unlink()
    (tmp_path / "V0009__sneaky.sql").write_text("SELECT 1;\n")
    problems = verify_sum(tmp_path)
    assert problems == [
        f"{FILES[0].name} was edited after it was generated",
        f"{FILES[1].name} is listed in {SUM_NAME} but missing",
        f"V0009__sneaky.sql is not listed in {SUM_NAME}",
    ]


def test_verify_sum_bad_header_and_missing_sum(tmp_path: Path) -> None:
    _build(tmp_path, FILES)
    sum_path = tmp_path / SUM_NAME
    sum_path.write_text(sum_path.read_text().replace("V0001", "V0002", 1))
    problems = verify_sum(tmp_path)
    assert problems[0].startswith(f"{SUM_NAME} was edited by hand")
    sum_path.unlink()
    assert verify_sum(tmp_path) == [f"{SUM_NAME} is missing: the migrations cannot be checked"]
    assert verify_sum(tmp_path / "empty") == []
