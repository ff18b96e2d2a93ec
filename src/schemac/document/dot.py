"""The Graphviz (DOT) entity-relationship diagram of a schema: `schemac erd --format dot`.

Each table is a node drawn as an HTML-like table (name, then one row per column: name, type,
keys); each foreign key an edge from the child's first foreign-key column to the parent's
referenced column, with crow's-foot ends (`crowodot` zero-or-more, `teeodot` zero-or-one,
`teetee` exactly one) and a dashed line when the relationship is non-identifying (erd.py).

Node ids come from `erd.entity_ids` and are quoted; every text from the specs goes into an
HTML-like label through `html.escape` (Graphviz reads those labels as XML), so no name can end
a label, an attribute or a statement. Ports are column positions (`c0`, `c1`, ...), never names.
"""

from __future__ import annotations

from html import escape

from schemac.document.erd import (
    Relationship,
    entity_ids,
    key_markers,
    label,
    relationship_label,
    relationships,
)
from schemac.document.markup import one_line
from schemac.model.schema import Schema, Table

INDENT = "    "
_HEADER = (
    "digraph schema {",
    f'{INDENT}graph [rankdir=LR, fontname="Helvetica"];',
    f'{INDENT}node [shape=plain, fontname="Helvetica", fontsize=10];',
    f'{INDENT}edge [fontname="Helvetica", fontsize=9, dir=both];',
)


def html(text: str) -> str:
    """Spec text inside an HTML-like label: one line, markup characters escaped."""
    return escape(one_line(text), quote=True)


def erd_dot(schema: Schema) -> str:
    """The DOT source: every table as a node, every foreign key as an edge."""
    ids = entity_ids(schema)
    lines = list(_HEADER)
    for table in schema.tables:
        lines += _node(table, ids[table.qualified_name])
    for rel in relationships(schema):
        parent = schema.table(rel.parent)
        if parent is not None:  # resolve binds every reference to a table of the schema
            lines.append(INDENT + _edge(rel, parent, ids))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node(table: Table, node_id: str) -> list[str]:
    markers = key_markers(table)
    rows = [f'<tr><td colspan="3" bgcolor="#dddddd"><b>{html(label(table))}</b></td></tr>']
    for i, column in enumerate(table.columns):
        keys = ", ".join(markers.get(column.name, ()))
        rows.append(
            f'<tr><td port="c{i}" align="left">{html(column.name)}</td>'
            f'<td align="left">{html(column.type)}</td><td align="left">{keys}</td></tr>'
        )
    table_open = '<table border="0" cellborder="1" cellspacing="0" cellpadding="4">'
    return [
        f'{INDENT}"{node_id}" [label=<{table_open}',
        *(INDENT * 2 + row for row in rows),
        f"{INDENT}</table>>];",
    ]


def _port(table: Table, column: str) -> str:
    index = next((i for i, c in enumerate(table.columns) if c.name == column), None)
    return "" if index is None else f":c{index}"


def _edge(rel: Relationship, parent: Table, ids: dict[str, str]) -> str:
    child = rel.child
    fk = rel.foreign_key
    tail = f'"{ids[child.qualified_name]}"{_port(child, fk.columns[0])}'
    head = f'"{ids[parent.qualified_name]}"{_port(parent, fk.ref_columns[0])}'
    attributes = [
        f"arrowtail={'teeodot' if rel.child_unique else 'crowodot'}",
        f"arrowhead={'teeodot' if rel.parent_optional else 'teetee'}",
        f"label=<{html(relationship_label(rel))}>",
    ]
    if not rel.identifying:
        attributes.append("style=dashed")
    return f"{tail} -> {head} [{', '.join(attributes)}];"
