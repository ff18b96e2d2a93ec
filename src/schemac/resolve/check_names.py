"""Names PostgreSQL keeps in one namespace per schema, and enum labels.

pg_class holds tables, partitions, views, materialized views, indexes (the ones a primary key or
unique constraint makes too) and sequences (the one behind each serial or identity column): two
of them cannot share a name in a schema. pg_type holds enums and the row type every table, view
and materialized view gets under its own name. The resolver registers tables, views and
partitions; this pass adds what is derived from them, one dictionary insert per object.
"""

from __future__ import annotations

from schemac.load.loader import RawDoc
from schemac.model.names import identifier_too_long
from schemac.model.schema import Column, MaterializedView, Table
from schemac.resolve.check_tables import primary_key_span
from schemac.resolve.context import Context
from schemac.source import Span
from schemac.spec.models import DocumentSpec

#: NAMEDATALEN - 1: invalid enum label "...", Labels must be 63 bytes or less.
MAX_LABEL_BYTES = 63


#: a relation of a schema: its kind ("table", "view", "partition", "key", "index", "sequence"),
#: its name, the table (or view) it belongs to, and where it was declared; described only when
#: it meets another (the pass makes no string for the thousands of names that do not)
_Relation = tuple[str, str, str, Span | None]


def check_relation_names(
    ctx: Context,
    tables: dict[str, Table],
    matviews: list[MaterializedView],
    sequenced: dict[str, list[Column]],
) -> None:
    """Key indexes and implicit sequences named like another relation of their schema.

    An explicit index named like another relation is E126 (check_indexes.py): indexes take
    their place here without a report, so that a sequence meeting one is still found.
    """
    relations: dict[str, _Relation] = {}
    for (namespace, qualified), span in ctx.registry.items():
        if namespace == "relation":
            kind = _registered_kind(ctx, qualified)
            relations[qualified] = (kind, qualified.split(".", 1)[1], "", span)
    for table in tables.values():
        schema, owner = table.schema_name, table.name
        keys = [(u.name, u.span) for u in table.uniques]
        keys += [(x.name, x.span) for x in table.exclusions]
        if table.primary_key is not None:
            draft = ctx.tables.get(table.qualified_name)
            pk_span = primary_key_span(draft) if draft else table.primary_key.span
            keys.insert(0, (table.primary_key.name, pk_span))
        claimed: set[str] = set()
        for name, span in keys:
            # a table's own constraints repeating a name are E108 (check_tables)
            if name not in claimed:
                claimed.add(name)
                _claim(ctx, relations, f"{schema}.{name}", ("key", name, owner, span))
        for index in table.indexes:
            relations.setdefault(f"{schema}.{index.name}", ("index", index.name, owner, index.span))
    for view in matviews:
        for index in view.indexes:
            relations.setdefault(
                f"{view.schema_name}.{index.name}", ("index", index.name, view.name, index.span)
            )
    for qualified, columns in sequenced.items():
        table = tables[qualified]
        for column in columns:
            # PostgreSQL names the sequence of a serial or identity column {table}_{column}_seq
            # (when that fits in 63 bytes; longer names are cut in a way that rarely meets
            # another name)
            sequence = f"{table.name}_{column.name}_seq"
            if not identifier_too_long(sequence):
                at = f"{table.schema_name}.{sequence}"
                _claim(ctx, relations, at, ("sequence", sequence, column.name, column.span))


def _registered_kind(ctx: Context, qualified: str) -> str:
    if qualified in ctx.tables:
        return "table"
    if qualified in ctx.views:
        return "view"
    return "partition"


def _described(relation: _Relation, table: str = "") -> str:
    kind, name, owner, _ = relation
    if kind == "key":
        return f"the index of constraint {name} on {owner}"
    if kind == "index":
        return f"index {name} on {owner}"
    if kind == "sequence":
        return f"the sequence of {table}.{owner}"
    return f"the {kind} {name}"


def _claim(
    ctx: Context, relations: dict[str, _Relation], qualified: str, relation: _Relation
) -> None:
    first = relations.get(qualified)
    if first is None:
        relations[qualified] = relation
        return
    kind, name, owner, span = relation
    table = name.removesuffix(f"_{owner}_seq") if kind == "sequence" else ""
    where = first[3]
    at = f" (declared at {where})" if where else ""
    # relation "x" already exists -- or, when the other relation comes first, PostgreSQL
    # silently gives an implicit sequence another name
    ctx.error(
        "E106",
        f"{_described(relation, table)} is named '{name}', like {_described(first)}{at}; "
        f"tables, views, indexes and sequences share one namespace per schema "
        f'(relation "{name}" already exists)',
        span,
        f"rename the {first[0]} or the column {owner}"
        if kind == "sequence"
        else "give the constraint an explicit, different name: (or rename the other)",
    )


def check_type_names(ctx: Context) -> None:
    """An enum named like a table: type "t" already exists (a relation has an associated type
    of the same name)."""
    for (namespace, qualified), span in ctx.registry.items():
        if namespace != "type":
            continue
        other = ("relation", qualified)
        if other in ctx.registry:
            kind = _registered_kind(ctx, qualified)
            where = ctx.registry[other]
            at = f" (declared at {where})" if where else ""
            name = qualified.split(".", 1)[1]
            ctx.error(
                "E107",
                f"enum {name} is named like the {kind} {name}{at}; every {kind} has a row type "
                f'of its own name (type "{name}" already exists)',
                span,
                f"rename the enum, e.g. '{name}_kind'",
            )


def check_enum_labels(ctx: Context, documents: list[tuple[RawDoc, DocumentSpec]]) -> None:
    for raw, spec in documents:
        for name, enum in spec.enums.items():
            for i, label in enumerate(enum.values):
                # a label of 15 characters or fewer fits in 63 bytes whatever the characters
                if len(label) > MAX_LABEL_BYTES // 4 and len(label.encode()) > MAX_LABEL_BYTES:
                    ctx.error(
                        "E105",
                        f"enum {name}: the label '{label}' is {len(label.encode())} bytes; "
                        f'PostgreSQL allows 63 (invalid enum label "{label}")',
                        _label_span(raw, name, i),
                        "use a shorter label (up to 63 bytes)",
                    )


def _label_span(raw: RawDoc, enum: str, index: int) -> Span | None:
    """The label as written in `values: [...]` or in the short form `enum: [...]`."""
    pos = raw.spans.values.get(("enums", enum, "values", index))
    if pos is not None:
        return Span(raw.spans.path, pos[0], pos[1])
    return raw.spans.value(("enums", enum, index))
