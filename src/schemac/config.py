"""Project settings: `[tool.schemac]` in pyproject.toml or schemac.toml; CLI flags override."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schemac.diagnostics import Diagnostic, error, suggestion
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
    tenancy: Tenancy = Tenancy()
    lint: LintSettings = LintSettings()
    conventions: Conventions = Conventions()
    columns: ColumnOrder = ColumnOrder()

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with the non-None values applied (how CLI flags override the file)."""
        data = self.model_dump()
        data.update({k: v for k, v in values.items() if v is not None})
        return Settings.model_validate(data)


def load_settings(root: Path) -> tuple[Settings, Path | None, list[Diagnostic]]:
    """Settings from schemac.toml (top-level keys) or pyproject.toml [tool.schemac] under root."""
    for name, section in (("schemac.toml", ()), ("pyproject.toml", ("tool", "schemac"))):
        path = root / name
        if not path.is_file():
            continue
        try:
            data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            problem = error("E001", f"cannot read {name}: {exc}", Span(str(path), 1, 1))
            return Settings(), path, [problem]
        for key in section:
            data = data.get(key) if isinstance(data, dict) else None
        if data is None:
            continue
        try:
            return Settings.model_validate(data), path, []
        except ValidationError as exc:
            diags = []
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                hint = None
                if err["type"] == "extra_forbidden":
                    hint = suggestion(str(err["loc"][-1]), Settings.model_fields)
                diags.append(
                    error("E002", f"{name}: {loc}: {err['msg']}", Span(str(path), 1, 1), hint)
                )
            return Settings(), path, diags
    return Settings(), None, []
