"""An ephemeral PostgreSQL cluster: found binaries, initdb in a temp dir, Unix socket only.

A cluster's folder is named after the process that owns it and records that process (pid,
start time, pid namespace), because an owner killed with SIGKILL cannot clean up: its server
runs on in its own session and its folder stays. Every new cluster first removes the ones whose
owner is gone (remove_stale_clusters); a cluster whose owner is alive, or whose owner cannot be
told, is never touched.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from schemac.diagnostics import EnvironmentProblem

REQUIRED_PROGRAMS = ("initdb", "pg_ctl", "postgres")

#: usual install folders, searched after PATH and pg_config; `*` is the major version
INSTALL_GLOBS: tuple[str, ...] = (
    "/usr/lib/postgresql/*/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
    "/usr/pgsql-*/bin",
)

#: the unprivileged account the server runs as when schemac itself runs as root
SERVER_USERS = ("postgres", "nobody")

_SERVER_SETTINGS = (
    "listen_addresses=",
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "wal_level=minimal",
    "max_wal_senders=0",
    "max_wal_size=4GB",
    "checkpoint_timeout=1d",
    "autovacuum=off",
    "jit=off",
    # in the data dir, so even a killed server leaves no segment behind in /dev/shm
    "dynamic_shared_memory_type=mmap",
    # one transaction creating or dropping thousands of tables holds a lock on each (and on
    # each index); the default table of 64 x max_connections slots runs out near 1,000 tables
    "max_locks_per_transaction=4096",
)

_START_TIMEOUT_S = 30.0
_STOP_TIMEOUT_S = 10.0

#: cluster folders are `schemac-pg-{owner pid}-{random}` in the scratch root
CLUSTER_PREFIX = "schemac-pg-"
#: in a cluster folder: "{pid} {start time} {pid namespace}" of the owner process
OWNER_FILE = "owner"


def is_pg_bin(directory: Path) -> bool:
    """True when `directory` holds the server programs a throwaway cluster needs."""
    return all(os.access(directory / name, os.X_OK) for name in REQUIRED_PROGRAMS)


def _major_version(path: str) -> tuple[int, ...]:
    match = re.search(r"(?:postgresql[@/-]|pgsql-)(\d+)(?:\.(\d+))?", path)
    if not match:
        return (0,)
    return tuple(int(part) for part in match.groups() if part is not None)


def _installed_dirs(install_globs: Sequence[str], version: int | None) -> list[Path]:
    found = [path for pattern in install_globs for path in glob.glob(pattern)]
    found.sort(
        key=lambda p: (_major_version(p)[0] != version, tuple(-n for n in _major_version(p)))
    )
    return [Path(p) for p in found]


def _pg_config_bindir(search_path: str) -> Path | None:
    pg_config = shutil.which("pg_config", path=search_path)
    if pg_config is None:
        return None
    try:
        out = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, timeout=5, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out.stdout.strip()) if out.stdout.strip() else None


def find_pg_bin(
    explicit: str | None = None,
    *,
    version: int | None = None,
    env: Mapping[str, str] | None = None,
    install_globs: Sequence[str] = INSTALL_GLOBS,
) -> Path | None:
    """The first folder holding initdb, pg_ctl and postgres, or None.

    Order: `explicit` (--pg-bin / config), $SCHEMAC_PG_BIN, pg_ctl on PATH, `pg_config --bindir`,
    then the usual install folders, highest major version first (the asked `version` before all).
    An explicit folder without the programs is an EnvironmentProblem, not a silent fallback.
    """
    environ = os.environ if env is None else env
    for origin, given in (
        ("--pg-bin", explicit),
        ("SCHEMAC_PG_BIN", environ.get("SCHEMAC_PG_BIN")),
    ):
        if given:
            if is_pg_bin(Path(given)):
                return Path(given)
            raise EnvironmentProblem(
                f"{origin} {given} does not contain {', '.join(REQUIRED_PROGRAMS)}",
                "point it at the bin folder of a PostgreSQL server install",
            )
    search_path = environ.get("PATH", os.defpath)
    pg_ctl = shutil.which("pg_ctl", path=search_path)
    candidates: list[Path] = []
    if pg_ctl is not None:
        # distributions symlink pg_ctl alone onto PATH; its real folder holds initdb and postgres
        candidates += [Path(pg_ctl).parent, Path(pg_ctl).resolve().parent]
    bindir = _pg_config_bindir(search_path)
    if bindir is not None:
        candidates.append(bindir)
    candidates += _installed_dirs(install_globs, version)
    return next((c for c in candidates if is_pg_bin(c)), None)


def _server_account() -> tuple[int, int] | None:
    """(uid, gid) to run the server as: None unless we are root, which initdb refuses."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    import pwd

    for name in SERVER_USERS:
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
    raise EnvironmentProblem(
        "running as root and no unprivileged 'postgres' or 'nobody' account exists for the server",
        "run schemac as a normal user, or create a 'postgres' system user",
    )


