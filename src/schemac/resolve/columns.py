"""Column combinations PostgreSQL would reject when the migration runs, caught at the spec."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from schemac.diagnostics import suggestion
from schemac.model.types import TypeRef, parse_type
from schemac.resolve.context import Context, TableDraft
from schemac.source import Span
from schemac.spec.models import ColumnSpec

SpanOf = Callable[[str], Span | None]

_INTEGERS = frozenset({"smallint", "integer", "bigint", "serial", "bigserial", "smallserial"})
_TEXTS = frozenset({"text", "varchar", "char", "citext"})
_LITERAL = re.compile(r"^'((?:[^']|'')*)'(?:::[\w. ]+)?$")
_BOOLEANS = frozenset({"t", "f", "true", "false", "y", "n", "yes", "no", "on", "off", "1", "0"})
_UUID = re.compile(r"^\{?[0-9a-fA-F]{8}-?(?:[0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}\}?$")
_NUMBER = re.compile(r"^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$")


@functools.lru_cache(maxsize=4096)
def _parsed(canonical: str) -> TypeRef:
    """parse_type of a canonical column type. Cached: the checks below run on every column and
    foreign key, and a schema spells its thousands of columns with a few dozen types."""
    return parse_type(canonical)


@functools.lru_cache(maxsize=4096)
def family(canonical: str) -> str:
    """A type's comparison family for foreign keys: integers, texts, or the type itself."""
    ref = _parsed(canonical)
    if ref.array_dims:
        return canonical
    if ref.base in _INTEGERS:
        return "integer"
    if ref.base in _TEXTS:
        return "text"
    return str(ref.__class__(ref.base, (), 0, ref.schema))


def check_column(
    ctx: Context,
    draft: TableDraft,
    name: str,
    col: ColumnSpec,
    col_type: str | None,
    default: str | None,
    span_of: SpanOf,
) -> None:
    """Report what PostgreSQL would refuse about one column, at the key that causes it."""
    table = draft.name
    if col.nullable and name in draft.primary_key:
        ctx.error(
            "E042",
            f"{table}.{name} is in the primary key but says nullable: true",
            span_of("nullable"),
            "primary key columns are NOT NULL; remove nullable",
        )
    if col.identity is not None:
        if col_type is not None and _parsed(col_type).base not in (
            "smallint",
            "integer",
            "bigint",
        ):
            ctx.error(
                "E042",
                f"{table}.{name}: an identity column must be smallint, integer or "
                f"bigint, not {col_type}",
                span_of("identity"),
                "use type: bigint, or drop identity",
            )
        if col.default is not None:
            ctx.error(
                "E042",
                f"{table}.{name} has both identity and a default",
                span_of("default"),
                "an identity column generates its own values; remove the default",
            )
    if col.generated is not None and (col.default is not None or col.identity is not None):
        ctx.error(
            "E042",
            f"{table}.{name} is generated and also has a default or identity",
            span_of("generated"),
            "a generated column computes its value; remove the other",
        )
    if default is not None and col_type is not None:
        _check_literal_default(ctx, table, name, col_type, default, span_of)


def _check_literal_default(
    ctx: Context, table: str, name: str, col_type: str, default: str, span_of: SpanOf
) -> None:
    match = _LITERAL.match(default.strip())
    if match is None:
        return
    value = match.group(1).replace("''", "'")
    allowed = ctx.enum_values.get(col_type)
    if allowed is not None:
        if value not in allowed:
            ctx.error(
                "E033",
                f"invalid default for {table}.{name}: '{value}' is not a value of enum {col_type}",
                span_of("default"),
                suggestion(value, allowed) or f"values: {', '.join(allowed)}",
            )
        return
    ref = _parsed(col_type)
    if ref.array_dims:
        return
    base = ref.base
    bad = (
        (base in _INTEGERS and not re.fullmatch(r"\s*[-+]?\d+\s*", value))
        or (base in ("numeric", "real", "double precision") and not _NUMBER.match(value))
        or (base == "boolean" and value.strip().lower() not in _BOOLEANS)
        or (base == "uuid" and not _UUID.match(value.strip()))
    )
    if bad:
        ctx.error(
            "E033",
            f"invalid default for {table}.{name}: '{value}' is not a valid {col_type}",
            span_of("default"),
            "write a literal of the column's type, or fix the type",
        )


def check_foreign_key_types(
    ctx: Context,
    draft: TableDraft,
    columns: tuple[str, ...],
    target: TableDraft,
    ref_columns: tuple[str, ...],
    span: Span | None,
) -> None:
    """A foreign key whose column types cannot be compared with its target's is refused."""
    for column, ref_column in zip(columns, ref_columns, strict=False):
        if column not in draft.columns or ref_column not in target.columns:
            continue
        own = ctx.resolve_type(draft.columns[column][0].type, lambda: span, draft.schema_name)
        theirs = ctx.resolve_type(
            target.columns[ref_column][0].type, lambda: span, target.schema_name
        )
        if own is None or theirs is None or family(own) == family(theirs):
            continue
        ctx.error(
            "E043",
            f"{draft.name}.{column} is {own} but references {target.name}.{ref_column}, "
            f"which is {theirs}",
            span,
            f"give {column} the type {theirs}",
        )
