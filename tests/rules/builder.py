"""Build resolved Schema values from the compact YAML of rule test cases.

The cases describe schemas the way specs do (short column forms, `references:`, built-in
traits) so they stay readable, but build model objects directly, so the rule tests do not depend
on the loader or resolver. Every object gets a Span whose path names the object
(`users.email`, `users.indexes.idx_users_email`, `enum.user_role`): a case's `expect` lists the
objects its findings must point at. Trait-supplied columns point at `{table}.traits`, as the
resolver makes them point at the table's `traits:` entry.
"""

from __future__ import annotations

import re
from typing import Any

from schemac.config import Settings
from schemac.model.schema import (
    Column,
    Database,
    Document,
    Enum,
    Extension,
    ForeignKey,
    Function,
    Index,
    IndexPart,
    MaterializedView,
    Partitioning,
    Policy,
    PrimaryKey,
    Refresh,
    Rls,
    Schema,
    Table,
    Trigger,
    Unique,
    View,
)
from schemac.model.types import canonical_type
from schemac.source import Span

_TRAITS: dict[str, tuple[str, ...]] = {
    "standard": ("uuid_pk", "timestamps", "soft_delete", "versioned"),
}
_TRAIT_COLUMNS: dict[str, list[dict[str, Any]]] = {
    "uuid_pk": [{"name": "id", "type": "uuid", "default": "gen_random_uuid()"}],
    "created_at": [{"name": "created_at", "type": "timestamptz", "default": "now()"}],
    "timestamps": [
        {"name": "created_at", "type": "timestamptz", "default": "now()"},
        {"name": "updated_at", "type": "timestamptz", "default": "now()"},
    ],
    "soft_delete": [{"name": "deleted_at", "type": "timestamptz", "nullable": True}],
    "versioned": [{"name": "version", "type": "integer", "default": "1"}],
    "tenant_scoped": [{"name": "tenant_id", "type": "uuid"}],
}


def span(path: str) -> Span:
    return Span(path, 1, 1)


def _expand(traits: list[str]) -> list[str]:
    out: list[str] = []
    for trait in traits:
        for leaf in _TRAITS.get(trait, (trait,)):
            if leaf not in out:
                out.append(leaf)
    return out


def _index_name(table: str, parts: list[str], unique: bool) -> str:
    words = [re.sub(r"^\w+\((\w+)\)$", r"\1", p) for p in parts]
    return f"{'uq' if unique else 'idx'}_{table}_{'_'.join(words)}"


def _index(owner: str, spec: dict[str, Any]) -> Index:
    columns = list(spec["columns"])
    unique = bool(spec.get("unique", False))
    name = spec.get("name") or _index_name(owner, columns, unique)
    parts = tuple(IndexPart(expression=c) if "(" in c else IndexPart(column=c) for c in columns)
    return Index(
        name=name,
        parts=parts,
        unique=unique,
        method=spec.get("method", "btree"),
        where=spec.get("where"),
        include=tuple(spec.get("include", ())),
        span=span(f"{owner}.indexes.{name}"),
    )


