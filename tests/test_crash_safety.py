"""A build stopped anywhere (SIGKILL, an exception at any rename, a full disk, Ctrl-C) leaves a
directory the next `build` repairs and `check` passes, with the history a fresh build would
give; no temporary file survives, and files get the umask's mode like any tool's."""

from __future__ import annotations

import errno
import os
import random
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from schemac import write
from schemac.sums import BACKUP_NAME, PENDING_NAME, SNAPSHOT_NAME, SUM_NAME
from tests.crashes import (
    DISK_STEPS,
    RENAMES,
    build,
    check,
    junk,
    killed_build,
    medium,
    run,
    schemac_process,
    specs_dir,
    to_sum,
    tree,
)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Specs v1 and v2, the directory after v1 (`base`) and after v1 then v2 (`reference`)."""
    root = tmp_path_factory.mktemp("history")
    v1, v2 = specs_dir(root / "v1", medium()), specs_dir(root / "v2", medium(v2=True))
    base, reference = root / "base", root / "reference"
    assert build(v1, base).exit_code == 0
    shutil.copytree(base, reference)
    assert build(v2, reference).exit_code == 0
    first = root / "first"
    assert build(v1, first).exit_code == 0
    return {"v1": v1, "v2": v2, "base": base, "reference": reference, "first": first}


def _start(history: dict[str, Path], tmp_path: Path, fresh: bool) -> tuple[Path, Path, Path]:
    """(specs, directory to build into, what it must hold once built)."""
    out = tmp_path / "migrations"
    if fresh:
        return history["v1"], out, history["first"]
    shutil.copytree(history["base"], out)
    return history["v2"], out, history["reference"]


def _repaired(specs: Path, out: Path, expected: Path) -> str:
    """build then check succeed, and the directory is byte for byte an uninterrupted build's."""
    result = build(specs, out)
    assert result.exit_code == 0, result.stderr
    gate = check(specs, out)
    assert gate.exit_code == 0, gate.stderr
    assert junk(out) == []
    assert tree(out) == tree(expected)
    return result.stderr


@pytest.mark.parametrize("fresh", [True, False], ids=["first-build", "incremental"])
def test_sigkill_before_every_rename_is_repaired(
    history: dict[str, Path], tmp_path: Path, fresh: bool
) -> None:
    specs, out, expected = _start(history, tmp_path, fresh)
    pristine = tree(out)
    args = ["build", str(specs), "-o", str(out), "--no-lint"]
    steps = killed_build(args, 0, RENAMES)  # step 0 never comes: count them
    assert steps is not None and steps >= (4 if fresh else 20)
    shutil.rmtree(out)
    messages = set()
    for step in range(1, steps + 1):
        if pristine:
            shutil.copytree(history["base"], out)
        assert killed_build(args, step, RENAMES) is None
        messages.add(_repaired(specs, out, expected))
        shutil.rmtree(out)
    assert any("was interrupted before it committed schemac.sum" in m for m in messages)
    assert any(
        f"replaced {SNAPSHOT_NAME}" in m or f"created {SNAPSHOT_NAME}" in m for m in messages
    )


def test_sigkill_between_writes_leaves_only_temporaries(
    history: dict[str, Path], tmp_path: Path
) -> None:
    specs, out, expected = _start(history, tmp_path, fresh=False)
    args = ["build", str(specs), "-o", str(out), "--no-lint"]
    steps = killed_build(args, 0, DISK_STEPS)
    assert steps is not None
    shutil.rmtree(out)
    for step in random.Random(9).sample(range(1, steps + 1), 8):
        shutil.copytree(history["base"], out)
        assert killed_build(args, step, DISK_STEPS) is None
        _repaired(specs, out, expected)
        shutil.rmtree(out)


def test_sigkill_at_random_moments(history: dict[str, Path], tmp_path: Path) -> None:
    """15 real `schemac build` processes killed at random moments of their run, most near the
    end, where the writing is."""
    specs, out, expected = _start(history, tmp_path, fresh=False)
    began = time.perf_counter()
    subprocess.run(
        schemac_process("build", specs, "-o", out, "--no-lint"), check=True, capture_output=True
    )
    duration = time.perf_counter() - began
    rng = random.Random(int(os.environ.get("SCHEMAC_KILL_SEED", "15")))
    for _ in range(15):
        shutil.rmtree(out)
        shutil.copytree(history["base"], out)
        proc = subprocess.Popen(
            schemac_process("build", specs, "-o", out, "--no-lint"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.5, 1.05) * duration)
        proc.kill()
        proc.wait()
        _repaired(specs, out, expected)


