"""The catalog as spec files (one per schema) and the warnings of what they cannot hold yet.

Each file holds one schema's objects, sorted by name (tables, views, functions...), with the
extensions of that schema; extensions of schemas that are not imported go in the first file, and
so does the `database:` block. The warnings are one line per object: the gaps the catalog
queries found and those the writers met, merged by object.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from schemac.importer import emit, objects
from schemac.importer.catalog import Catalog, Gap
from schemac.importer.context import Context
from schemac.importer.emit import Flow
from schemac.importer.split import clusters
from schemac.importer.tables import table_spec
from schemac.model.schema import Function, Schema, Trigger

Format = Literal["yaml", "md"]
SPEC_TYPE = "database-schema"


@dataclass(frozen=True)
class SpecFile:
    """One written spec: its file name (in the output directory) and its text."""

    name: str
    content: str


@dataclass(frozen=True)
class Imported:
    files: tuple[SpecFile, ...]
    #: one line per object the specs leave out or hold differently, sorted
    warnings: tuple[str, ...]
    #: what the specs hold: kind -> count (for the summary line)
    counts: dict[str, int]


def write_specs(
    catalog: Catalog, fmt: Format = "yaml", *, split: bool = False, traits: bool = False
) -> Imported:
    """The spec files of `catalog`: one per schema, and with `split` one more per cluster of
    tables joined by foreign keys (see split.py); `traits` adopts the built-in traits where
    their expansion is exact (see traits.py)."""
    ctx = Context.of(catalog)
    schema = catalog.schema
    namespaces = list(catalog.namespaces)
    # functions first: triggers name them
    functions: dict[str, list[Function]] = defaultdict(list)
    for fn in schema.functions:
        functions[fn.schema_name].append(fn)
    written_functions = {ns: objects.functions_spec(ctx, functions[ns]) for ns in namespaces}
    triggers: dict[str, list[Trigger]] = defaultdict(list)
    for trig in schema.triggers:
        triggers[trig.table_schema].append(trig)
    groups = {ns: clusters(schema, ns) if split else [] for ns in namespaces}
    anchors = [f"{ns}.{anchor}" for ns in namespaces for anchor, _ in groups[ns]]
    names = _file_names([*namespaces, *anchors], fmt)
    parts: list[tuple[str, dict[str, Any], str]] = []
    for i, ns in enumerate(namespaces):
        doc = _document(ctx, schema, ns, first=i == 0, namespaces=namespaces)
        for anchor, members in groups[ns]:
            cluster = {m: doc["tables"].pop(m) for m in members}
            part: dict[str, Any] = {"spec_type": SPEC_TYPE, "title": f"{ns}: {anchor}"}
            part |= {"schema": ns, "domain": anchor, "tables": cluster}
            parts.append((names[f"{ns}.{anchor}"], part, f"{ns}: {anchor}"))
        if "tables" in doc and not doc["tables"]:
            del doc["tables"]
        for key, procedures in (("functions", False), ("procedures", True)):
            written = {
                name: spec
                for name, spec in written_functions[ns].items()
                if (f"{ns}.{name}" in ctx.procedures) == procedures
            }
            if written:
                doc[key] = dict(sorted(written.items()))
        written_aggregates = objects.aggregates_spec(
            ctx, [a for a in schema.aggregates if a.schema_name == ns], written_functions[ns]
        )
        if written_aggregates:
            doc["aggregates"] = dict(sorted(written_aggregates.items()))
        written_operators = objects.operators_spec(
            ctx, [o for o in schema.operators if o.schema_name == ns]
        )
        if written_operators:
            doc["operators"] = dict(sorted(written_operators.items()))
        written_triggers = objects.triggers_spec(ctx, sorted(triggers[ns], key=_trigger_order))
        if written_triggers:
            doc["triggers"] = dict(sorted(written_triggers.items()))
        parts.append((names[ns], doc, ns))
    if split:
        parts.sort(key=lambda p: p[0])
    if traits:
        from schemac.importer.traits import adopt_traits

        parts = adopt_traits(parts, lambda p: _text(p[1], p[2], fmt))
    files = [SpecFile(name, _text(doc, heading, fmt)) for name, doc, heading in parts]
    _sequence_gaps(ctx)
    return Imported(tuple(files), warnings(ctx.gaps + list(catalog.gaps)), _counts(schema))


def _trigger_order(trig: Trigger) -> tuple[str, str]:
    return (trig.table, trig.name)


def _document(
    ctx: Context, schema: Schema, ns: str, *, first: bool, namespaces: list[str]
) -> dict[str, Any]:
    doc: dict[str, Any] = {"spec_type": SPEC_TYPE, "title": ns, "schema": ns}
    version = ctx.catalog.server_version
    if first and 12 <= version <= 19:
        doc["database"] = Flow({"engine": "postgresql", "version": version})
    extensions = [
        objects.extension_spec(ext)
        for ext in sorted(schema.extensions, key=lambda e: e.name)
        if (ext.schema_name or "public") == ns
        or (first and (ext.schema_name or "public") not in namespaces)
    ]
    if extensions:
        doc["extensions"] = Flow(extensions)
    enums = {e.name: objects.enum_spec(e) for e in schema.enums if e.schema_name == ns}
    if enums:
        doc["enums"] = dict(sorted(enums.items()))
    tables = {t.name: table_spec(ctx, t) for t in schema.tables if t.schema_name == ns}
    if tables:
        doc["tables"] = dict(sorted(tables.items()))
    views = {v.name: objects.view_spec(v) for v in schema.views if v.schema_name == ns}
    if views:
        doc["views"] = dict(sorted(views.items()))
    matviews = {
        v.name: objects.matview_spec(v) for v in schema.materialized_views if v.schema_name == ns
    }
    if matviews:
        doc["materialized_views"] = dict(sorted(matviews.items()))
    composites = {
        x.name: objects.composite_spec(x) for x in schema.composites if x.schema_name == ns
    }
    if composites:
        doc["composites"] = dict(sorted(composites.items()))
    domains = {x.name: objects.domain_spec(x) for x in schema.domains if x.schema_name == ns}
    if domains:
        doc["domains"] = dict(sorted(domains.items()))
    sequences = {s.name: objects.sequence_spec(s) for s in schema.sequences if s.schema_name == ns}
    if sequences:
        doc["sequences"] = dict(sorted(sequences.items()))
    return doc


def _file_names(namespaces: list[str], fmt: Format) -> dict[str, str]:
    """`{schema}.yaml` (or .md; `{schema}.{anchor}` for a cluster of --split), with the
    characters a file name cannot safely hold replaced."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for ns in namespaces:
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", ns).lstrip(".") or "_"
        candidate, n = stem, 1
        while candidate.lower() in taken:  # case-insensitive file systems
            n += 1
            candidate = f"{stem}-{n}"
        taken.add(candidate.lower())
        names[ns] = f"{candidate}.{fmt}"
    return names


