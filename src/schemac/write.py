"""The only module that writes to disk: migration files, the snapshot and schemac.sum.

A build either lands completely or not at all, whatever stops it. Every file is first written
to a temporary file in the target directory and flushed, then renamed into place: the
migrations, then the snapshot, and schemac.sum last. The sum's rename is the one commit point;
before it, a journal (see below) says which files are being placed and keeps the replaced
snapshot aside, so an exception undoes the build at once and a killed process leaves what the
next command holding the directory's lock (lock.py) needs to undo it (`recover`). Existing
migration files are never overwritten. Files are created 0666 less the umask, like any tool's.

Two escape hatches change the sum on purpose: `write_registered` adds hand-written migrations
and lists them right away (`schemac new`), and `rehash` rewrites the sum from the files on disk
to accept an intentional edit (`schemac hash`).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from schemac.render.files import OutputFile
from schemac.sums import BACKUP_NAME, PENDING_NAME, Leftovers, find_leftovers, listed_hashes
from schemac.sums import SNAPSHOT_NAME as SNAPSHOT_NAME
from schemac.sums import SUM_NAME as SUM_NAME
from schemac.sums import compute_sum as compute_sum
from schemac.sums import format_sum as format_sum
from schemac.sums import hash_bytes as hash_bytes
from schemac.sums import sum_for_build as sum_for_build
from schemac.sums import tracked_names as tracked_names
from schemac.sums import verify_sum as verify_sum


class WriteError(Exception):
    """Writing the build failed and nothing was changed; the CLI reports it with exit code 2."""

    def __init__(self, message: str, help: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.help = help


@dataclass(frozen=True)
class SumChanges:
    """What `rehash` changed in schemac.sum: file names, each list in sum order."""

    rehashed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: False when schemac.sum already said exactly this (nothing was written)
    written: bool = False


def write_registered(directory: Path, files: Sequence[OutputFile]) -> list[Path]:
    """Write new (hand-written) migration files and list them in schemac.sum, all or nothing.

    The directory must agree with its sum first (a missing sum is fine only while there is
    nothing to list): otherwise rewriting the sum would quietly accept an edit nobody
    re-registered. The new entries go after the existing migrations and before the snapshot,
    so the files must be of a version after every existing one. Returns the paths written,
    the sum last. Raises WriteError (nothing changed) when the directory does not match its
    sum, a file already exists, or the directory cannot be written.
    """
    problems = verify_sum(directory)
    if problems and not (directory / SUM_NAME).is_file():
        raise WriteError(
            f"{directory} holds migrations but no {SUM_NAME}",
            help=f"run 'schemac hash -m {directory}' first to register the files there; "
            "nothing was written",
        )
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise WriteError(
            f"{directory} does not match its {SUM_NAME}: {problems[0]}{more}",
            help=f"if the changes are intentional, run 'schemac hash -m {directory}' first; "
            "otherwise restore the files. Nothing was written",
        )
    for f in files:
        if (directory / f.name).exists():
            raise WriteError(
                f"{directory / f.name} already exists; schemac never overwrites a migration",
                help="choose another name, or remove the file yourself if it was never "
                "applied anywhere",
            )
    names = [name for name in listed_hashes(directory) if name != SNAPSHOT_NAME]
    entries = [(name, (directory / name).read_bytes()) for name in names]
    entries += [(f.name, f.content.encode("utf-8")) for f in files]
    if (directory / SNAPSHOT_NAME).is_file():
        entries.append((SNAPSHOT_NAME, (directory / SNAPSHOT_NAME).read_bytes()))
    outputs = [(f.name, f.content.encode("utf-8")) for f in files]
    outputs.append((SUM_NAME, format_sum(entries).encode("utf-8")))
    return _place(directory, outputs, "the migration", journal=True)


def rehash(directory: Path, names: Sequence[str]) -> SumChanges:
    """Rewrite schemac.sum from the files on disk: `names` (the migration files, in version
    order), then the snapshot when there is one. This is how an intentional edit is accepted.

    Every file the sum must list has to be among `names` (or be the snapshot), so that
    verify_sum finds nothing afterwards. Raises WriteError (nothing changed) otherwise, when a
    name is not a file, or when the sum cannot be written. Writes nothing when the sum already
    reads exactly so, or when there is nothing to list and no sum.
    """
    wanted = set(names) | {SNAPSHOT_NAME}
    strays = [name for name in tracked_names(directory) if name not in wanted]
    if strays:
        raise WriteError(
            f"{directory / strays[0]} is not a file of any migration, so it cannot be listed "
            f"in {SUM_NAME}" + (f" (and {len(strays) - 1} more)" if len(strays) > 1 else ""),
            help="check the layout (--format, or 'format' in the config), or move the file "
            "away; nothing was written",
        )
    for name in names:
        if not (directory / name).is_file():
            raise WriteError(f"{directory / name} is not a file", help="nothing was written")
    sum_path = directory / SUM_NAME
    text = compute_sum(directory, names)
    if not sum_path.is_file() and not tracked_names(directory):
        return SumChanges()
    old = listed_hashes(directory)
    _, _, body = text.partition("\n")
    new = {name: digest for name, _, digest in (ln.rpartition(" ") for ln in body.splitlines())}
    changes = SumChanges(
        rehashed=[n for n, digest in new.items() if n in old and old[n] != digest],
        added=[n for n in new if n not in old],
        removed=[n for n in old if n not in new],
        written=not sum_path.is_file() or sum_path.read_bytes() != text.encode("utf-8"),
    )
    if changes.written:
        _place(directory, [(SUM_NAME, text.encode("utf-8"))], SUM_NAME, journal=False)
    return changes


def _missing_parents(directory: Path) -> list[Path]:
    missing: list[Path] = []
    for path in (directory, *directory.parents):
        if path.exists():
            break
        missing.append(path)
    return missing


def write_build(
    directory: Path, new_files: Sequence[OutputFile], snapshot_text: str, sum_text: str
) -> list[Path]:
    """Write the new migration files, then the snapshot and the sum, all or nothing.

    Returns the paths written, in order. Raises WriteError (nothing changed) when a migration
    file already exists or the directory cannot be written.
    """
    for f in new_files:
        if (directory / f.name).exists():
            raise WriteError(
                f"{directory / f.name} already exists; schemac never overwrites a migration",
                help="migrations are immutable once written: restore the directory, or remove "
                "the file yourself if it was never applied anywhere",
            )
    outputs = [(f.name, f.content.encode("utf-8")) for f in new_files]
    outputs += [(SNAPSHOT_NAME, snapshot_text.encode("utf-8")), (SUM_NAME, sum_text.encode())]
    return _place(directory, outputs, "the migrations", journal=True)


def write_new_files(directory: Path, files: Sequence[OutputFile]) -> list[Path]:
    """Write files none of which may exist yet (starter specs), all or nothing."""
    for f in files:
        if (directory / f.name).exists():
            raise WriteError(
                f"{directory / f.name} already exists; schemac never overwrites it",
                help="choose an empty directory, or move the existing file away",
            )
    outputs = [(f.name, f.content.encode("utf-8")) for f in files]
    return _place(directory, outputs, "files", journal=False)


def _place(
    directory: Path, outputs: Sequence[tuple[str, bytes]], what: str, *, journal: bool
) -> list[Path]:
    """Temp file + rename for each output, schemac.sum (when among them) last: its rename is
    the commit. On any failure before it the directory is left as it was, created folders
    included.

    With `journal`, the journal (_begin_journal) goes down before the first rename, so that a
    killed process leaves what the next command needs to undo the rest (recover); an exception
    undoes it here and now, through the same code. Once the sum is in place nothing is undone.
    """
    outputs = sorted(outputs, key=lambda output: output[0] == SUM_NAME)  # stable: sum last
    created_dirs = _missing_parents(directory)
    temps: list[Path] = []
    placed: list[Path] = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in outputs:
            temps.append(_write_temp(directory, name, data))
        if journal:
            _begin_journal(directory, outputs)
        for (name, _), temp in zip(outputs, temps, strict=True):
            if name == SUM_NAME:
                _sync_directory(directory)  # every other rename is on disk before the commit
            os.replace(temp, directory / name)
            placed.append(directory / name)
        _sync_directory(directory)
    except BaseException as exc:
        for path in temps:
            with contextlib.suppress(OSError):
                path.unlink()
        if (directory / SUM_NAME) in placed:
            raise  # committed: an interrupt right after the commit does not take it back
        if journal:
            with contextlib.suppress(OSError, WriteError):
                undo(directory, find_leftovers(directory))
        else:
            for path in placed:
                with contextlib.suppress(OSError):
                    path.unlink()
        for path in created_dirs:
            with contextlib.suppress(OSError):
                path.rmdir()
        if isinstance(exc, OSError):
            raise WriteError(
                f"cannot write {what} to {directory}: {exc.strerror or exc}",
                help="check that the directory is writable and the disk has room (or pass "
                "another one with -o); nothing was changed",
            ) from exc
        raise
    if journal:
        _end_journal(directory)
    return placed


# --- the journal: what an interrupted build leaves, and how it is undone -----------------------
#
# schemac.sum is the one commit point: a build is done once its sum is renamed into place, and
# not before. Until then the directory holds PENDING_NAME (the names and hashes of the files
# being placed, and of the new sum) and BACKUP_NAME (a hard link to the snapshot being
# replaced), both on disk before the first rename. So whatever stops a build (an exception,
# Ctrl-C, SIGKILL, a power cut) the next command that takes the directory's lock finds either
# the new sum (the build landed: the journal is stale) or the old one, and then removes exactly
# the files the build placed, byte for byte as it wrote them, and renames the backup back.


def undo(directory: Path, leftovers: Leftovers) -> None:
    """Put `directory` back to what its schemac.sum lists and remove what killed runs left.

    The journal goes last, so an undo that is itself interrupted is finished by the next one.
    """
    for name in leftovers.files:
        with contextlib.suppress(FileNotFoundError):
            (directory / name).unlink()
    if leftovers.snapshot == "replaced":
        os.rename(directory / BACKUP_NAME, directory / SNAPSHOT_NAME)  # atomic, as replace
    elif leftovers.snapshot == "created":
        with contextlib.suppress(FileNotFoundError):
            (directory / SNAPSHOT_NAME).unlink()
    for name in (*leftovers.stale, *leftovers.temps):  # the journal after the backup
        with contextlib.suppress(FileNotFoundError):
            (directory / name).unlink()
    _sync_directory(directory)


def recover(directory: Path) -> Leftovers:
    """find_leftovers, then undo them; returns what was undone. Call it holding the lock."""
    leftovers = find_leftovers(directory)
    if leftovers.interrupted or leftovers.temps or leftovers.stale:
        undo(directory, leftovers)
    return leftovers


def _begin_journal(directory: Path, outputs: Sequence[tuple[str, bytes]]) -> None:
    if (directory / PENDING_NAME).exists():
        raise WriteError(
            f"{directory} holds the journal of an interrupted build ({PENDING_NAME})",
            help="run schemac build (or new, or hash) on the directory: it undoes the "
            "interrupted build first",
        )
    names = [name for name, _ in outputs]
    snapshot, backup = directory / SNAPSHOT_NAME, directory / BACKUP_NAME
    replaces = SNAPSHOT_NAME in names and snapshot.is_file()
    with contextlib.suppress(FileNotFoundError):
        backup.unlink()  # without a journal it vouches for nothing
    if replaces:
        try:
            os.link(snapshot, backup)
        except OSError:  # a file system without hard links
            os.replace(_write_temp(directory, BACKUP_NAME, snapshot.read_bytes()), backup)
    record = {
        "pid": os.getpid(),
        "sum": next((hash_bytes(data) for name, data in outputs if name == SUM_NAME), None),
        "files": {name: hash_bytes(data) for name, data in outputs if name != SUM_NAME},
        "replaces_snapshot": replaces,
    }
    # no rename needed: a journal cut short is unreadable, and nothing had been placed yet
    _create(directory / PENDING_NAME, json.dumps(record, indent=1).encode("utf-8"))
    _sync_directory(directory)


def _end_journal(directory: Path) -> None:
    for name in (PENDING_NAME, BACKUP_NAME):
        with contextlib.suppress(OSError):
            (directory / name).unlink()


def _write_temp(directory: Path, name: str, data: bytes) -> Path:
    """`data` in a new temporary file next to `name`, on the disk; its name matches _TEMP."""
    while True:
        temp = directory / f".{name}.{secrets.token_hex(4)}.tmp"
        with contextlib.suppress(FileExistsError):
            _create(temp, data)
            return temp


def _create(path: Path, data: bytes) -> None:
    """Create `path` holding `data`, flushed to the disk; removed again if writing fails (a full
    disk). Mode 0666 less the umask, as any tool creates files (mkstemp forces 0600, which a
    migration tool running as another user cannot read)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def _sync_directory(directory: Path) -> None:
    # the renames are durable only once the directory entry is flushed; not every platform
    # lets a directory be opened for that, and the build is complete without it
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
