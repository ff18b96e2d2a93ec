"""The tables of the schema document, grouped by domain (the spec documents they come from).

Each table: its description, traits, a Column | Type | Nullable | Default | Constraints |
Description table, the constraints no single column carries (composite keys, table checks),
then its indexes, partitioning and row-level security, each only when the table has any.
"""

from __future__ import annotations

from schemac.document.markup import code, codes, paragraph, table, text
from schemac.document.page import Block, Page, display_name
from schemac.model.schema import (
    Column,
    Exclusion,
    ForeignKey,
    Index,
    Partition,
    Table,
    walk_partitions,
)


def tables_section(page: Page) -> list[Block]:
    blocks: list[Block] = []
    for domain, headers in page.domains:
        tables = [t for h in headers for t in page.tables_of(h)]
        if not tables:
            continue
        specs = ", ".join(f"{code(h.name, cell=False)} ({text(h.spec.title)})" for h in headers)
        blocks.append([f"### {text(domain)}"])
        blocks.append([f"{'Specs' if len(headers) > 1 else 'Spec'}: {specs}."])
        for one in tables:
            blocks += table_blocks(one)
    return [["## Tables"], *blocks] if blocks else []


def table_blocks(t: Table) -> list[Block]:
    blocks: list[Block] = [[f"#### {code(display_name(t.schema_name, t.name), cell=False)}"]]
    if t.description:
        blocks.append([paragraph(t.description)])
    if t.traits:
        blocks.append([f"Traits: {codes(t.traits, cell=False)}."])
    if t.columns:
        header = ["Column", "Type", "Nullable", "Default", "Constraints", "Description"]
        rows = [_column_row(t, c) for c in t.columns]
        if any(c.classification is not None for c in t.columns):
            # a table that classifies its columns shows each column's level
            header.append("Classification")
            for row, c in zip(rows, t.columns, strict=True):
                row.append(text(c.classification.level) if c.classification else "")
        blocks.append(table(header, rows))
    constraints = _table_constraints(t)
    if constraints:
        blocks.append(["**Constraints**", "", *constraints])
    if t.indexes:
        blocks.append(["**Indexes**", "", *index_table(t.indexes)])
    if t.partitioning is not None:
        blocks += _partitioning(t)
    if t.rls.enabled or t.rls.policies:
        blocks += _rls(t)
    return blocks


def _column_row(t: Table, column: Column) -> list[str]:
    return [
        code(column.name),
        code(column.type),
        "yes" if column.nullable else "no",
        code(column.default or ""),
        "; ".join(_column_constraints(t, column)),
        text(column.description or ""),
    ]


def _column_constraints(t: Table, column: Column) -> list[str]:
    found: list[str] = []
    if t.primary_key is not None and column.name in t.primary_key.columns:
        found.append("PK")
    for fk in t.foreign_keys:
        if fk.columns == (column.name,):
            found.append(f"FK → {code(_target(fk))}{_actions(fk)}")
        elif column.name in fk.columns:
            found.append(f"FK {code(fk.name)}")
    if any(u.columns == (column.name,) for u in t.uniques):
        found.append("UNIQUE")
    found += [f"CHECK {code(c.expression)}" for c in t.checks if c.column == column.name]
    if column.identity is not None:
        found.append(f"identity ({column.identity.replace('_', ' ')})")
    if column.generated is not None:
        found.append(f"generated {code(column.generated)}")
    if column.collation is not None:
        found.append(f"collate {code(column.collation)}")
    return found


def _target(fk: ForeignKey) -> str:
    name = display_name(fk.ref_schema, fk.ref_table)
    if len(fk.ref_columns) == 1:
        return f"{name}.{fk.ref_columns[0]}"
    return f"{name} ({', '.join(fk.ref_columns)})"


def _actions(fk: ForeignKey) -> str:
    said = [f"on delete {fk.on_delete}"] if fk.on_delete != "no action" else []
    said += [f"on update {fk.on_update}"] if fk.on_update != "no action" else []
    if fk.deferrable:
        said.append("deferrable" + (", initially deferred" if fk.initially_deferred else ""))
    return f", {', '.join(said)}" if said else ""


