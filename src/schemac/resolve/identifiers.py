"""Names the specs declare: every one must be printable text PostgreSQL and a reviewer read alike.

PostgreSQL takes any character but NUL in a quoted identifier, so a table named with a
right-to-left override, a zero-width space or a line break is created as written and then shows
up in migrations, diagnostics and reviews as something it is not. This pass refuses such names
(E060, at the name) before anything is resolved; names a spec only refers to (a column list, a
trigger's table) need no check here, as they resolve to a declared name or are reported unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from schemac.load.loader import Path_, RawDoc
from schemac.model.names import name_problem
from schemac.resolve.context import Context
from schemac.source import Span
from schemac.spec.models import DocumentSpec, IndexSpec

_HELP = (
    "rename it: a name may not be empty or hold control, format (bidi, zero-width) or "
    "line-break characters"
)


def check_name(ctx: Context, name: str | None, what: str, span: Span | None) -> None:
    """Report `name` (of a `what`, e.g. "column") when it cannot be a name; None is no name."""
    if name is None:
        return
    problem = name_problem(name)
    if problem is not None:
        ctx.error("E060", f"{what} name '{name}' {problem}", span, _HELP)


def _value(raw: RawDoc, *paths: Path_) -> Span | None:
    """The span of the first of `paths` that was written (short and long forms differ)."""
    for path in paths:
        if path in raw.spans.values:
            return raw.spans.value(path)
    return raw.spans.value(paths[0])


def _indexes(
    ctx: Context, raw: RawDoc, base: Path_, indexes: Sequence[IndexSpec], what: str = "index"
) -> None:
    for i, index in enumerate(indexes):
        check_name(ctx, index.name, what, _value(raw, (*base, i, "name")))
        check_name(ctx, index.renamed_from, what, _value(raw, (*base, i, "renamed_from")))


def _roles(ctx: Context, raw: RawDoc, base: Path_, roles: Iterable[str]) -> None:
    for i, role in enumerate(roles):
        check_name(ctx, role, "role", _value(raw, (*base, "roles", i), (*base, "roles")))


def check_document(ctx: Context, raw: RawDoc, spec: DocumentSpec) -> None:
    """Every name one spec document declares (see the module doc)."""
    key = raw.spans.key
    check_name(ctx, spec.schema_, "schema", _value(raw, ("schema",)))
    for i, ext in enumerate(spec.extensions):
        check_name(
            ctx, ext.name, "extension", _value(raw, ("extensions", i, "name"), ("extensions", i))
        )
        check_name(ctx, ext.schema_, "schema", _value(raw, ("extensions", i, "schema")))
    for name, enum in spec.enums.items():
        base: Path_ = ("enums", name)
        check_name(ctx, name, "enum", key(base))
        check_name(ctx, enum.schema_, "schema", _value(raw, (*base, "schema")))
        for i, value in enumerate(enum.values):
            check_name(
                ctx, value, f"enum {name} value", _value(raw, (*base, "values", i), (*base, i))
            )
        for new, old in enum.renamed_from.items():
            check_name(ctx, old, f"enum {name} value", _value(raw, (*base, "renamed_from", new)))
    for name, trait in spec.traits.items():
        check_name(ctx, name, "trait", key(("traits", name)))
        for column in trait.columns:
            check_name(ctx, column, "column", key(("traits", name, "columns", column)))
        _indexes(ctx, raw, ("traits", name, "indexes"), trait.indexes)
    for name, table in spec.tables.items():
        base = ("tables", name)
        check_name(ctx, name, "table", key(base))
        check_name(ctx, table.schema_, "schema", _value(raw, (*base, "schema")))
        check_name(ctx, table.renamed_from, "table", _value(raw, (*base, "renamed_from")))
        for column, col in table.columns.items():
            check_name(ctx, column, "column", key((*base, "columns", column)))
            at = (*base, "columns", column)
            check_name(ctx, col.renamed_from, "column", _value(raw, (*at, "renamed_from")))
            if col.references is not None:
                span = _value(raw, (*at, "references", "name"))
                check_name(ctx, col.references.name, "foreign key", span)
        for check in table.checks:
            check_name(ctx, check, "check constraint", key((*base, "checks", check)))
        for i, fk in enumerate(table.foreign_keys):
            check_name(ctx, fk.name, "foreign key", _value(raw, (*base, "foreign_keys", i, "name")))
        _indexes(ctx, raw, (*base, "indexes"), table.indexes)
        if isinstance(table.partitions, list):
            for i, partition in enumerate(table.partitions):
                span = _value(raw, (*base, "partitions", i, "name"))
                check_name(ctx, partition.name, "partition", span)
        if table.rls is not None:
            for policy_name, policy in table.rls.policies.items():
                where: Path_ = (*base, "rls", "policies", policy_name)
                check_name(ctx, policy_name, "policy", key(where))
                _roles(ctx, raw, where, policy.roles)
    for kind, what in (("views", "view"), ("materialized_views", "materialized view")):
        for name, view in getattr(spec, kind).items():
            check_name(ctx, name, what, key((kind, name)))
            check_name(ctx, view.schema_, "schema", _value(raw, (kind, name, "schema")))
    for name, matview in spec.materialized_views.items():
        _indexes(ctx, raw, ("materialized_views", name, "indexes"), matview.indexes)
    for name, function in spec.functions.items():
        check_name(ctx, name, "function", key(("functions", name)))
        check_name(ctx, function.schema_, "schema", _value(raw, ("functions", name, "schema")))
    for name in spec.triggers:
        check_name(ctx, name, "trigger", key(("triggers", name)))


def check_names(ctx: Context, documents: Sequence[tuple[RawDoc, DocumentSpec]]) -> None:
    """Every name the documents declare (resolve runs this first)."""
    for raw, spec in documents:
        check_document(ctx, raw, spec)
