"""Migration file layouts: rendered units to file names and contents, and back.

flyway:         V{version}__{slug}.sql, undo U{version}__{slug}.sql, and for a non-transactional
                unit V{version}__{slug}.sql.conf with executeInTransaction=false
golang-migrate: {version}_{slug}.up.sql and {version}_{slug}.down.sql
dbmate:         {version}_{slug}.sql holding `-- migrate:up` and `-- migrate:down` sections

Versions appear only in file names, never in contents (builds stay byte-identical).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from schemac.config import Layout

Versioning = Literal["sequence", "timestamp"]

NO_TRANSACTION_MARK = "-- schemac:no-transaction"
FLYWAY_NO_TRANSACTION = "executeInTransaction=false"
DBMATE_UP = "-- migrate:up"
DBMATE_DOWN = "-- migrate:down"
DBMATE_NO_TRANSACTION = "transaction:false"
TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"
SEQUENCE_WIDTH = 4


@dataclass(frozen=True)
class OutputFile:
    """A file to write into the migrations directory: its name there and its text."""

    name: str
    content: str


@dataclass(frozen=True)
class UnitSql:
    """One rendered migration unit: the up and down file bodies."""

    up: str
    down: str
    transactional: bool = True
    #: tells the units of one build apart in file names (empty: the build's slug alone)
    name: str = ""


@dataclass(frozen=True)
class MigrationFile:
    """A migration found on disk. Line numbers are 1-based lines of the file where the SQL of
    that direction starts (after the dbmate directive line), for locating messages."""

    version: str
    slug: str
    up_path: Path
    up_sql: str
    up_first_line: int
    down_path: Path | None
    down_sql: str | None
    down_first_line: int | None
    transactional: bool
    #: every file of this migration, in the order schemac.sum lists them
    paths: tuple[Path, ...]

    @property
    def version_number(self) -> int:
        return int(self.version)


def slugify(name: str) -> str:
    """A file-name-safe slug: ASCII lower case, words joined by `_` (`Add Users!` -> add_users)."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return slug or "migration"


def _versions(start: int | str, count: int) -> list[str]:
    """`count` consecutive versions from `start`: a sequence number or a UTC timestamp."""
    if isinstance(start, int):
        return [f"{start + i:0{SEQUENCE_WIDTH}d}" for i in range(count)]
    # one second apart keeps every version a real timestamp (…59 + 1 is not …60)
    first = datetime.strptime(start, TIMESTAMP_FORMAT)
    return [(first + timedelta(seconds=i)).strftime(TIMESTAMP_FORMAT) for i in range(count)]


def _unit_files(layout: Layout, version: str, slug: str, unit: UnitSql) -> list[OutputFile]:
    if layout == "flyway":
        files = [
            OutputFile(f"V{version}__{slug}.sql", unit.up),
            OutputFile(f"U{version}__{slug}.sql", unit.down),
        ]
        if not unit.transactional:
            conf = f"{FLYWAY_NO_TRANSACTION}\n"
            files.insert(1, OutputFile(f"V{version}__{slug}.sql.conf", conf))
        return files
    if layout == "golang-migrate":
        return [
            OutputFile(f"{version}_{slug}.up.sql", unit.up),
            OutputFile(f"{version}_{slug}.down.sql", unit.down),
        ]
    up_directive = DBMATE_UP if unit.transactional else f"{DBMATE_UP} {DBMATE_NO_TRANSACTION}"
    down_directive = DBMATE_DOWN if unit.transactional else f"{DBMATE_DOWN} {DBMATE_NO_TRANSACTION}"
    content = f"{up_directive}\n{unit.up}\n{down_directive}\n{unit.down}"
    return [OutputFile(f"{version}_{slug}.sql", content)]


def layout_files(
    layout: Layout, units: Sequence[UnitSql], start_version: int | str, slug: str
) -> list[OutputFile]:
    """The files of `units` in `layout`, versions counting up from `start_version`.

    `start_version` is an int for sequence versioning (1 -> 0001) or a UTC timestamp string
    `YYYYMMDDHHMMSS` the caller took from the clock (stages never read it themselves).
    """
    slug = slugify(slug)
    files: list[OutputFile] = []
    for version, unit in zip(_versions(start_version, len(units)), units, strict=True):
        name = slugify(f"{slug}_{unit.name}")[:100] if unit.name else slug
        files.extend(_unit_files(layout, version, name, unit))
    return files