def _text(doc: dict[str, Any], ns: str, fmt: Format) -> str:
    yaml_text = emit.document(doc)
    if fmt == "yaml":
        return yaml_text
    return (
        f"---\n{yaml_text}---\n\n# {ns}\n\n"
        f"The objects of the PostgreSQL schema `{ns}`, imported with `schemac import`.\n"
    )


def _sequence_gaps(ctx: Context) -> None:
    # sequences of their own are written (`sequences:`), serial and identity ones with their
    # columns; what neither says is an UNLOGGED sequence
    tables = {t.qualified_name: t for t in ctx.catalog.schema.tables}
    for seq in ctx.catalog.sequences:
        if not seq.unlogged:
            continue
        # serial and identity make an UNLOGGED table's sequence unlogged (PostgreSQL 15), so a
        # serial column or an identity of such a table says it
        owner = tables.get(f"{seq.table_schema}.{seq.table}")
        column = owner.column(seq.column) if owner is not None and seq.column else None
        said = column is not None and (
            seq.owner_kind == "i" or column.type in ("serial", "bigserial", "smallserial")
        )
        if owner is not None and owner.unlogged and said:
            continue
        ctx.gap("sequence", seq.schema, seq.name, "UNLOGGED")


def warnings(gaps: list[Gap]) -> tuple[str, ...]:
    """One line per object: `kind schema.name: not imported (why)` for objects left out, or
    `kind schema.name: imported without X; with Y` for those written differently."""
    merged: dict[tuple[str, str, str], tuple[bool, list[str]]] = {}
    for gap in gaps:
        key = (gap.kind, gap.schema or "", gap.name)
        whole, details = merged.get(key, (False, []))
        detail = gap.detail if gap.whole else _attribute(gap)
        if detail and detail not in details:
            details.append(detail)
        merged[key] = (whole or gap.whole, details)
    lines = []
    for (kind, schema, name), (whole, details) in sorted(merged.items()):
        subject = Gap(kind, schema or None, name, whole).subject
        if whole:
            why = "; ".join(details) or "the spec format cannot say it yet"
            lines.append(f"{subject}: not imported ({why})")
        else:
            lines.append(f"{subject}: imported {'; '.join(details)}")
    return tuple(lines)


def _attribute(gap: Gap) -> str | None:
    """The words after `imported` for a gap that keeps the object: the catalog queries name
    the option (`STRICT`), the writers say how it was written (`as ...`, `without ...`)."""
    detail = gap.detail
    if detail is None:
        return None
    if detail.startswith(("as ", "with ", "without ")):
        return detail
    return f"without {detail}"


def _counts(schema: Schema) -> dict[str, int]:
    return {
        "tables": len(schema.tables),
        "views": len(schema.views),
        "materialized views": len(schema.materialized_views),
        "functions": sum(not fn.is_procedure for fn in schema.functions),
        "procedures": sum(fn.is_procedure for fn in schema.functions),
        "triggers": len(schema.triggers),
        "enums": len(schema.enums),
        "extensions": len(schema.extensions),
        "sequences": len(schema.sequences),
        "domains": len(schema.domains),
        "composite types": len(schema.composites),
    }