def _scratch_root() -> str | None:
    """RAM-backed /dev/shm when usable (halves apply time), else the default temp dir."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


class LocalCluster:
    """A throwaway cluster: `with LocalCluster(bin) as conninfo:` yields an admin conninfo.

    The server listens on a Unix socket in its own temp dir only, so clusters never collide on a
    port. The cluster and its folder are removed on every exit path: normal exit, exception,
    Ctrl-C, SIGTERM (turned into SystemExit while the cluster is up) and interpreter exit.
    """

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds = 0.0
        self._account = _server_account()
        self._old_sigterm: Any = None
        self._handler_installed = False

    @property
    def socket_dir(self) -> Path:
        assert self.root is not None
        return self.root

    @property
    def data_dir(self) -> Path:
        return self.socket_dir / "data"

    @property
    def conninfo(self) -> str:
        return f"host={self.socket_dir} port=5432 user=postgres dbname=postgres"

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> str:
        """Create and start the cluster; on any failure (or interrupt) leave nothing behind."""
        began = time.perf_counter()
        atexit.register(self.stop)
        self._install_sigterm_handler()
        try:
            remove_stale_clusters()
            prefix = f"{CLUSTER_PREFIX}{os.getpid()}-"
            self.root = Path(tempfile.mkdtemp(prefix=prefix, dir=_scratch_root()))
            (self.root / OWNER_FILE).write_text(_identity(os.getpid()) + "\n")
            if self._account is not None:
                os.chown(self.root, *self._account)
            self._initdb()
            self._launch()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - began
        return self.conninfo

    def _run_kwargs(self) -> dict[str, Any]:
        if self._account is None:
            return {}
        uid, gid = self._account
        return {"user": uid, "group": gid, "extra_groups": [], "cwd": str(self.socket_dir)}

    def _initdb(self) -> None:
        cmd = [str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-A", "trust"]
        cmd += ["-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]
        done = subprocess.run(cmd, capture_output=True, text=True, **self._run_kwargs())
        if done.returncode != 0:
            raise EnvironmentProblem(
                f"initdb failed in {self.data_dir}: {_tail(done.stderr or done.stdout)}",
                f"check the PostgreSQL install in {self.bin_dir}",
            )

    def _launch(self) -> None:
        cmd = [str(self.bin_dir / "postgres"), "-D", str(self.data_dir), "-k", str(self.socket_dir)]
        for setting in _SERVER_SETTINGS:
            cmd += ["-c", setting]
        log = open(self.socket_dir / "server.log", "wb")  # noqa: SIM115
        with log:
            # its own session: a terminal Ctrl-C reaches only us, and we stop the server ourselves
            self.process = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **self._run_kwargs(),
            )
        pid_file = self.data_dir / "postmaster.pid"
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EnvironmentProblem(
                    f"the PostgreSQL server exited at start-up: {_tail(self._log())}",
                    f"check the PostgreSQL install in {self.bin_dir}",
                )
            if _is_ready(pid_file):
                return
            time.sleep(0.005)
        raise EnvironmentProblem(
            f"the PostgreSQL server did not become ready in {_START_TIMEOUT_S:.0f}s: "
            f"{_tail(self._log())}"
        )

    def _log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.socket_dir / "server.log").read_text(errors="replace")
        return ""

    def stop(self) -> None:
        """Stop the server at once (immediate shutdown) and remove its folder. Idempotent."""
        with _signals_deferred() as restore:
            process, self.process = self.process, None
            if process is not None and process.poll() is None:
                # SIGQUIT is PostgreSQL's immediate shutdown, what `pg_ctl stop -m immediate` sends
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGQUIT)
                try:
                    process.wait(_STOP_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait(_STOP_TIMEOUT_S)
            root, self.root = self.root, None
            if root is not None:
                shutil.rmtree(root, ignore_errors=True)
            if self._handler_installed and signal.SIGTERM in restore:
                restore[signal.SIGTERM] = self._old_sigterm
                self._handler_installed = False
            atexit.unregister(self.stop)

    def _install_sigterm_handler(self) -> None:
        if threading.current_thread() is not threading.main_thread() or self._handler_installed:
            return
        old = signal.signal(signal.SIGTERM, _raise_system_exit)
        self._old_sigterm = signal.SIG_DFL if old is None else old
        self._handler_installed = True


def _raise_system_exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[dict[signal.Signals, Any]]:
    """Hold SIGINT/SIGTERM during cleanup so a second Ctrl-C cannot strand a half-removed cluster.

    Yields the handlers to restore afterwards (editable); a held signal is re-raised after that.
    """
    if threading.current_thread() is not threading.main_thread():
        yield {}
        return
    received: list[signal.Signals] = []

    def remember(signum: int, frame: FrameType | None) -> None:
        received.append(signal.Signals(signum))

    previous: dict[signal.Signals, Any] = {
        sig: signal.signal(sig, remember) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield previous
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for sig in received[:1]:
            signal.raise_signal(sig)


def _is_ready(pid_file: Path) -> bool:
    try:
        lines = pid_file.read_text().splitlines()
    except OSError:
        return False
    # line 8 of postmaster.pid is the status, "ready" once connections are accepted (PostgreSQL 10+)
    return len(lines) >= 8 and lines[7].strip() == "ready"


def _tail(text: str, lines: int = 5) -> str:
    return " | ".join(line for line in text.strip().splitlines()[-lines:]) or "(no output)"


# --- clusters left by killed owners -------------------------------------------------------------


def remove_stale_clusters(roots: Sequence[Path] | None = None) -> list[Path]:
    """Stop and remove the cluster folders in `roots` (default: the scratch roots) whose owner
    process is gone; returns them. Only folders naming their owner are considered, only
    ones this user may remove, and never one whose owner is alive or runs in another pid
    namespace (where its pid means something else)."""
    if roots is None:
        roots = sorted(
            {Path(_scratch_root() or tempfile.gettempdir()), Path(tempfile.gettempdir())}
        )
    removed: list[Path] = []
    for root in roots:
        for folder in sorted(root.glob(f"{CLUSTER_PREFIX}*")):
            with contextlib.suppress(OSError):  # another verify may be removing it too
                if _is_stale(folder):
                    _stop_postmaster(folder / "data")
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(folder)
    return removed


def _is_stale(folder: Path) -> bool:
    match = re.fullmatch(re.escape(CLUSTER_PREFIX) + r"(\d+)-\w+", folder.name)
    if match is None or folder.is_symlink() or not folder.is_dir():
        return False  # not ours, or from a schemac that did not name the owner
    euid = os.geteuid()
    if euid != 0 and folder.stat().st_uid != euid:
        return False
    try:
        recorded = (folder / OWNER_FILE).read_text().split()
    except OSError:
        recorded = []  # killed before it was written: the name still says whose it is
    pid = int(match.group(1))
    if len(recorded) == 3 and recorded[0] == str(pid):
        _, started, namespace = recorded
        if namespace != _pid_namespace():
            return False
        return not _alive(pid, started)
    return not _alive(pid, None)


def _identity(pid: int) -> str:
    """What tells a process apart from a later one with the same pid: pid, start time (clock
    ticks since boot) and pid namespace; `-` for what this platform does not say."""
    return f"{pid} {_start_time(pid) or '-'} {_pid_namespace()}"


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # after the parenthesised command (which may hold spaces): state is field 3, start time 22
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 and fields[0] != "Z" else None


def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid").replace(" ", "")
    except OSError:
        return "-"


def _alive(pid: int, started: str | None) -> bool:
    """True unless `pid` is gone, a zombie, or a later process than the one that started at
    `started` (None or `-`: not recorded)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    if Path("/proc/self").exists():
        now = _start_time(pid)
        if now is None:
            return False  # a zombie, or gone since
        if started not in (None, "-") and now != started:
            return False
    return True


def _stop_postmaster(data_dir: Path) -> None:
    """Stop the server of `data_dir` at once (as `pg_ctl stop -m immediate` does), if it runs;
    a pid from postmaster.pid is signalled only when that process serves this data dir."""
    try:
        pid = int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return
    if not _serves(pid, data_dir):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGQUIT)
    deadline = time.monotonic() + _STOP_TIMEOUT_S
    while _alive(pid, None) and time.monotonic() < deadline:
        time.sleep(0.02)
    if _alive(pid, None):
        # it leads its own session (start_new_session): the group holds its children
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


def _serves(pid: int, data_dir: Path) -> bool:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except FileNotFoundError:
        # no such process, or no /proc to tell (then trust postmaster.pid, as pg_ctl does)
        return not Path("/proc/self").exists() and _alive(pid, None)
    except OSError:
        return False
    return str(data_dir).encode() in argv
