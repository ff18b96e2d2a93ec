"""The lock on a migrations directory: one writer at a time, and no reader during a write.

`build`, `new` and `hash` hold the lock exclusively from the moment they read the directory to
their last rename, so two of them never plan from the same snapshot (two builds at once would
otherwise both write a V0001, or one would overwrite the other's). `check` and `plan` hold it
shared, so they never read a build halfway through.

The lock is `flock` on `.schemac.lock` in the directory. The kernel drops it when its holder
dies, so a lock can never be left stale by a killed build; the file itself is removed by the
last holder (a waiter that then gets a lock on the removed file sees that and starts again), so
a directory at rest holds no lock file. The file says who holds it, for the message of a
command that gave up waiting.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".schemac.lock"
#: how long a command waits for another one holding the lock (a large build takes a second or
#: two; `build --verify` holds it while verifying, so it can take longer)
LOCK_WAIT_S = 10.0


class LockBusy(Exception):
    """Another schemac holds the lock on the directory for longer than we waited.

    Not an input error: the very same command succeeds once the other one has finished, so the
    CLI reports it as an environment problem (exit code 3).
    """

    def __init__(self, message: str, help: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.help = help


@contextlib.contextmanager
def exclusive(directory: Path, command: str = "", wait: float | None = None) -> Iterator[None]:
    """Hold the directory's lock alone, creating the directory (and its parents) when missing;
    folders created here are removed again on the way out when nothing was written into them.
    `command` (build, new, hash) is written in the lock file for the message of a waiter.

    Raises LockBusy after `wait` seconds (default LOCK_WAIT_S), and OSError when the directory
    or its lock file cannot be created.
    """
    deadline = time.monotonic() + (LOCK_WAIT_S if wait is None else wait)
    created: list[Path] = []
    try:
        while True:
            created += _make(directory)
            try:
                fd = _acquire(directory, fcntl.LOCK_EX, deadline)
                break
            except FileNotFoundError:
                continue  # the holder we waited for made the directory, and removed it again
        try:
            with contextlib.suppress(OSError):  # only for the message of a waiting command
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()} {command}".strip().encode() + b"\n")
            yield
        finally:
            _release(directory, fd)
    finally:
        for path in created:
            with contextlib.suppress(OSError):
                path.rmdir()


@contextlib.contextmanager
def shared(directory: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the directory's lock along with other readers, so no writer is halfway through.

    Takes no lock when the directory does not exist or its lock file cannot be created there (a
    read-only checkout, where no schemac can be writing either). Raises LockBusy as `exclusive`.
    """
    deadline = time.monotonic() + (LOCK_WAIT_S if wait is None else wait)
    try:
        fd = _acquire(directory, fcntl.LOCK_SH, deadline)
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, errno.ENOTDIR, errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        yield
        return
    try:
        yield
    finally:
        _release(directory, fd)


def _make(directory: Path) -> list[Path]:
    """Create `directory` and its missing parents; returns the folders made, deepest first."""
    missing: list[Path] = []
    for path in (directory, *directory.parents):
        if path.exists():
            break
        missing.append(path)
    made: list[Path] = []
    try:
        for path in reversed(missing):
            with contextlib.suppress(FileExistsError):  # another command made it just now
                path.mkdir()
                made.insert(0, path)
    except BaseException:
        for path in made:
            with contextlib.suppress(OSError):
                path.rmdir()
        raise
    return made


def _acquire(directory: Path, mode: int, deadline: float) -> int:
    path = directory / LOCK_NAME
    pause = 0.005
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise _busy(directory, fd) from None
                    time.sleep(pause)
                    pause = min(pause * 2, 0.1)
            if _same_file(fd, path):
                return fd
        except BaseException:
            os.close(fd)
            raise
        # the holder removed the file after we opened it: our lock is on a file nobody else sees
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _release(directory: Path, fd: int) -> None:
    # remove the file while holding it alone: a shared holder first tries to become the only
    # one (non-blocking; another reader or a waiting writer keeps the file for itself)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if _same_file(fd, directory / LOCK_NAME):
            with contextlib.suppress(OSError):
                os.unlink(directory / LOCK_NAME)
    except OSError:
        pass
    finally:
        os.close(fd)


def _busy(directory: Path, fd: int) -> LockBusy:
    holder = ""
    with contextlib.suppress(OSError):
        pid, _, command = os.pread(fd, 200, 0).decode("utf-8", "replace").strip().partition(" ")
        if pid.isdigit():
            holder = f" {command} (pid {pid})" if command else f" (pid {pid})"
    return LockBusy(
        f"another schemac{holder} is using {directory}; gave up waiting for it",
        "run the command again once the other one has finished (the lock ends with its "
        "process, so it is still running); nothing was changed",
    )
