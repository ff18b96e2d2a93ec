"""SQL clauses shared by several change kinds (column definitions, foreign keys, index keys).

Pure string builders over model values: every identifier goes through quote_ident/qualify and
every text literal through quote_literal; SQL fragments the model holds verbatim (defaults,
expressions) are placed as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from schemac.model.names import qualify, quote_ident
from schemac.model.schema import Column, ForeignKey, Index, IndexPart, Partition, SeedTable, Table
from schemac.model.types import sql_type


def idents(names: Sequence[str]) -> str:
    return ", ".join(quote_ident(n) for n in names)


def dotted(name: str) -> str:
    """A possibly qualified name written as text (`pg_catalog.text_ops`), each part quoted."""
    return ".".join(quote_ident(part) for part in name.split("."))


def on_table(schema: str | None, table: str) -> str:
    """The table a trigger or policy is on: a bare name in `schema`, or `schema.table`."""
    if "." in table:
        table_schema, name = table.split(".", 1)
        return qualify(table_schema, name)
    return qualify(schema, table)


def column(column: Column) -> str:
    parts = [quote_ident(column.name), sql_type(column.type)]
    if column.collation is not None:
        parts.append(f"COLLATE {dotted(column.collation)}")
    # identity columns are NOT NULL by definition; PostgreSQL reports them so without the clause
    if not column.nullable and column.identity is None:
        parts.append("NOT NULL")
    if column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    if column.identity is not None:
        how = "ALWAYS" if column.identity == "always" else "BY DEFAULT"
        parts.append(f"GENERATED {how} AS IDENTITY")
    if column.generated is not None:
        parts.append(f"GENERATED ALWAYS AS ({column.generated}) STORED")
    return " ".join(parts)


def deferral(deferrable: bool, initially_deferred: bool) -> str:
    if initially_deferred:
        return " DEFERRABLE INITIALLY DEFERRED"
    return " DEFERRABLE" if deferrable else ""


def foreign_key(fk: ForeignKey) -> str:
    """The FOREIGN KEY ... REFERENCES ... definition, shared by CREATE TABLE and ALTER TABLE."""
    text = (
        f"FOREIGN KEY ({idents(fk.columns)}) "
        f"REFERENCES {qualify(fk.ref_schema, fk.ref_table)} ({idents(fk.ref_columns)})"
    )
    # "no action" is PostgreSQL's default: writing it would only add noise
    if fk.on_delete != "no action":
        text += f" ON DELETE {fk.on_delete.upper()}"
    if fk.on_update != "no action":
        text += f" ON UPDATE {fk.on_update.upper()}"
    return text + deferral(fk.deferrable, fk.initially_deferred)


def table_elements(table: Table, inline_fks: Sequence[ForeignKey]) -> list[str]:
    elements = [column(col) for col in table.columns]
    if table.primary_key is not None:
        pk = table.primary_key
        elements.append(f"CONSTRAINT {quote_ident(pk.name)} PRIMARY KEY ({idents(pk.columns)})")
    for uq in table.uniques:
        elements.append(
            f"CONSTRAINT {quote_ident(uq.name)} UNIQUE ({idents(uq.columns)})"
            + deferral(uq.deferrable, uq.initially_deferred)
        )
    for check in table.checks:
        elements.append(f"CONSTRAINT {quote_ident(check.name)} CHECK ({check.expression})")
    for fk in inline_fks:
        elements.append(f"CONSTRAINT {quote_ident(fk.name)} {foreign_key(fk)}")
    return elements


def partition_by(table: Table) -> str:
    spec = table.partitioning
    if spec is None:
        return ""
    columns = {col.name for col in table.columns}
    # a key naming a column is an identifier; anything else is an expression, which PostgreSQL
    # only accepts in parentheses
    keys = ", ".join(quote_ident(k) if k in columns else f"({k})" for k in spec.keys)
    return f" PARTITION BY {spec.strategy.upper()} ({keys})"


def partition_bound(partition: Partition) -> str:
    if partition.default:
        return "DEFAULT"
    if partition.values is not None:
        return f"FOR VALUES IN ({', '.join(partition.values)})"
    if partition.modulus is not None and partition.remainder is not None:
        return f"FOR VALUES WITH (MODULUS {partition.modulus}, REMAINDER {partition.remainder})"
    if partition.range_from is not None and partition.range_to is not None:
        return (
            f"FOR VALUES FROM ({', '.join(partition.range_from)}) "
            f"TO ({', '.join(partition.range_to)})"
        )
    raise ValueError(f"partition {partition.name} has no bound")


def index_part(part: IndexPart) -> str:
    # expressions are always parenthesised: required for `a + b`, harmless for `lower(email)`,
    # and one rule is easier to trust than a parser deciding when they may be left out
    text = quote_ident(part.column) if part.column is not None else f"({part.expression})"
    if part.opclass is not None:
        text += f" {dotted(part.opclass)}"
    if part.descending:
        text += " DESC"
    if part.nulls is not None:
        text += f" NULLS {part.nulls.upper()}"
    return text


def index_using(index: Index) -> str:
    return "" if index.method == "btree" else f" USING {index.method}"


def view_query(text: str) -> str:
    """A view's query as CREATE VIEW takes it: no surrounding blanks, no final `;`."""
    return text.strip().rstrip(";").rstrip()


def comment_line(text: str) -> str:
    """Text for a `--` comment: every line break (and any other whitespace run) becomes one
    space, so nothing the specs wrote can start a new line of SQL after the comment."""
    return " ".join(text.split())


def row(literals: Sequence[str]) -> str:
    return f"({', '.join(literals)})"


def seed_columns(seed: SeedTable) -> list[str]:
    """Every column any row sets, in first-appearance order (key columns first)."""
    names: list[str] = list(seed.key)
    for row in seed.rows:
        names.extend(col for col, _ in row if col not in names)
    return names


def _split_top_level(text: str, sep: str) -> list[str]:
    """`text` split at `sep` outside parentheses, quotes and double quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def function_signature(arguments: str) -> str:
    """The argument list as DROP FUNCTION and COMMENT ON FUNCTION accept it: defaults removed.

    PostgreSQL identifies a function by its argument types; those statements reject the
    `DEFAULT x` / `= x` that CREATE FUNCTION allows, so the defaults are cut off here.
    """
    args = []
    for arg in _split_top_level(arguments, ","):
        words = _split_top_level(arg, "=")[0]
        match = re.search(r"\s+default\s", f"{words} ", re.IGNORECASE)
        args.append((words[: match.start()] if match else words).strip())
    return ", ".join(a for a in args if a)
