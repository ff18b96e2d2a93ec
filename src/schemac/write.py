"""The only module that writes to disk: migration files, the snapshot and schemac.sum.

A build either lands completely or not at all: every file is first written to a temporary file
in the target directory, then renamed into place (migrations first, snapshot and sum last, so a
sum never vouches for a file that is not there). On any failure the temporaries, every file this
call created and the directory itself (when this call made it) are removed, and the previous
snapshot and sum are put back. Existing migration files are never overwritten.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from schemac.render.files import OutputFile

SNAPSHOT_NAME = "schemac.snapshot.json"
SUM_NAME = "schemac.sum"
#: files in a migrations directory that schemac.sum must list
_MIGRATION_SUFFIXES = (".sql", ".sql.conf")


class WriteError(Exception):
    """Writing the build failed and nothing was changed; the CLI reports it with exit code 2."""

    def __init__(self, message: str, help: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.help = help


def hash_bytes(data: bytes) -> str:
    """The `h1:` hash of schemac.sum: base64 of the SHA-256 of the bytes."""
    return "h1:" + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def format_sum(entries: Sequence[tuple[str, bytes]]) -> str:
    """schemac.sum text: a hash of the listing, then `name h1:hash` per file, in the given order."""
    body = "".join(f"{name} {hash_bytes(data)}\n" for name, data in entries)
    return f"{hash_bytes(body.encode('utf-8'))}\n{body}"


def compute_sum(directory: Path, file_names: Sequence[str]) -> str:
    """schemac.sum for the migration files `file_names` (in version order) as they are on disk,
    followed by the snapshot when there is one."""
    names = [n for n in file_names if n != SNAPSHOT_NAME]
    if (directory / SNAPSHOT_NAME).is_file():
        names.append(SNAPSHOT_NAME)
    return format_sum([(name, (directory / name).read_bytes()) for name in names])


def sum_for_build(
    directory: Path,
    existing_names: Sequence[str],
    new_files: Sequence[OutputFile],
    snapshot_text: str,
) -> str:
    """schemac.sum as it will be once `new_files` and the snapshot are written: existing files
    hashed from disk, new ones from memory."""
    entries = [(name, (directory / name).read_bytes()) for name in existing_names]
    entries.extend((f.name, f.content.encode("utf-8")) for f in new_files)
    entries.append((SNAPSHOT_NAME, snapshot_text.encode("utf-8")))
    return format_sum(entries)


def verify_sum(directory: Path) -> list[str]:
    """Every way the directory disagrees with its schemac.sum (empty when it matches)."""
    sum_path = directory / SUM_NAME
    listed_names: set[str] = set()
    problems: list[str] = []
    if not sum_path.is_file():
        if any(_is_tracked(p) for p in _entries(directory)):
            problems.append(f"{SUM_NAME} is missing: the migrations cannot be checked")
        return problems
    header, _, body = sum_path.read_text(encoding="utf-8").partition("\n")
    if header != hash_bytes(body.encode("utf-8")):
        problems.append(f"{SUM_NAME} was edited by hand (its first line does not match the rest)")
    for line in body.splitlines():
        name, _, digest = line.rpartition(" ")
        if not name or not digest.startswith("h1:"):
            problems.append(f"{SUM_NAME}: unreadable line {line!r}")
            continue
        listed_names.add(name)
        path = directory / name
        if not path.is_file():
            problems.append(f"{name} is listed in {SUM_NAME} but missing")
        elif hash_bytes(path.read_bytes()) != digest:
            problems.append(f"{name} was edited after it was generated")
    for path in _entries(directory):
        if _is_tracked(path) and path.name not in listed_names:
            problems.append(f"{path.name} is not listed in {SUM_NAME}")
    return problems


def _entries(directory: Path) -> list[Path]:
    return sorted(directory.iterdir()) if directory.is_dir() else []


def _is_tracked(path: Path) -> bool:
    if not path.is_file() or path.name.startswith("."):
        return False
    return path.name == SNAPSHOT_NAME or path.name.endswith(_MIGRATION_SUFFIXES)


def _missing_parents(directory: Path) -> list[Path]:
    missing: list[Path] = []
    for path in (directory, *directory.parents):
        if path.exists():
            break
        missing.append(path)
    return missing


def _write_temp(directory: Path, name: str, data: bytes) -> Path:
    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(temp)


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
    return _place(directory, outputs, (SNAPSHOT_NAME, SUM_NAME), "the migrations")


def write_new_files(directory: Path, files: Sequence[OutputFile]) -> list[Path]:
    """Write files none of which may exist yet (starter specs), all or nothing."""
    for f in files:
        if (directory / f.name).exists():
            raise WriteError(
                f"{directory / f.name} already exists; schemac never overwrites it",
                help="choose an empty directory, or move the existing file away",
            )
    return _place(directory, [(f.name, f.content.encode("utf-8")) for f in files], (), "files")


def _place(
    directory: Path, outputs: Sequence[tuple[str, bytes]], replaceable: Sequence[str], what: str
) -> list[Path]:
    """Temp file + rename for each output; on any failure the directory is left as it was
    (files of `replaceable` names get their old bytes back, created folders are removed)."""
    created_dirs = _missing_parents(directory)
    temps: list[Path] = []
    placed: list[Path] = []
    previous = {
        name: (directory / name).read_bytes() if (directory / name).is_file() else None
        for name in replaceable
    }
    try:
        directory.mkdir(parents=True, exist_ok=True)
        temps = [_write_temp(directory, name, data) for name, data in outputs]
        for (name, _), temp in zip(outputs, temps, strict=True):
            os.replace(temp, directory / name)
            placed.append(directory / name)
        _sync_directory(directory)
    except OSError as exc:
        _roll_back(directory, temps, placed, previous, created_dirs)
        raise WriteError(
            f"cannot write {what} to {directory}: {exc.strerror or exc}",
            help="check that the directory is writable (or pass another one with -o); "
            "nothing was changed",
        ) from exc
    except BaseException:
        _roll_back(directory, temps, placed, previous, created_dirs)
        raise
    return placed


def _roll_back(
    directory: Path,
    temps: Sequence[Path],
    placed: Sequence[Path],
    previous: dict[str, bytes | None],
    created_dirs: Sequence[Path],
) -> None:
    for path in (*temps, *placed):
        with contextlib.suppress(OSError):
            path.unlink()
    for name, data in previous.items():
        if data is not None and (directory / name) in placed:
            with contextlib.suppress(OSError):
                (directory / name).write_bytes(data)
    for path in created_dirs:
        with contextlib.suppress(OSError):
            path.rmdir()


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
