"""The only module that writes to disk: migration files, the snapshot and schemac.sum.

A build either lands completely or not at all: every file is first written to a temporary file
in the target directory, then renamed into place (migrations first, snapshot and sum last, so a
sum never vouches for a file that is not there). On any failure the temporaries, every file this
call created and the directory itself (when this call made it) are removed, and the previous
snapshot and sum are put back. Existing migration files are never overwritten.

Two escape hatches change the sum on purpose: `write_registered` adds hand-written migrations
and lists them right away (`schemac new`), and `rehash` rewrites the sum from the files on disk
to accept an intentional edit (`schemac hash`).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class SumChanges:
    """What `rehash` changed in schemac.sum: file names, each list in sum order."""

    rehashed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: False when schemac.sum already said exactly this (nothing was written)
    written: bool = False


def tracked_names(directory: Path) -> list[str]:
    """Names of the files in `directory` that schemac.sum must list, sorted by name."""
    return [p.name for p in _entries(directory) if _is_tracked(p)]


def _listed(directory: Path) -> dict[str, str]:
    """name -> hash of each readable line of schemac.sum, in its order ({} without a sum)."""
    sum_path = directory / SUM_NAME
    if not sum_path.is_file():
        return {}
    _, _, body = sum_path.read_text(encoding="utf-8").partition("\n")
    listed: dict[str, str] = {}
    for line in body.splitlines():
        name, _, digest = line.rpartition(" ")
        if name and digest.startswith("h1:"):
            listed[name] = digest
    return listed


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
    listed = [name for name in _listed(directory) if name != SNAPSHOT_NAME]
    entries = [(name, (directory / name).read_bytes()) for name in listed]
    entries += [(f.name, f.content.encode("utf-8")) for f in files]
    if (directory / SNAPSHOT_NAME).is_file():
        entries.append((SNAPSHOT_NAME, (directory / SNAPSHOT_NAME).read_bytes()))
    outputs = [(f.name, f.content.encode("utf-8")) for f in files]
    outputs.append((SUM_NAME, format_sum(entries).encode("utf-8")))
    return _place(directory, outputs, (SUM_NAME,), "the migration")


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
    old = _listed(directory)
    _, _, body = text.partition("\n")
    new = {name: digest for name, _, digest in (ln.rpartition(" ") for ln in body.splitlines())}
    changes = SumChanges(
        rehashed=[n for n, digest in new.items() if n in old and old[n] != digest],
        added=[n for n in new if n not in old],
        removed=[n for n in old if n not in new],
        written=not sum_path.is_file() or sum_path.read_bytes() != text.encode("utf-8"),
    )
    if changes.written:
        _place(directory, [(SUM_NAME, text.encode("utf-8"))], (SUM_NAME,), SUM_NAME)
    return changes


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
