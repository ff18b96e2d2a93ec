"""Sequences of their own and domains from the catalog (the part of inspect/build.py for
object kinds that are not tables).

A serial column is what `serial` would make, exactly: its sequence has the name PostgreSQL
derives (`{table}_{column}_seq`), the column's own type, and every other option at its
default. Otherwise the column keeps its type and its `nextval(...)` default, and the sequence
is an object of its own with `owned_by`: rebuilt from the specs it is the same sequence.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal, cast

from schemac.model.schema import (
    SEQUENCE_TYPE_RANGE,
    Attribute,
    Column,
    Composite,
    Domain,
    DomainCheck,
    Sequence,
    Table,
)
from schemac.model.types import TypeSyntaxError, canonical_type

Row = dict[str, Any]

_SERIAL_BASE = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}


@cache
def column_type(text: str) -> str:
    """`text` (format_type) as the model spells types, or as it is when model/types.py does
    not read it."""
    # a database has few distinct type spellings and many columns: parse each spelling once
    try:
        return canonical_type(text)
    except TypeSyntaxError:
        # a type spelling model/types.py does not read: keep PostgreSQL's own
        return text


def sequences(
    rows: list[Row], tables: tuple[Table, ...]
) -> tuple[tuple[Table, ...], tuple[Sequence, ...]]:
    """The tables (serial columns whose sequence serial would not make turned back into
    integers with their default) and the sequences of their own."""
    from schemac.importer.context import object_name

    by_name = {t.qualified_name: t for t in tables}
    own: list[Sequence] = []
    retyped: dict[str, dict[str, Column]] = {}
    for r in rows:
        owner: tuple[str, str] | None = None
        if r["table_name"] is not None and r["table_schema"] == r["schema_name"]:
            owner = (r["table_name"], r["column_name"])
            table = by_name.get(f"{r['table_schema']}.{r['table_name']}")
            column = table.column(r["column_name"]) if table is not None else None
            if table is not None and column is not None and column.type in _SERIAL_BASE:
                base = _SERIAL_BASE[column.type]
                if _serial_made(r, base, object_name(table.name, column.name, "seq")):
                    continue
                default = f"nextval('{r['regclass'].replace(chr(39), chr(39) * 2)}'::regclass)"
                retyped.setdefault(table.qualified_name, {})[column.name] = column.model_copy(
                    update={"type": base, "default": default}
                )
        own.append(
            Sequence(
                schema_name=r["schema_name"],
                name=r["name"],
                data_type=cast(Literal["smallint", "integer", "bigint"], r["data_type"]),
                start=r["start"],
                increment=r["increment"],
                min_value=r["min_value"],
                max_value=r["max_value"],
                cache=r["cache"],
                cycle=r["cycle"],
                owned_by=owner,
                description=r["description"],
            )
        )
    if retyped:
        tables = tuple(_retyped(t, retyped.get(t.qualified_name)) for t in tables)
    return tables, tuple(own)


def _serial_made(r: Row, base: str, derived: str) -> bool:
    return (
        r["name"] == derived
        and r["data_type"] == base
        and (r["start"], r["increment"], r["min_value"], r["cache"]) == (1, 1, 1, 1)
        and r["max_value"] == SEQUENCE_TYPE_RANGE[base][1]
        and not r["cycle"]
        and r["description"] is None
        and r.get("persistence") == r.get("table_persistence")
    )


def _retyped(table: Table, columns: dict[str, Column] | None) -> Table:
    if not columns:
        return table
    return table.model_copy(
        update={"columns": tuple(columns.get(col.name, col) for col in table.columns)}
    )


def domains(rows: list[Row]) -> tuple[Domain, ...]:
    """Domains with their checks; a check's expression is what CHECK (...) holds."""
    out = []
    for r in rows:
        checks = []
        for item in r["checks"]:
            definition = item["definition"].removesuffix(" NOT VALID")
            inner = definition[definition.index("(") + 1 : definition.rindex(")")]
            valid = definition == item["definition"]
            checks.append(DomainCheck(name=item["name"], expression=inner, valid=valid))
        out.append(
            Domain(
                schema_name=r["schema_name"],
                name=r["name"],
                type=column_type(r["base_type"]),
                not_null=r["not_null"],
                default=r["default"],
                checks=tuple(checks),
                collation=r["collation"],
                description=r["description"],
            )
        )
    return tuple(out)


def composites(rows: list[Row]) -> tuple[Composite, ...]:
    return tuple(
        Composite(
            schema_name=r["schema_name"],
            name=r["name"],
            attributes=tuple(
                Attribute(name=a["name"], type=column_type(a["type"]), collation=a["collation"])
                for a in r["attributes"]
            ),
            description=r["description"],
        )
        for r in rows
    )
