"""Interrupting a running `schemac verify` leaves no server process, temp dir or database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.postgres


def schemac_clusters() -> set[str]:
    """Data directories of running postgres servers started by schemac (from /proc)."""
    found: set[str] = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"postgres"):
            found |= {a.decode(errors="replace") for a in argv if b"schemac-pg-" in a}
    return found


def scratch_dirs() -> set[Path]:
    roots = [Path("/dev/shm"), Path(os.environ.get("TMPDIR", "/tmp"))]
    return {p for root in roots if root.is_dir() for p in root.glob("schemac-pg-*")}


def interrupt_verify(
    tmp_path: Path, backend: list[str], started: Callable[[int], bool], sig: signal.Signals
) -> int:
    """Build the bundled specs, run `schemac verify` on them in a subprocess, send it `sig` as
    soon as `started(pid)` holds, and check that it stopped without a traceback; returns the
    subprocess's pid."""
    out = tmp_path / "m"
    result = CliRunner().invoke(cli, ["build", str(ROOT / "specs"), "-o", str(out), "--no-lint"])
    assert result.exit_code == 0, result.stderr
    proc = subprocess.Popen(
        [sys.executable, "-m", "schemac", "verify", str(ROOT / "specs"), "-m", str(out), *backend],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while not started(proc.pid):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "verify never got its PostgreSQL"
        time.sleep(0.01)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert b"Traceback" not in err, err.decode()
    return proc.pid


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_verify_cleans_up(tmp_path: Path, sig: signal.Signals) -> None:
    # clusters are named after the process that owns them: count only the subprocess's, as
    # other schemac runs on the machine (a parallel test session) start and stop their own
    def owned(pid: int) -> set[str]:
        mark = f"schemac-pg-{pid}-"
        return {c for c in schemac_clusters() if mark in c} | {
            str(d) for d in scratch_dirs() if d.name.startswith(mark)
        }

    pid = interrupt_verify(tmp_path, ["--backend", "local"], lambda p: bool(owned(p)), sig)
    # the server exits after its owner: on a loaded machine that takes more than a moment, but
    # a server or folder still there after ten seconds was left behind
    deadline = time.monotonic() + 10
    while owned(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert owned(pid) == set()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_verify_drops_its_databases_on_a_url_server(
    pg_backend: object, tmp_path: Path, sig: signal.Signals
) -> None:
    import psycopg

    admin = pg_backend.admin_conninfo  # type: ignore[attr-defined]

    def scratch() -> set[str]:
        with psycopg.connect(admin, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'schemac_verify_%'"
            ).fetchall()
        return {r[0] for r in rows}

    before = scratch()
    interrupt_verify(
        tmp_path,
        ["--backend", "url", "--database-url", admin],
        lambda _pid: bool(scratch() - before),
        sig,
    )
    assert scratch() - before == set()