@pytest.fixture
def failing_rename(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, object]]:
    """os.replace raising at the `at`-th call (1-based) with `error`; counts the calls."""
    state: dict[str, object] = {"at": 0, "calls": 0, "error": OSError(errno.EIO, "I/O error")}
    real = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        state["calls"] = int(state["calls"]) + 1  # type: ignore[call-overload]
        if state["calls"] == state["at"]:
            raise state["error"]  # type: ignore[misc]
        real(src, dst)

    monkeypatch.setattr(write.os, "replace", replace)
    yield state


@pytest.mark.parametrize("fresh", [True, False], ids=["first-build", "incremental"])
def test_exception_at_every_rename_leaves_the_directory_as_it_was(
    history: dict[str, Path], tmp_path: Path, failing_rename: dict[str, object], fresh: bool
) -> None:
    specs, out, expected = _start(history, tmp_path, fresh)
    renames = len(tree(expected)) - len(tree(out))  # new files, plus the snapshot and the sum
    renames += 0 if fresh else 2
    for at in range(1, renames + 1):
        before = tree(out)
        failing_rename.update(at=at, calls=0)
        result = build(specs, out)
        assert result.exit_code == 2, result.stderr
        assert "I/O error" in result.stderr and "nothing was changed" in result.stderr
        assert tree(out) == before, f"rename {at}"
    failing_rename.update(at=0)
    _repaired(specs, out, expected)


def test_ctrl_c_at_a_rename_leaves_the_directory_as_it_was(
    history: dict[str, Path], tmp_path: Path, failing_rename: dict[str, object]
) -> None:
    specs, out, expected = _start(history, tmp_path, fresh=False)
    before = tree(out)
    failing_rename.update(at=7, error=KeyboardInterrupt())
    result = build(specs, out)
    assert result.exit_code == 1 and "Aborted" in result.stderr  # click's answer to Ctrl-C
    assert tree(out) == before
    failing_rename.update(at=0)
    _repaired(specs, out, expected)


