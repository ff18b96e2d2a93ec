"""The Mermaid `erDiagram` of a schema: `schemac erd`, and the diagram of `schemac docs`.

Mermaid's erDiagram lexer (erDiagram.jison, Mermaid 11) is steered by the text it reads, so no
spec text reaches it as written:

- an entity is named by an id from `erd.entity_ids` (plain, never a keyword), with the real
  name as its alias, `t_order_items["order items"]`, when the two differ;
- quoted text (aliases, relationship labels) cannot hold `"`, `%` or `\\`; `%%{...}%%` anywhere
  is a directive that reconfigures Mermaid; `#name;` is an entity code; `<tag>` is HTML; and a
  line holding `direction TB` (any case, anywhere) is a direction statement. Every character
  outside a small safe set is therefore written as Mermaid's own entity code `#<decimal>;`,
  which the renderer shows as that character, and the space in `direction TB` as `#32;`;
- attribute types and names are bare words of a small alphabet (and `PK`, `FK`, `UK` are keys,
  not names): anything else goes between backticks, encoded the same way.

Column descriptions stay out of the diagram (the schema document's column tables hold them),
so what it shows is names, types, keys and relationships.
"""

from __future__ import annotations

import re

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

#: characters that quoted Mermaid text shows as themselves (besides letters and digits)
_SAFE = frozenset(" _-.,()/+=@!?'")
_DIRECTION = re.compile(r"(?i)(direction) (?= *(?:tb|bt|rl|lr))")
#: what an attribute type or name may be bare: Mermaid 11's ATTRIBUTE_WORD, less `*` and `-`
_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_()\[\],.]*$")
_KEYS = frozenset({"pk", "fk", "uk"})
INDENT = "    "


def encode(text: str) -> str:
    """Spec text as the inside of a quoted (or backticked) Mermaid string that renders as the
    text itself and cannot end the string, start a directive or turn into a statement."""
    out = "".join(
        ch if (ch.isalnum() and ch.isprintable()) or ch in _SAFE else f"#{ord(ch)};"
        for ch in one_line(text)
    )
    return _DIRECTION.sub(r"\1#32;", out)


def word(text: str) -> str:
    """An attribute type or name: bare when Mermaid takes it as a word, else backticked."""
    if _WORD.match(text) and text.lower() not in _KEYS:
        return text
    return f"`{encode(text)}`"


def erd_mermaid(schema: Schema) -> str:
    """The erDiagram source: every table with its columns and keys, then every foreign key."""
    ids = entity_ids(schema)
    lines = ["erDiagram"]
    for table in schema.tables:
        lines += _entity(table, ids[table.qualified_name])
    for rel in relationships(schema):
        parent = ids.get(rel.parent)
        if parent is not None:  # resolve binds every reference to a table of the schema
            lines.append(INDENT + _relationship(rel, parent, ids[rel.child.qualified_name]))
    return "\n".join(lines) + "\n"


def _entity(table: Table, entity_id: str) -> list[str]:
    name = label(table)
    head = entity_id if name == entity_id else f'{entity_id}["{encode(name)}"]'
    if not table.columns:
        return [INDENT + head]
    markers = key_markers(table)
    lines = [f"{INDENT}{head} {{"]
    for column in table.columns:
        keys = markers.get(column.name, ())
        tail = f" {', '.join(keys)}" if keys else ""
        lines.append(f"{INDENT * 2}{word(column.type)} {word(column.name)}{tail}")
    lines.append(INDENT + "}")
    return lines


def _relationship(rel: Relationship, parent: str, child: str) -> str:
    parent_end = "|o" if rel.parent_optional else "||"
    child_end = "o|" if rel.child_unique else "o{"
    line = "--" if rel.identifying else ".."
    return f'{parent} {parent_end}{line}{child_end} {child} : "{encode(relationship_label(rel))}"'
