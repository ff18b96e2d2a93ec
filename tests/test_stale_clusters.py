"""Clusters of a killed `verify`: its server runs on and its folder stays, until the next local
cluster removes them; a cluster whose owner is alive (or cannot be told) is never touched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.verify import local
from schemac.verify.local import CLUSTER_PREFIX, OWNER_FILE, LocalCluster, find_pg_bin
from tests.crashes import build, medium, schemac_process, specs_dir
from tests.helpers import no_postgresql


@pytest.fixture(scope="module")
def pg_bin() -> Path:
    found = find_pg_bin()
    if found is None:
        no_postgresql("no PostgreSQL server binaries for the local backend")
    return found


def _clusters_of(pid: int) -> list[Path]:
    roots = {Path("/dev/shm"), Path(os.environ.get("TMPDIR", "/tmp"))}
    return [p for root in roots if root.is_dir() for p in root.glob(f"{CLUSTER_PREFIX}{pid}-*")]


def _postmaster(cluster: Path) -> int | None:
    """The pid of the running server of `cluster`, or None."""
    try:
        pid = int((cluster / "data" / "postmaster.pid").read_text().split("\n", 1)[0])
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError):
        return None
    state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    return pid if str(cluster / "data").encode() in argv and state != "Z" else None


@pytest.mark.postgres
def test_the_next_verify_removes_the_cluster_of_a_killed_one(tmp_path: Path, pg_bin: Path) -> None:
    specs = specs_dir(tmp_path / "specs", medium(3))
    out = tmp_path / "migrations"
    assert build(specs, out).exit_code == 0
    proc = subprocess.Popen(
        schemac_process("verify", specs, "-m", out, "--backend", "local", "--pg-bin", pg_bin),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not any(_postmaster(c) for c in _clusters_of(proc.pid)):
        assert proc.poll() is None, "verify ended before its cluster was up"
        assert time.monotonic() < deadline, "verify never started its cluster"
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    [cluster] = _clusters_of(proc.pid)
    server = _postmaster(cluster)
    assert server is not None, "a SIGKILLed verify leaves its server running (it is why)"
    assert (cluster / OWNER_FILE).read_text().split()[0] == str(proc.pid)

    result = CliRunner().invoke(
        cli, ["verify", str(specs), "-m", str(out), "--backend", "local", "--pg-bin", str(pg_bin)]
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert not cluster.exists()
    assert _gone(server)


def _gone(pid: int) -> bool:
    """True once `pid` has exited (a zombie nobody reaped yet counts as gone)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.02)
    return False


@pytest.mark.postgres
def test_a_cluster_whose_owner_is_alive_is_never_touched(pg_bin: Path) -> None:
    with LocalCluster(pg_bin) as conninfo:
        import psycopg

        mine = [c for c in _clusters_of(os.getpid()) if _postmaster(c)]
        assert mine
        assert not set(local.remove_stale_clusters()) & set(mine)
        with LocalCluster(pg_bin):  # a second cluster scans too
            pass
        with psycopg.connect(conninfo) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        assert all(_postmaster(c) for c in mine)


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """A live process that is not a PostgreSQL server."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc
    proc.kill()
    proc.wait()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _fake_cluster(root: Path, pid: int, owner: str | None, server: int | None = None) -> Path:
    folder = root / f"{CLUSTER_PREFIX}{pid}-abcd1234"
    (folder / "data").mkdir(parents=True)
    if owner is not None:
        (folder / OWNER_FILE).write_text(owner + "\n")
    if server is not None:
        (folder / "data" / "postmaster.pid").write_text(f"{server}\n{folder / 'data'}\n")
    return folder


def test_only_clusters_of_dead_owners_are_removed(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    alive = sleeper.pid
    dead = _dead_pid()
    namespace = local._pid_namespace()
    started = local._start_time(alive)
    stale = [
        _fake_cluster(tmp_path / "a", dead, f"{dead} 12345 {namespace}"),
        _fake_cluster(tmp_path / "b", dead, None),  # killed before it wrote the owner file
        # the pid was taken over by a later process: not the owner any more
        _fake_cluster(tmp_path / "c", alive, f"{alive} 1 {namespace}"),
        # postmaster.pid names a live process that is no server of this folder: not signalled
        _fake_cluster(tmp_path / "d", dead, f"{dead} 1 {namespace}", server=alive),
    ]
    kept = [
        _fake_cluster(tmp_path / "e", alive, f"{alive} {started} {namespace}"),
        _fake_cluster(tmp_path / "f", alive, None),
        _fake_cluster(tmp_path / "g", dead, f"{dead} 1 pid:[1]"),  # another pid namespace
    ]
    old = tmp_path / "h" / f"{CLUSTER_PREFIX}k3x_9a0q"  # no owner in the name: cannot tell
    (old / "data").mkdir(parents=True)
    kept.append(old)
    roots = sorted({p.parent for p in stale + kept})
    assert sorted(local.remove_stale_clusters(roots)) == sorted(stale)
    assert [p for p in stale if p.exists()] == []
    assert all(p.is_dir() for p in kept)
    assert sleeper.poll() is None


def test_a_stale_server_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server of a stale cluster gets SIGQUIT (PostgreSQL's immediate shutdown), then its
    whole process group SIGKILL if it does not go."""
    data = tmp_path / "x" / "data"
    stubborn = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, sys, time; signal.signal(signal.SIGQUIT, signal.SIG_IGN); "
            "print('up', flush=True); time.sleep(60)",
            "-D",
            str(data),
        ],
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    assert stubborn.stdout is not None and stubborn.stdout.readline() == b"up\n"
    data.mkdir(parents=True)
    (data / "postmaster.pid").write_text(f"{stubborn.pid}\n")
    sent: list[int] = []
    real_kill = os.kill

    def kill(pid: int, sig: int) -> None:
        sent.append(sig)
        real_kill(pid, sig)

    monkeypatch.setattr(local, "_STOP_TIMEOUT_S", 0.3)
    monkeypatch.setattr(local.os, "kill", kill)
    local._stop_postmaster(data)
    monkeypatch.undo()
    assert stubborn.wait(5) == -signal.SIGKILL
    assert signal.SIGQUIT in sent
