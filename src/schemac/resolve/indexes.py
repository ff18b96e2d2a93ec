"""Indexes: each key classified as a column or an expression, the name derived when not given."""

from __future__ import annotations

import re
from typing import Any

from schemac.diagnostics import suggestion
from schemac.model.construct import construct
from schemac.model.schema import Index, IndexPart
from schemac.model.storage import INDEX_PARAMS, MAX_STATISTICS
from schemac.resolve import expressions
from schemac.resolve.context import Context, checked_expression, derived_name
from schemac.resolve.storage import storage_options
from schemac.spec.models import IndexSpec

_PLAIN_COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ORDER = re.compile(
    r"\s+(asc|desc)(?:\s+nulls\s+(first|last))?\s*$|\s+nulls\s+(first|last)\s*$", re.I
)


def resolve_index(
    ctx: Context, table: str, spec: IndexSpec, columns: list[str], span_of: object
) -> Index:
    """An index with its parts classified (column or expression) and its name derived."""
    at = span_of  # callable(*keys) -> Span | None
    assert callable(at)
    parts: list[IndexPart] = []
    name_cols: list[str] = []
    opclasses = spec.opclass if isinstance(spec.opclass, dict) else {}
    for i, raw in enumerate(spec.columns):
        text = raw.strip()
        descending, nulls = False, None
        order = _ORDER.search(text)
        if order:
            descending = (order.group(1) or "").lower() == "desc"
            nulls = (order.group(2) or order.group(3) or "").lower() or None
            text = text[: order.start()].strip()
        opclass = (
            opclasses.get(raw)
            or opclasses.get(text)
            or (spec.opclass if isinstance(spec.opclass, str) else None)
        )
        if _PLAIN_COLUMN.match(text):
            if text not in columns:
                ctx.error(
                    "E035",
                    f"index on {table}: no column '{text}'",
                    at("columns", i),
                    suggestion(text, columns) or "index a column of the table or an expression",
                )
            parts.append(
                construct(
                    IndexPart,
                    column=text,
                    expression=None,
                    opclass=opclass,
                    descending=descending,
                    nulls=nulls,
                )
            )
            name_cols.append(text)
        else:
            checked_expression(ctx, text, at("columns", i))
            parts.append(
                construct(
                    IndexPart,
                    column=None,
                    expression=text,
                    opclass=opclass,
                    descending=descending,
                    nulls=nulls,
                )
            )
            name_cols.extend(expressions.referenced_columns(text, columns) or ["expr"])
    for col in spec.include:
        if col not in columns:
            ctx.error(
                "E035",
                f"index on {table}: INCLUDE column '{col}' does not exist",
                at("include"),
                suggestion(col, columns),
            )
    prefix = "uq" if spec.unique else "idx"
    name = spec.name or derived_name(
        ctx, f"{prefix}_{table}_{'_'.join(name_cols)}", f"index on {table}", at()
    )
    if spec.name:
        ctx.check_length(spec.name, f"index on {table}", at("name"), derived=False)
    return construct(
        Index,
        name=name,
        renamed_from=spec.renamed_from,
        parts=tuple(parts),
        unique=spec.unique,
        method=spec.method,
        where=None if spec.where is None else checked_expression(ctx, spec.where, at("where")),
        include=tuple(spec.include),
        storage=storage_options(
            ctx,
            spec.with_,
            INDEX_PARAMS[spec.method],
            f"index on {table} ({spec.method})",
            lambda key: at("with", key),
            lambda key: at("with", key),
        )
        if spec.with_
        else (),
        statistics=_statistics(ctx, table, spec, parts, at) if spec.statistics else (),
        span=at(),
    )


def _statistics(
    ctx: Context, table: str, spec: IndexSpec, parts: list[IndexPart], at: Any
) -> tuple[tuple[int, int], ...]:
    """SET STATISTICS targets by key position: PostgreSQL takes them on expression keys only."""
    out = []
    for position, target in sorted(spec.statistics.items()):
        span = at("statistics", position)
        if not 1 <= position <= len(parts) or parts[position - 1].expression is None:
            expressions_at = [i + 1 for i, p in enumerate(parts) if p.expression is not None]
            ctx.error(
                "E183",
                f"index on {table}: key {position} is not an expression key",
                span,
                "SET STATISTICS applies to an index's expression keys"
                + (f" (here: {', '.join(map(str, expressions_at))})" if expressions_at else ""),
            )
            continue
        if not -1 <= target <= MAX_STATISTICS:
            ctx.error(
                "E181",
                f"index on {table}: invalid statistics target {target}",
                span,
                f"a statistics target is from -1 to {MAX_STATISTICS}",
            )
            continue
        if target != -1:
            out.append((position, target))
    return tuple(out)
