"""The entity-relationship view of a schema, shared by the Mermaid and Graphviz renderers.

Every table is an entity; every foreign key a relationship whose cardinality follows from the
constraints, never from names:

- parent side: exactly one, or zero-or-one when a foreign-key column is nullable (a child row
  may have no parent);
- child side: zero-or-more, or zero-or-one when the foreign-key columns are unique in the child
  (its primary key, a UNIQUE constraint, or a unique index without a WHERE over exactly those
  columns): a one-to-one relationship;
- identifying (solid line) when the foreign-key columns are part of the child's primary key
  (the child's identity includes its parent), non-identifying (dashed) otherwise.

Partitions are not entities (they share their table's columns and keys), nor are views.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from schemac.model.schema import ForeignKey, Schema, Table

#: names an entity id never takes in Mermaid, any case: erDiagram keywords and the words its
#: lexer matches before a name (`one`, `many`, `to`, `u` before `.`, `accTitle :`, ...); DOT's
#: keywords are among them, so one id serves both renderers
RESERVED_IDS = frozenset(
    {
        "acctitle",
        "accdescr",
        "class",
        "classdef",
        "digraph",
        "direction",
        "edge",
        "end",
        "erdiagram",
        "graph",
        "many",
        "node",
        "o",
        "one",
        "only",
        "optionally",
        "strict",
        "style",
        "subgraph",
        "title",
        "to",
        "u",
        "zero",
    }
)
_PLAIN_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NOT_ID = re.compile(r"[^a-z0-9_]+")


@dataclass(frozen=True)
class Relationship:
    """One foreign key seen as an ER relationship from the parent (referenced) table."""

    child: Table
    foreign_key: ForeignKey
    #: qualified name of the referenced table
    parent: str
    #: a foreign-key column is nullable: a child row may have no parent (zero-or-one)
    parent_optional: bool
    #: the foreign-key columns are unique in the child: one-to-one (else one-to-many)
    child_unique: bool
    #: the foreign-key columns are part of the child's primary key
    identifying: bool


def label(table: Table) -> str:
    """How the diagram names a table: its name, schema-qualified outside public."""
    return table.name if table.schema_name == "public" else table.qualified_name


def entity_ids(schema: Schema) -> dict[str, str]:
    """Qualified table name -> an id that both Mermaid and DOT take bare: the table's own name
    when it is a plain identifier (and no keyword), else a slug of it; unique in any case."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for table in schema.tables:
        wanted = label(table)
        if not (_PLAIN_ID.match(wanted) and wanted.lower() not in RESERVED_IDS):
            wanted = _slug(wanted)
        candidate, n = wanted, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{wanted}_{n}"
        taken.add(candidate.lower())
        ids[table.qualified_name] = candidate
    return ids


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = _NOT_ID.sub("_", ascii_name.lower()).strip("_")
    return slug if slug[:1].isalpha() and slug not in RESERVED_IDS else f"t_{slug}".rstrip("_")


def unique_sets(table: Table) -> list[frozenset[str]]:
    """Column sets whose values are unique in every row: the primary key, UNIQUE constraints,
    and unique indexes over plain columns without a WHERE (a partial index is unique only
    among the rows it covers)."""
    found: list[frozenset[str]] = []
    if table.primary_key is not None:
        found.append(frozenset(table.primary_key.columns))
    found += [frozenset(u.columns) for u in table.uniques]
    for index in table.indexes:
        columns = [part.column for part in index.parts]
        if index.unique and index.where is None and all(c is not None for c in columns):
            found.append(frozenset(c for c in columns if c is not None))
    return found


def key_markers(table: Table) -> dict[str, tuple[str, ...]]:
    """Column name -> its ER key markers, in the order PK, FK, UK (UK: unique on its own)."""
    primary = set(table.primary_key.columns) if table.primary_key else set()
    foreign = {c for fk in table.foreign_keys for c in fk.columns}
    alone = {next(iter(s)) for s in unique_sets(table) if len(s) == 1}
    markers: dict[str, tuple[str, ...]] = {}
    for column in table.columns:
        marks = (
            ("PK",) * (column.name in primary)
            + ("FK",) * (column.name in foreign)
            + ("UK",) * (column.name in alone and column.name not in primary)
        )
        if marks:
            markers[column.name] = marks
    return markers


def relationships(schema: Schema) -> list[Relationship]:
    """Every foreign key of every table, in table order then constraint order."""
    found: list[Relationship] = []
    for table in schema.tables:
        uniques = unique_sets(table)
        primary = set(table.primary_key.columns) if table.primary_key else set()
        for fk in table.foreign_keys:
            columns = frozenset(fk.columns)
            found.append(
                Relationship(
                    child=table,
                    foreign_key=fk,
                    parent=f"{fk.ref_schema}.{fk.ref_table}",
                    parent_optional=any(_nullable(table, c) for c in fk.columns),
                    child_unique=columns in uniques,
                    identifying=bool(primary) and columns <= primary,
                )
            )
    return found


def _nullable(table: Table, name: str) -> bool:
    column = table.column(name)
    return column is not None and column.nullable


def relationship_label(rel: Relationship) -> str:
    """What a relationship line says: the child's foreign-key columns."""
    return ", ".join(rel.foreign_key.columns)
