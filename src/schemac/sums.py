"""schemac.sum: the hash of every migration file and of the snapshot, and how a migrations
directory is compared with it. Reads only; write.py writes the sum.

The first line hashes the rest, then one `name h1:hash` line per file: the migrations in
version order, the snapshot last (like atlas.sum, or Flyway's checksums).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from schemac.render.files import OutputFile

SNAPSHOT_NAME = "schemac.snapshot.json"
SUM_NAME = "schemac.sum"
#: files in a migrations directory that schemac.sum must list
MIGRATION_SUFFIXES = (".sql", ".sql.conf")


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
        if any(is_tracked(p) for p in directory_entries(directory)):
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
    for path in directory_entries(directory):
        if is_tracked(path) and path.name not in listed_names:
            problems.append(f"{path.name} is not listed in {SUM_NAME}")
    return problems


def tracked_names(directory: Path) -> list[str]:
    """Names of the files in `directory` that schemac.sum must list, sorted by name."""
    return [p.name for p in directory_entries(directory) if is_tracked(p)]


def listed_hashes(directory: Path) -> dict[str, str]:
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


def directory_entries(directory: Path) -> list[Path]:
    return sorted(directory.iterdir()) if directory.is_dir() else []


def is_tracked(path: Path) -> bool:
    if not path.is_file() or path.name.startswith("."):
        return False
    return path.name == SNAPSHOT_NAME or path.name.endswith(MIGRATION_SUFFIXES)


# --- the journal of a build in progress (write.py writes it) ------------------------------

PENDING_NAME = ".schemac.pending"
BACKUP_NAME = ".schemac.snapshot.json.prev"
#: a temporary file of this module, `.{final name}.{8 random characters}.tmp` (tempfile.mkstemp
#: made the same shape in earlier versions)
_TEMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")


@dataclass(frozen=True)
class Leftovers:
    """What interrupted schemac commands left in a migrations directory."""

    #: files placed by a build stopped before its commit: not listed in schemac.sum, and byte
    #: for byte as that build wrote them
    files: list[str] = field(default_factory=list)
    #: what that build did to the snapshot: "replaced" it (the one schemac.sum lists is kept
    #: aside) or "created" it (a first build)
    snapshot: str | None = None
    #: the process that was interrupted
    pid: int | None = None
    #: temporary files of killed writers, and their size in bytes
    temps: list[str] = field(default_factory=list)
    temp_bytes: int = 0
    #: journal files with nothing left to undo (a build that did commit, or a journal cut short)
    stale: list[str] = field(default_factory=list)

    @property
    def interrupted(self) -> bool:
        """True when a build stopped halfway: the directory is not what schemac.sum lists."""
        return bool(self.files) or self.snapshot is not None

    def lines(self) -> list[str]:
        """What is left, one line per kind, for the user (empty when nothing is)."""
        found: list[str] = []
        if self.interrupted:
            did = [f"left {_some(self.files)} (not listed there)"] if self.files else []
            did += [f"{self.snapshot} {SNAPSHOT_NAME}"] if self.snapshot else []
            who = f" (pid {self.pid})" if self.pid else ""
            found.append(
                f"a build{who} was interrupted before it committed {SUM_NAME}: it "
                + " and ".join(did)
            )
        if self.temps:
            size = self.temp_bytes
            shown = f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"
            files = "file" if len(self.temps) == 1 else "files"
            found.append(f"{len(self.temps)} temporary {files} of killed schemac runs ({shown})")
        return found


def _some(names: Sequence[str], shown: int = 4) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def find_leftovers(directory: Path) -> Leftovers:
    """What interrupted commands left in `directory`; reads only. Call it holding the lock."""
    temps = [p for p in directory_entries(directory) if _is_temp(p)]
    stale = [name for name in (BACKUP_NAME, PENDING_NAME) if (directory / name).is_file()]
    found = Leftovers(
        temps=[p.name for p in temps], temp_bytes=sum(p.stat().st_size for p in temps), stale=stale
    )
    record = _read_journal(directory)
    sum_path = directory / SUM_NAME
    if record is None or (
        sum_path.is_file() and hash_bytes(sum_path.read_bytes()) == record["sum"]
    ):
        return found
    in_sum = listed_hashes(directory)
    files = [
        name
        for name, digest in record["files"].items()
        if name != SNAPSHOT_NAME
        and name not in in_sum
        and (directory / name).is_file()
        and hash_bytes((directory / name).read_bytes()) == digest
    ]
    snapshot, backup = directory / SNAPSHOT_NAME, directory / BACKUP_NAME
    action = None
    if backup.is_file():
        if not (snapshot.is_file() and os.path.samefile(snapshot, backup)):
            action = "replaced"
    elif (
        not record["replaces_snapshot"]
        and SNAPSHOT_NAME not in in_sum
        and snapshot.is_file()
        and hash_bytes(snapshot.read_bytes()) == record["files"].get(SNAPSHOT_NAME)
    ):
        action = "created"
    pid = record.get("pid")
    return replace(found, files=files, snapshot=action, pid=pid if isinstance(pid, int) else None)


def _is_temp(path: Path) -> bool:
    match = _TEMP.match(path.name)
    if match is None or not path.is_file():
        return False
    name = match.group("name")
    return name in (SNAPSHOT_NAME, SUM_NAME, PENDING_NAME) or name.endswith(MIGRATION_SUFFIXES)


def _read_journal(directory: Path) -> dict[str, Any] | None:
    """The journal, or None when there is none or it was cut short (no rename had begun)."""
    try:
        record = json.loads((directory / PENDING_NAME).read_bytes())
    except (OSError, ValueError):
        return None
    if not (
        isinstance(record, dict)
        and isinstance(record.get("files"), dict)
        and isinstance(record.get("replaces_snapshot"), bool)
    ):
        return None
    return record