@pytest.mark.parametrize("fresh", [True, False], ids=["first-build", "incremental"])
@pytest.mark.parametrize("target", ["V0", SNAPSHOT_NAME, SUM_NAME, PENDING_NAME])
def test_full_disk_leaves_no_temporary_file_and_nothing_changed(
    history: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh: bool,
    target: str,
) -> None:
    """The disk fills up while writing a migration, the snapshot, the sum or the journal."""
    specs, out, expected = _start(history, tmp_path, fresh)
    before = tree(out)
    real_write = os.write

    def write_until_full(fd: int, data: bytes) -> int:
        name = Path(os.readlink(f"/proc/self/fd/{fd}")).name
        if name == target or name.startswith(f".{target}"):
            real_write(fd, bytes(data[: len(data) // 2]))  # half lands, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(write.os, "write", write_until_full)
    result = build(specs, out)
    assert result.exit_code == 2, result.stderr
    assert "No space left on device" in result.stderr
    assert "nothing was changed" in result.stderr
    assert tree(out) == before  # no temporary file, no journal, no lock file: nothing at all
    assert out.exists() == (not fresh)
    monkeypatch.undo()
    _repaired(specs, out, expected)


def test_stale_temporaries_of_killed_builds_are_removed_under_the_lock(
    history: dict[str, Path], tmp_path: Path
) -> None:
    specs, out, expected = _start(history, tmp_path, fresh=False)
    stale = [
        ".V0002__changes.sql.k3x_9a0q.tmp",  # tempfile.mkstemp's shape, from earlier versions
        f".{SNAPSHOT_NAME}.0123abcd.tmp",
        f".{SUM_NAME}.deadbeef.tmp",
    ]
    for name in stale:
        (out / name).write_bytes(b"x" * 300_000)
    kept = [".gitkeep", ".notes.tmp", ".V0002__changes.sql.toolong12.tmp"]
    for name in kept:
        (out / name).write_text("mine\n")
    gate = check(specs, out)
    assert gate.exit_code == 1
    assert "3 temporary files of killed schemac runs (0.9 MB)" in gate.stderr
    assert "the next 'schemac build" in gate.stderr
    result = build(specs, out)
    assert result.exit_code == 0, result.stderr
    assert "3 temporary files of killed schemac runs (0.9 MB)" in result.stderr
    assert junk(out) == sorted(kept)
    for name in kept:
        (out / name).unlink()
    assert tree(out) == tree(expected)


def test_check_and_plan_report_an_interrupted_build_with_the_fix(
    history: dict[str, Path], tmp_path: Path
) -> None:
    specs, out, expected = _start(history, tmp_path, fresh=False)
    args = ["build", str(specs), "-o", str(out), "--no-lint"]
    assert killed_build(args, 0, RENAMES, before=to_sum) is None  # after the snapshot
    assert (out / PENDING_NAME).is_file() and (out / BACKUP_NAME).is_file()
    gate = check(specs, out)
    assert gate.exit_code == 1
    assert "was interrupted before it committed schemac.sum" in gate.stderr
    assert f"and replaced {SNAPSHOT_NAME}" in gate.stderr
    assert f"run 'schemac build {specs} -o {out}': it undoes the interrupted build" in gate.stderr
    assert "edited" not in gate.stderr  # not the tampering message: nobody edited anything
    plan = run("plan", specs, "-m", out)
    assert plan.exit_code == 1 and "was interrupted" in plan.stderr
    result = build(specs, out)
    assert f"undone: {out} is back to what schemac.sum lists" in result.stderr
    _repaired(specs, out, expected)


@pytest.mark.parametrize("command", ["new", "hash"])
def test_new_and_hash_undo_an_interrupted_build_first(
    history: dict[str, Path], tmp_path: Path, command: str
) -> None:
    """Registering the files of half a build would commit it: they are removed first."""
    specs, out, _ = _start(history, tmp_path, fresh=False)
    assert killed_build(["build", str(specs), "-o", str(out), "--no-lint"], 6, RENAMES) is None
    result = run(command, *(["backfill"] if command == "new" else []), "-m", out)
    assert result.exit_code == 0, result.stderr
    assert "was interrupted" in result.stderr and "undone" in result.stderr
    assert not (out / "V0002__changes.sql").exists()
    assert junk(out) == []
    assert check(history["v1"], out).exit_code == 0


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_get_the_umask_mode(
    history: dict[str, Path], tmp_path: Path, umask: int, mode: int
) -> None:
    old = os.umask(umask)
    try:
        out = tmp_path / "migrations"
        assert build(history["v1"], out).exit_code == 0
        assert build(history["v2"], out).exit_code == 0
        assert run("new", "backfill", "-m", out).exit_code == 0
        backfill = next(out.glob("V*__backfill.sql"))
        backfill.write_text(backfill.read_text() + "SELECT 1;\n")
        assert run("hash", "-m", out).exit_code == 0
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in out.iterdir()}
    assert set(modes.values()) == {mode}, modes


@pytest.mark.postgres
def test_repaired_history_replays_to_a_fresh_build(
    history: dict[str, Path], tmp_path: Path, pg_backend: object
) -> None:
    """The history a build repaired after a kill (after the snapshot was replaced, before the
    sum) applies on PostgreSQL and gives the catalog of a fresh build of the specs."""
    import psycopg

    from schemac.config import Settings
    from schemac.inspect import introspect
    from schemac.pipeline import fresh_units, load_schema
    from schemac.verify.apply import apply_units
    from schemac.verify.compare import compare
    from schemac.verify.run import MigrationUnit, migration_units

    specs, out, expected = _start(history, tmp_path, fresh=False)
    args = ["build", str(specs), "-o", str(out), "--no-lint"]
    assert killed_build(args, 0, RENAMES, before=to_sum) is None
    _repaired(specs, out, expected)
    schema, _ = load_schema(specs, Settings())
    assert schema is not None
    up, _ = migration_units(out, "flyway")
    fresh = [
        MigrationUnit("(fresh build)", sql, transactional, "up", f"fresh{i}")
        for i, (sql, transactional) in enumerate(fresh_units(schema, Settings()))
    ]
    catalogs = []
    for units in (up, fresh):
        with pg_backend.database() as conninfo:  # type: ignore[attr-defined]
            applied = apply_units(conninfo, units)
            assert applied.failure is None, applied.failure.message
            with psycopg.connect(conninfo, autocommit=True) as conn:
                catalogs.append(introspect(conn))
    assert [d.message for d in compare(catalogs[1], catalogs[0])] == []
    assert [d.message for d in compare(schema, catalogs[0])] == []


def test_full_disk_during_hash_leaves_no_temporary_file(
    history: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`hash` writes the sum alone, without a journal: its temporary file goes all the same."""
    _, out, _ = _start(history, tmp_path, fresh=False)
    edited = out / "V0001__initial_schema.sql"
    edited.write_text(edited.read_text() + "-- reviewed\n")
    before = tree(out)

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(write.os, "write", full)
    result = run("hash", "-m", out)
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert tree(out) == before


def test_a_leftover_edited_since_is_not_removed(history: dict[str, Path], tmp_path: Path) -> None:
    """Only files byte for byte as the interrupted build wrote them are its leftovers."""
    specs, out, _ = _start(history, tmp_path, fresh=False)
    assert (
        killed_build(["build", str(specs), "-o", str(out), "--no-lint"], 0, RENAMES, to_sum) is None
    )
    mine = out / "V0002__changes.sql"
    mine.write_text(mine.read_text() + "-- my own edit\n")
    result = build(specs, out)
    assert "V0002__changes.sql" not in result.stderr.split("not listed there")[0]
    assert mine.is_file() and "my own edit" in mine.read_text()
    assert (
        result.exit_code == 1 and "V0002__changes.sql is not listed in schemac.sum" in result.stderr
    )
    assert not (out / "U0002__changes.sql").exists()
    assert junk(out) == []