def next_version(
    existing: Sequence[MigrationFile], versioning: Versioning, now: datetime
) -> int | str:
    """The version for the next migration: after every existing one, whatever their scheme."""
    last = max((m.version_number for m in existing), default=None)
    if versioning == "sequence":
        return 1 if last is None else last + 1
    stamp = now.astimezone(UTC).strftime(TIMESTAMP_FORMAT)
    if last is not None and int(stamp) <= last:
        # a clock behind the newest migration must not put the new one before it
        try:
            previous = datetime.strptime(str(last), TIMESTAMP_FORMAT)
        except ValueError:
            return str(last + 1)
        return (previous + timedelta(seconds=1)).strftime(TIMESTAMP_FORMAT)
    return stamp


# --- reading what is on disk ------------------------------------------------------------------

_FLYWAY = re.compile(r"^V(\d+)__(.+)\.sql$")
_GOLANG = re.compile(r"^(\d+)_(.+)\.up\.sql$")
_DBMATE = re.compile(r"^(\d+)_(.+)\.sql$")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _marked_no_transaction(sql: str) -> bool:
    return any(line.strip() == NO_TRANSACTION_MARK for line in sql.splitlines())


def _flyway(directory: Path, match: re.Match[str], path: Path) -> MigrationFile:
    version, slug = match.group(1), match.group(2)
    up = _read(path)
    undo = directory / f"U{version}__{slug}.sql"
    conf = directory / f"{path.name}.conf"
    conf_off = conf.is_file() and any(
        line.replace(" ", "") == FLYWAY_NO_TRANSACTION for line in _read(conf).splitlines()
    )
    has_undo = undo.is_file()
    return MigrationFile(
        version=version,
        slug=slug,
        up_path=path,
        up_sql=up,
        up_first_line=1,
        down_path=undo if has_undo else None,
        down_sql=_read(undo) if has_undo else None,
        down_first_line=1 if has_undo else None,
        transactional=not (conf_off or _marked_no_transaction(up)),
        paths=tuple(p for p in (path, conf, undo) if p.is_file()),
    )


def _golang(directory: Path, match: re.Match[str], path: Path) -> MigrationFile:
    version, slug = match.group(1), match.group(2)
    up = _read(path)
    down = directory / f"{version}_{slug}.down.sql"
    has_down = down.is_file()
    return MigrationFile(
        version=version,
        slug=slug,
        up_path=path,
        up_sql=up,
        up_first_line=1,
        down_path=down if has_down else None,
        down_sql=_read(down) if has_down else None,
        down_first_line=1 if has_down else None,
        transactional=not _marked_no_transaction(up),
        paths=(path, down) if has_down else (path,),
    )


def _dbmate(match: re.Match[str], path: Path) -> MigrationFile:
    lines = _read(path).splitlines(keepends=True)
    up_at = next((i for i, ln in enumerate(lines) if ln.startswith(DBMATE_UP)), None)
    down_at = next((i for i, ln in enumerate(lines) if ln.startswith(DBMATE_DOWN)), None)
    if up_at is None:
        raise ValueError(f"{path}: no '{DBMATE_UP}' line")
    up_end = down_at if down_at is not None and down_at > up_at else len(lines)
    up = "".join(lines[up_at + 1 : up_end])
    # layout_files puts one blank line between the sections: it is not part of the up SQL
    if up.endswith("\n\n"):
        up = up[:-1]
    down = "".join(lines[down_at + 1 :]) if down_at is not None else None
    return MigrationFile(
        version=match.group(1),
        slug=match.group(2),
        up_path=path,
        up_sql=up,
        up_first_line=up_at + 2,
        down_path=path if down_at is not None else None,
        down_sql=down,
        down_first_line=down_at + 2 if down_at is not None else None,
        transactional=DBMATE_NO_TRANSACTION not in lines[up_at] and not _marked_no_transaction(up),
        paths=(path,),
    )


def read_migrations(directory: Path, layout: Layout) -> list[MigrationFile]:
    """The migrations of `layout` in `directory`, in version order (numeric, not textual)."""
    if not directory.is_dir():
        return []
    found: list[MigrationFile] = []
    for path in sorted(directory.iterdir()):
        if not path.is_file():
            continue
        if layout == "flyway" and (m := _FLYWAY.match(path.name)):
            found.append(_flyway(directory, m, path))
        elif layout == "golang-migrate" and (m := _GOLANG.match(path.name)):
            found.append(_golang(directory, m, path))
        elif layout == "dbmate" and (m := _DBMATE.match(path.name)):
            if path.name.endswith((".up.sql", ".down.sql")):
                continue
            found.append(_dbmate(m, path))
    return sorted(found, key=lambda mf: (mf.version_number, mf.up_path.name))