def _table_constraints(t: Table) -> list[str]:
    """What no single column of the table carries: composite keys and table checks."""
    items: list[str] = []
    if t.primary_key is not None and len(t.primary_key.columns) > 1:
        pk = t.primary_key
        items.append(f"- Primary key {code(pk.name)}: ({codes(pk.columns)})")
    for u in t.uniques:
        if len(u.columns) > 1:
            deferred = ", deferrable" if u.deferrable else ""
            items.append(f"- Unique {code(u.name)}: ({codes(u.columns)}){deferred}")
    for fk in t.foreign_keys:
        if len(fk.columns) > 1:
            items.append(
                f"- Foreign key {code(fk.name)}: ({codes(fk.columns)}) → "
                f"{code(_target(fk))}{_actions(fk)}"
            )
    items += [f"- Check {code(c.name)}: {code(c.expression)}" for c in t.checks if c.column is None]
    items += [f"- Exclusion {code(x.name)}: {code(_exclusion(x))}" for x in t.exclusions]
    return items


def _exclusion(x: Exclusion) -> str:
    """`USING gist (room_id WITH =, (expr) WITH &&) WHERE (...)`, as a reader would write it."""
    elements = []
    for e in x.elements:
        key = e.column if e.column is not None else f"({e.expression})"
        opclass = f" {e.opclass}" if e.opclass else ""
        schema = f"{e.operator_schema}." if e.operator_schema else ""
        elements.append(f"{key}{opclass} WITH {schema}{e.operator}")
    said = f"USING {x.method} ({', '.join(elements)})"
    if x.include:
        said += f" INCLUDE ({', '.join(x.include)})"
    if x.where is not None:
        said += f" WHERE ({x.where})"
    return said + (" DEFERRABLE" if x.deferrable else "")


def index_table(indexes: tuple[Index, ...]) -> list[str]:
    rows = [
        [
            code(index.name),
            _index_columns(index),
            "yes" if index.unique else "",
            text(index.method),
            code(index.where or ""),
        ]
        for index in indexes
    ]
    return table(["Index", "Columns", "Unique", "Method", "Where"], rows)


def _index_columns(index: Index) -> str:
    parts = []
    for part in index.parts:
        spelled = part.column if part.column is not None else f"({part.expression})"
        if part.opclass:
            spelled += f" {part.opclass}"
        if part.descending:
            spelled += " DESC"
        if part.nulls:
            spelled += f" NULLS {part.nulls.upper()}"
        parts.append(code(spelled))
    shown = ", ".join(parts)
    return f"{shown} INCLUDE ({codes(index.include)})" if index.include else shown


def _partitioning(t: Table) -> list[Block]:
    assert t.partitioning is not None
    by = t.partitioning
    blocks: list[Block] = [[f"**Partitioning**: by {by.strategy} ({codes(by.keys, cell=False)})."]]
    if t.partitions:
        rows = [
            [
                code(p.name) + ("" if parent is t else f" (of {code(parent.name)})"),
                code(_bound(p))
                + (
                    f", partitioned by {p.partitioning.strategy} "
                    f"({codes(p.partitioning.keys, cell=False)})"
                    if p.partitioning is not None
                    else ""
                ),
            ]
            for parent, p in walk_partitions(t)
        ]
        blocks.append(table(["Partition", "Bound"], rows))
    return blocks


def _bound(p: Partition) -> str:
    if p.default:
        return "DEFAULT"
    if p.range_from is not None and p.range_to is not None:
        return f"FROM ({', '.join(p.range_from)}) TO ({', '.join(p.range_to)})"
    if p.values is not None:
        return f"IN ({', '.join(p.values)})"
    return f"WITH (MODULUS {p.modulus}, REMAINDER {p.remainder})"


def _rls(t: Table) -> list[Block]:
    state = "enabled" if t.rls.enabled else "disabled"
    if t.rls.force:
        state += ", forced (the table owner is subject to it too)"
    blocks: list[Block] = [[f"**Row-level security**: {state}."]]
    if t.rls.policies:
        rows = [
            [
                code(p.name),
                text(p.command),
                "permissive" if p.permissive else "restrictive",
                codes(p.roles),
                code(p.using or ""),
                code(p.with_check or ""),
            ]
            for p in t.rls.policies
        ]
        header = ["Policy", "Command", "Kind", "Roles", "Using", "With check"]
        blocks.append(table(header, rows))
    return blocks
