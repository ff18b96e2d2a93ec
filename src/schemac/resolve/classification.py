"""A column's classification: its own, else its table's default; the level is checked here,
where the message can point at the level written and suggest the closest one."""

from __future__ import annotations

from collections.abc import Callable

from schemac.diagnostics import suggestion
from schemac.model.classification import LEVELS, Classification
from schemac.resolve.context import Context, Located
from schemac.source import Span
from schemac.spec.models import ClassificationSpec, ColumnSpec, TableSpec


def classify(
    ctx: Context,
    column: ColumnSpec,
    table: TableSpec,
    value_span: Callable[..., Span | None],
    where: Located,
) -> Classification | None:
    """The classification of a column, None when neither it nor its table says one."""
    if column.classification is not None:
        return _checked(ctx, column.classification, lambda *k: value_span("classification", *k))
    if table.classification is not None:
        return _checked(ctx, table.classification, lambda *k: where.span("classification", *k))
    return None


def _checked(
    ctx: Context, spec: ClassificationSpec, span: Callable[..., Span | None]
) -> Classification | None:
    if spec.level not in LEVELS:
        at = span("level") or span()
        # a table's default is read for each of its columns: said once
        if not any(d.code == "E170" and d.span == at for d in ctx.diagnostics):
            ctx.error(
                "E170",
                f"unknown classification level '{spec.level}'",
                at,
                suggestion(spec.level.lower(), LEVELS) or f"levels: {', '.join(LEVELS)}",
            )
        return None
    return Classification(level=spec.level, retention=spec.retention)
