"""`import --traits`: the built-in traits, recognised only where their expansion is exact.

For each table, and each built-in trait whose columns the table has, the table's spec is
rewritten with the trait (its columns, its primary key, index, trigger and function taken out)
and every spec file is resolved again; the rewrite is kept only when the one differ finds no
change at all between the schema before and after it. So a trait is adopted exactly when the
specs with it build the same database, whatever the trait expands to.
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from schemac.importer.emit import Flow
from schemac.model.schema import Schema
from schemac.resolve.traits import (
    AUDIT_FUNCTION,
    AUDIT_TRIGGER,
    BUILTIN_TRAITS,
    UPDATED_AT_FUNCTION,
    UPDATED_AT_TRIGGER,
    expand,
)

#: tried in this order: a composite before its parts, so a table gets the shortest list
CANDIDATES = (
    "standard",
    "uuid_pk",
    "timestamps",
    "created_at",
    "soft_delete",
    "versioned",
    "tenant_scoped",
    "audited",
)
#: trait -> (trigger, function) it adds to the table
_TRIGGERS = {
    "timestamps": (UPDATED_AT_TRIGGER, UPDATED_AT_FUNCTION),
    "audited": (AUDIT_TRIGGER, AUDIT_FUNCTION),
}

#: one spec file: its name, its document, and what render() needs to write it
Part = tuple[str, dict[str, Any], str]


def adopt_traits(parts: list[Part], render: Callable[[Part], str]) -> list[Part]:
    """`parts` with every trait adopted that leaves the schema exactly as it is."""
    parts = list(parts)
    with tempfile.TemporaryDirectory(prefix="schemac-traits-") as tmp:
        folder = Path(tmp)
        base = _resolve(parts, render, folder)
        if base is None:
            return parts
        for i in range(len(parts)):
            name, doc, heading = parts[i]
            for table in sorted(doc.get("tables") or {}):
                for trait in CANDIDATES:
                    trial = _with_trait(doc, table, trait)
                    if trial is None:
                        continue
                    attempt = [*parts[:i], (name, trial, heading), *parts[i + 1 :]]
                    schema = _resolve(attempt, render, folder)
                    if schema is not None and _same(base, schema):
                        parts, doc = attempt, trial
    return parts


def _resolve(parts: list[Part], render: Callable[[Part], str], folder: Path) -> Schema | None:
    from schemac.config import Settings
    from schemac.pipeline import load_schema

    for old in folder.iterdir():
        old.unlink()
    for part in parts:
        (folder / part[0]).write_text(render(part), encoding="utf-8")
    schema, _ = load_schema(folder, Settings())
    return schema


def _same(a: Schema, b: Schema) -> bool:
    from schemac.plan.diff import diff

    changes, problems = diff(a, b)
    if changes or problems:
        return False
    # the differ leaves column order aside; a trait must not move a column either (the
    # standard order puts id first and the timestamps last in tables with traits)
    order = {t.qualified_name: [c.name for c in t.columns] for t in a.tables}
    return all(order.get(t.qualified_name) == [c.name for c in t.columns] for t in b.tables)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Flow) else value


def _with_trait(doc: dict[str, Any], table: str, trait: str) -> dict[str, Any] | None:
    """`doc` with `trait` on `table` in place of what it expands to; None when the table does
    not have what the trait would bring (then it cannot be exact)."""
    parts = expand([trait])
    spec = _plain(doc["tables"][table])
    columns = dict(_plain(spec.get("columns") or {}))
    wanted = [col for part in parts for col in BUILTIN_TRAITS[part].columns]
    if not wanted and not any(p in _TRIGGERS for p in parts):
        return None
    if any(col not in columns for col in wanted):
        return None
    traits = list(_plain(spec.get("traits") or []))
    if any(p in expand(traits) for p in parts):
        return None
    new = copy.deepcopy(doc)
    triggers = dict(_plain(new.get("triggers") or {}))
    for part in parts:
        if part not in _TRIGGERS:
            continue
        trigger, function = _TRIGGERS[part]
        found = _plain(triggers.get(trigger))
        if found is None or found.get("table") != table or found.get("function") != function:
            return None
        del triggers[trigger]
        if not any(_plain(t).get("function") == function for t in triggers.values()):
            functions = dict(_plain(new.get("functions") or {}))
            functions.pop(function, None)
            _put(new, "functions", functions)
    _put(new, "triggers", triggers)
    rest = {k: v for k, v in columns.items() if k not in wanted}
    body: dict[str, Any] = {"traits": Flow([*traits, trait])}
    for key, value in _plain(new["tables"][table]).items():
        if key == "traits":
            continue
        if key == "columns":
            value = rest
        elif key == "primary_key" and "uuid_pk" in parts and list(_plain(value)) == ["id"]:
            continue
        elif key in ("indexes", "foreign_keys") and "tenant_scoped" in parts:
            value = [item for item in value if _columns_of(item) != ["tenant_id"]]
            if not value:
                continue
        body[key] = value
    if not body.get("columns"):
        body.pop("columns", None)
    new["tables"] = {**new["tables"], table: body}
    return new


def _columns_of(item: Any) -> list[Any]:
    return list(_plain(_plain(item).get("columns", [])))


def _put(doc: dict[str, Any], key: str, value: dict[str, Any]) -> None:
    if value:
        doc[key] = dict(sorted(value.items()))
    else:
        doc.pop(key, None)