class _TableBuilder:
    def __init__(self, name: str, spec: dict[str, Any], settings: Settings) -> None:
        self.name = name
        self.spec = spec or {}
        self.settings = settings
        self.columns: dict[str, Column] = {}
        self.fks: list[ForeignKey] = []
        self.indexes: list[Index] = []
        self.uniques: list[Unique] = []
        self.pk: list[str] = []
        self.triggers: list[Trigger] = []
        self.rls = Rls()

    def _add_traits(self, traits: list[str]) -> None:
        for trait in traits:
            for col in _TRAIT_COLUMNS.get(trait, []):
                self.columns[col["name"]] = Column(
                    **col, trait=trait, span=span(f"{self.name}.traits")
                )
            if trait == "uuid_pk":
                self.pk = ["id"]
            if trait == "timestamps":
                self.triggers.append(
                    Trigger(
                        name=f"{self.name}_set_updated_at",
                        table=self.name,
                        timing="before",
                        events=("update",),
                        function="updated_at_trigger",
                    )
                )
            if trait == "tenant_scoped":
                tenant = self.settings.tenancy.tenant_table
                self.fks.append(
                    ForeignKey(
                        name=f"fk_{self.name}_tenant_id",
                        columns=("tenant_id",),
                        ref_schema="public",
                        ref_table=tenant,
                        ref_columns=("id",),
                        on_delete="restrict",
                        span=span(f"{self.name}.traits"),
                    )
                )
                self.indexes.append(
                    _index(self.name, {"columns": ["tenant_id"]}).model_copy(
                        update={"span": span(f"{self.name}.traits")}
                    )
                )
                if self.settings.tenancy.rls:
                    self.rls = Rls(enabled=True, policies=(Policy(name="tenant_isolation"),))

    def _add_column(self, name: str, value: Any) -> None:
        data: dict[str, Any] = {"type": value} if isinstance(value, str) else dict(value)
        references = data.pop("references", None)
        if data.pop("primary_key", False):
            self.pk = [name]
        if data.pop("unique", False):
            self.uniques.append(
                Unique(
                    name=f"uq_{self.name}_{name}", columns=(name,), span=span(f"{self.name}.{name}")
                )
            )
        if "lint_ignore" in data:
            data["lint_ignore"] = tuple(data["lint_ignore"])
        if isinstance(data.get("classification"), str):
            data["classification"] = {"level": data["classification"]}
        data["type"] = canonical_type(data["type"])
        self.columns[name] = Column(name=name, span=span(f"{self.name}.{name}"), **data)
        if references is not None:
            table, _, column = str(references).partition(".")
            self.fks.append(
                ForeignKey(
                    name=f"fk_{self.name}_{name}",
                    columns=(name,),
                    ref_schema="public",
                    ref_table=table,
                    ref_columns=(column or "id",),
                    span=span(f"{self.name}.{name}"),
                )
            )

    def build(self) -> tuple[Table, list[Trigger]]:
        spec = self.spec
        traits = _expand(list(spec.get("traits", ())))
        self._add_traits(traits)
        for name, value in (spec.get("columns") or {}).items():
            self._add_column(name, value)
        if "primary_key" in spec:
            self.pk = list(spec["primary_key"])
        for fk in spec.get("foreign_keys", ()):
            name = f"fk_{self.name}_{'_'.join(fk['columns'])}"
            self.fks.append(
                ForeignKey(
                    name=name,
                    columns=tuple(fk["columns"]),
                    ref_schema="public",
                    ref_table=fk["table"],
                    ref_columns=tuple(fk.get("ref_columns", ["id"])),
                    span=span(f"{self.name}.foreign_keys.{name}"),
                )
            )
        for columns in spec.get("unique", ()):
            name = f"uq_{self.name}_{'_'.join(columns)}"
            self.uniques.append(
                Unique(name=name, columns=tuple(columns), span=span(f"{self.name}.uniques.{name}"))
            )
        for unique in spec.get("uniques_named", ()):
            self.uniques.append(
                Unique(
                    name=unique["name"],
                    columns=tuple(unique["columns"]),
                    span=span(f"{self.name}.uniques.{unique['name']}"),
                )
            )
        self.indexes.extend(_index(self.name, i) for i in spec.get("indexes", ()))
        if "rls" in spec:
            rls = spec["rls"]
            self.rls = Rls(
                enabled=rls.get("enabled", False),
                policies=tuple(Policy(name=p) for p in rls.get("policies", ())),
                span=span(f"{self.name}.rls"),
            )
        partitioning = None
        if "partition_by" in spec:
            ((strategy, keys),) = spec["partition_by"].items()
            partitioning = Partitioning(strategy=strategy, keys=tuple(keys))
        table = Table(
            name=self.name,
            description=spec.get("description"),
            columns=tuple(self.columns.values()),
            primary_key=(
                PrimaryKey(
                    name=f"{self.name}_pkey",
                    columns=tuple(self.pk),
                    span=span(f"{self.name}.primary_key"),
                )
                if self.pk
                else None
            ),
            uniques=tuple(self.uniques),
            foreign_keys=tuple(self.fks),
            indexes=tuple(self.indexes),
            partitioning=partitioning,
            rls=self.rls,
            traits=tuple(spec.get("traits", ())),
            lint_ignore=tuple(spec.get("lint_ignore", ())),
            document=spec.get("document"),
            span=span(self.name),
        )
        return table, self.triggers


def build_schema(data: dict[str, Any], settings: Settings | None = None) -> Schema:
    """A resolved Schema from the compact case format (see tests/rules/cases/*.yaml)."""
    settings = settings or Settings()
    tables: list[Table] = []
    triggers: list[Trigger] = []
    for name, spec in (data.get("tables") or {}).items():
        table, table_triggers = _TableBuilder(name, spec, settings).build()
        tables.append(table)
        triggers.extend(table_triggers)
    for trig in data.get("triggers", ()):
        triggers.append(
            Trigger(
                name=trig.get("name", f"{trig['table']}_{trig['function']}"),
                table=trig["table"],
                timing=trig.get("timing", "before"),
                events=tuple(trig.get("events", ["update"])),
                for_each=trig.get("for_each", "row"),
                function=trig["function"],
            )
        )
    enums = []
    for name, spec in (data.get("enums") or {}).items():
        values = spec if isinstance(spec, list) else spec["values"]
        ignore = () if isinstance(spec, list) else tuple(spec.get("lint_ignore", ()))
        enums.append(
            Enum(name=name, values=tuple(values), lint_ignore=ignore, span=span(f"enum.{name}"))
        )
    matviews = []
    for name, spec in (data.get("materialized_views") or {}).items():
        matviews.append(
            MaterializedView(
                name=name,
                query=spec.get("query", "SELECT 1"),
                indexes=tuple(_index(name, i) for i in spec.get("indexes", ())),
                refresh=Refresh(concurrently=spec.get("concurrently", False)),
                span=span(f"matview.{name}"),
            )
        )
    views = [
        View(name=name, query=query, span=span(f"view.{name}"))
        for name, query in (data.get("views") or {}).items()
    ]
    functions = [
        Function(name=name, returns="trigger", body=body, span=span(f"function.{name}"))
        for name, body in (data.get("functions") or {}).items()
    ]
    extensions = [
        Extension(name=name, span=span(f"extension.{name}")) for name in data.get("extensions", ())
    ]
    documents = [
        Document(
            path=doc["path"],
            title=doc.get("title", doc["path"]),
            domain="test",
            lint_ignore=tuple(doc.get("lint_ignore", ())),
        )
        for doc in data.get("documents", ())
    ]
    return Schema(
        database=Database(**data.get("database", {})),
        documents=tuple(documents),
        extensions=tuple(extensions),
        enums=tuple(enums),
        functions=tuple(functions),
        tables=tuple(tables),
        views=tuple(views),
        materialized_views=tuple(matviews),
        triggers=tuple(triggers),
    )
