"""Project settings: `[tool.schemac]` in pyproject.toml or schemac.toml; CLI flags override."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schemac.diagnostics import Diagnostic, error, suggestion
from schemac.model.classification import Level
from schemac.source import Span

Layout = Literal["flyway", "golang-migrate", "dbmate"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Tenancy(_Frozen):
    tenant_table: str = "tenants"
    rls: bool = False
    setting: str = "app.tenant_id"


class LintSettings(_Frozen):
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict)


class Conventions(_Frozen):
    required_columns: tuple[str, ...] = ("id", "created_at", "updated_at", "deleted_at", "version")
    money_columns: tuple[str, ...] = ("amount", "price", "cost", "balance", "total", "fee")
    #: classification levels whose columns must say their retention (lint SC406)
    retention_required: tuple[Level, ...] = ()


class ColumnOrder(_Frozen):
    """Where standard columns go in a created table: `first` ones before the table's own
    columns, `last` ones after them (each in list order), as the schema document places them."""

    first: tuple[str, ...] = ("id",)
    last: tuple[str, ...] = ("created_at", "updated_at", "deleted_at", "version")


class Settings(_Frozen):
    """Every option of schemac, in one place. CLI flags are applied with `with_overrides`."""

    specs: str = "specs"
    migrations: str = "db/migrations"
    #: file layout of migrations: flyway (V/U files), golang-migrate (.up/.down), dbmate (one file)
    format: Layout = "flyway"
    #: version in file names: a sequence number (0001) or a UTC timestamp (20261122093000)
    versioning: Literal["sequence", "timestamp"] = "sequence"
    postgres_version: int | None = None
    lock_timeout: str | None = "5s"
    statement_timeout: str | None = None
    templates_dir: str | None = None
    pg_bin: str | None = None
    backend: Literal["auto", "url", "docker", "local"] = "auto"
    database_url: str | None = None
    #: the committed schema document (`schemac docs -o`): `check` fails when it is stale
    document: str | None = None
    tenancy: Tenancy = Tenancy()
    lint: LintSettings = LintSettings()
    conventions: Conventions = Conventions()
    columns: ColumnOrder = ColumnOrder()

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with the non-None values applied (how CLI flags override the file)."""
        data = self.model_dump()
        data.update({k: v for k, v in values.items() if v is not None})
        return Settings.model_validate(data)


#: the file names a project's settings live in, in the order they are looked for in a directory
CONFIG_FILES = (("schemac.toml", ()), ("pyproject.toml", ("tool", "schemac")))


def _section(path: Path, section: tuple[str, ...]) -> tuple[Any, list[Diagnostic]]:
    """The settings table of a config file (None when it has none), or E001 when unreadable."""
    try:
        data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        return None, [error("E001", f"cannot read {path.name}: {exc}", Span(str(path), 1, 1))]
    for key in section:
        data = data.get(key) if isinstance(data, dict) else None
    return data, []


def holds_config(directory: Path) -> Path | None:
    """The config file of `directory`: schemac.toml, else a pyproject.toml with [tool.schemac]
    (or one that cannot be read, so that its problem is reported instead of skipped)."""
    for name, section in CONFIG_FILES:
        path = directory / name
        if not path.is_file():
            continue
        if not section:
            return path
        data, problems = _section(path, section)
        if data is not None or problems:
            return path
    return None


def find_config(start: Path) -> Path | None:
    """The config that applies to `start` (a specs file or directory), like ruff finds its own:
    the first directory from `start` upward that holds one. The search stops at the root of the
    repository (a directory holding .git) so that another checkout's settings never apply."""
    here = start.absolute()
    if not here.is_dir():
        here = here.parent
    for directory in (here, *here.parents):
        found = holds_config(directory)
        if found is not None or (directory / ".git").exists():
            return found
    return None


def load_settings_file(path: Path) -> tuple[Settings, list[Diagnostic]]:
    """Settings from one config file: pyproject.toml's [tool.schemac] table (defaults when it
    has none), or the top-level keys of any other file (schemac.toml, or a file given with
    --config), unless that file too holds a [tool.schemac] table."""
    data, problems = _section(path, ())
    if problems:
        return Settings(), problems
    tool = data.get("tool") if isinstance(data, dict) else None
    if path.name == "pyproject.toml" or (isinstance(tool, dict) and "schemac" in tool):
        data = tool.get("schemac") if isinstance(tool, dict) else None
    if data is None:
        return Settings(), []
    try:
        return Settings.model_validate(data), []
    except ValidationError as exc:
        diags = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            hint = None
            if err["type"] == "extra_forbidden":
                hint = suggestion(str(err["loc"][-1]), Settings.model_fields)
            diags.append(
                error("E002", f"{path.name}: {loc}: {err['msg']}", Span(str(path), 1, 1), hint)
            )
        return Settings(), diags


def load_settings(root: Path) -> tuple[Settings, Path | None, list[Diagnostic]]:
    """Settings from schemac.toml (top-level keys) or pyproject.toml [tool.schemac] in root."""
    path = holds_config(root)
    if path is None:
        return Settings(), None, []
    settings, diags = load_settings_file(path)
    return settings, path, diags
