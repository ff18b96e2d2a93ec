"""The lock on a migrations directory: builds at once into one directory give one migration set,
a command that cannot get the lock says who holds it (exit 3), and no lock file stays behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from schemac import lock
from schemac.lock import LOCK_NAME
from tests.crashes import build, check, junk, medium, run, schemac_process, specs_dir, tree


def _waiting_on_the_lock(pid: int, directory: Path, count: int = 1) -> bool:
    """True once process `pid` has the directory's lock file open `count` times (it waits)."""
    opened = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            opened += os.readlink(fd) == str(directory / LOCK_NAME)
        except OSError:
            continue
    return opened >= count


def _race(specs: Path, out: Path, count: int = 2) -> list[subprocess.CompletedProcess[str]]:
    """`count` builds into `out` let loose at the same moment: all of them start while the test
    holds the lock, and it lets go once every one is waiting for it."""
    with lock.exclusive(out):
        procs = [
            subprocess.Popen(
                schemac_process("build", specs, "-o", out, "--no-lint"),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(count)
        ]
        deadline = time.monotonic() + 20
        while not all(_waiting_on_the_lock(p.pid, out) for p in procs):
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            assert time.monotonic() < deadline, "the builds never reached the lock"
            time.sleep(0.01)
    done = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=60)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr))
    return done


@pytest.mark.parametrize("fresh", [True, False], ids=["first-build", "incremental"])
def test_concurrent_builds_write_one_migration_set(tmp_path: Path, fresh: bool) -> None:
    v1, v2 = specs_dir(tmp_path / "v1", medium()), specs_dir(tmp_path / "v2", medium(v2=True))
    specs = v1 if fresh else v2
    out, reference = tmp_path / "migrations", tmp_path / "reference"
    if not fresh:
        assert build(v1, out).exit_code == 0
        shutil.copytree(out, reference)
    assert build(specs, reference).exit_code == 0
    results = _race(specs, out, count=3)
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr for r in results]
    wrote = [r for r in results if "wrote" in r.stdout]
    assert len(wrote) == 1, [r.stdout for r in results]
    assert sum("nothing to do" in r.stdout for r in results) == 2
    assert tree(out) == tree(reference)
    assert junk(out) == []
    result = check(specs, out)
    assert result.exit_code == 0, result.stderr


def test_a_build_that_cannot_get_the_lock_says_who_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = specs_dir(tmp_path / "specs", medium(3))
    out = tmp_path / "migrations"
    assert build(specs, out).exit_code == 0
    before = tree(out)
    monkeypatch.setattr(lock, "LOCK_WAIT_S", 0.2)
    holder = subprocess.Popen(
        [
            *schemac_process()[:1],
            "-c",
            "import sys, time; from pathlib import Path; from schemac import lock\n"
            "with lock.exclusive(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(30)",
            str(out),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        specs_dir(specs, medium(4))
        started = time.monotonic()
        result = build(specs, out)
        assert time.monotonic() - started < 5
        assert result.exit_code == 3, result.stderr
        assert f"another schemac (pid {holder.pid}" in result.stderr
        assert f"is using {out}; gave up waiting for it" in result.stderr
        assert "run the command again once the other one has finished" in result.stderr
        assert "nothing was changed" in result.stderr
        for command in (["new", "backfill", "-m", out], ["hash", "-m", out]):
            refused = run(*command)
            assert refused.exit_code == 3 and "another schemac" in refused.stderr
        assert check(specs, out).exit_code == 3  # check waits for a writer too
        plan = run("plan", specs, "-m", out)
        assert plan.exit_code == 3
        assert {k: v for k, v in tree(out).items() if k != LOCK_NAME} == before
    finally:
        holder.kill()
        holder.wait()
    # the kernel let go of the lock with its holder: nothing to clean up
    result = build(specs, out)
    assert result.exit_code == 0, result.stderr
    assert junk(out) == []


def test_readers_share_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    specs = specs_dir(tmp_path / "specs", medium(3))
    out = tmp_path / "migrations"
    assert build(specs, out).exit_code == 0
    monkeypatch.setattr(lock, "LOCK_WAIT_S", 0.2)
    with lock.shared(out):
        assert check(specs, out).exit_code == 0
        assert run("plan", specs, "-m", out).exit_code == 0
        assert build(specs, out).exit_code == 3  # a writer waits for the readers
    assert junk(out) == []


def test_the_lock_leaves_no_file_and_no_directory_behind(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "migrations"
    with lock.exclusive(out):
        assert (out / LOCK_NAME).is_file()
    assert not (tmp_path / "a").exists()  # made for the lock, empty again
    with lock.shared(out):  # a reader of a missing directory creates nothing
        pass
    assert list(tmp_path.iterdir()) == []
    specs = specs_dir(tmp_path / "specs", medium(3))
    assert build(specs, out).exit_code == 0
    assert junk(out) == []


def test_a_waiter_takes_over_from_a_holder_that_removes_the_file(tmp_path: Path) -> None:
    """The waiter got its lock on a file the holder then removed: it takes the lock again on
    the file on disk, so no third command can hold it at the same time."""
    out = tmp_path / "migrations"
    out.mkdir()
    events: list[str] = []

    def waiter() -> None:
        with lock.exclusive(out, "build", wait=10):
            events.append("waiter holds")
            try:
                with lock.exclusive(out, wait=0.05):
                    events.append("a third holds too")
            except lock.LockBusy as exc:
                events.append(exc.message)

    with lock.exclusive(out):
        thread = threading.Thread(target=waiter)
        thread.start()
        deadline = time.monotonic() + 10
        while not _waiting_on_the_lock(os.getpid(), out, count=2):
            assert time.monotonic() < deadline
            time.sleep(0.005)
        events.append("holder lets go")
    thread.join()
    assert events[:2] == ["holder lets go", "waiter holds"]
    assert events[2].startswith(f"another schemac build (pid {os.getpid()}) is using {out}")
    assert junk(out) == []
