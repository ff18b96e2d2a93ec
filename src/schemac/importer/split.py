"""`import --split`: a schema's tables in one file per cluster of tables joined by foreign keys.

A cluster is a connected component of the schema's foreign-key graph (references across
schemas do not join clusters). Its file is named after its anchor, the table most referenced
within it (ties: by name), and holds its tables; everything else of the schema (extensions,
enums, views, functions, triggers, the tables no key joins) stays in the schema's own file.
Specs merge across files, so a foreign key may name a table of another file.
"""

from __future__ import annotations

from collections import defaultdict

from schemac.model.schema import Schema, Table


def clusters(schema: Schema, namespace: str) -> list[tuple[str, list[str]]]:
    """(anchor, table names sorted) per cluster of two tables or more, sorted by anchor."""
    tables = {t.name: t for t in schema.tables if t.schema_name == namespace}
    parent = {name: name for name in tables}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    referenced: dict[str, int] = defaultdict(int)
    for table in tables.values():
        for target in _targets(table, namespace):
            if target in tables and target != table.name:
                referenced[target] += 1
                a, b = sorted((root(table.name), root(target)))
                parent[b] = a
    groups: dict[str, list[str]] = defaultdict(list)
    for name in tables:
        groups[root(name)].append(name)
    out = []
    for members in groups.values():
        if len(members) < 2:
            continue
        anchor = min(members, key=lambda n: (-referenced[n], n))
        out.append((anchor, sorted(members)))
    return sorted(out)


def _targets(table: Table, namespace: str) -> list[str]:
    return [fk.ref_table for fk in table.foreign_keys if fk.ref_schema == namespace]
