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


def _at_value(ctx: Context, raw: RawDoc, name: str | None, what: str, *paths: Path_) -> None:
    """`check_name` at the value written at the first of `paths` (short and long forms differ),
    the span looked up only for a name it reports: nearly every name is fine."""
    if name is None or name_problem(name) is None:
        return
    span = next((raw.spans.value(p) for p in paths if p in raw.spans.values), None)
    check_name(ctx, name, what, span if span is not None else raw.spans.value(paths[0]))


def _at_key(ctx: Context, raw: RawDoc, name: str, what: str, path: Path_) -> None:
    """`check_name` of a mapping key (a table, column or enum named by its key)."""
    if name_problem(name) is not None:
        check_name(ctx, name, what, raw.spans.key(path))


def _indexes(
    ctx: Context, raw: RawDoc, base: Path_, indexes: Sequence[IndexSpec], what: str = "index"
) -> None:
    for i, index in enumerate(indexes):
        _at_value(ctx, raw, index.name, what, (*base, i, "name"))
        _at_value(ctx, raw, index.renamed_from, what, (*base, i, "renamed_from"))


def _roles(ctx: Context, raw: RawDoc, base: Path_, roles: Iterable[str]) -> None:
    for i, role in enumerate(roles):
        _at_value(ctx, raw, role, "role", (*base, "roles", i), (*base, "roles"))


def check_document(ctx: Context, raw: RawDoc, spec: DocumentSpec) -> None:
    """Every name one spec document declares (see the module doc)."""
    _at_value(ctx, raw, spec.schema_, "schema", ("schema",))
    for i, ext in enumerate(spec.extensions):
        _at_value(ctx, raw, ext.name, "extension", ("extensions", i, "name"), ("extensions", i))
        _at_value(ctx, raw, ext.schema_, "schema", ("extensions", i, "schema"))
    for name, enum in spec.enums.items():
        base: Path_ = ("enums", name)
        _at_key(ctx, raw, name, "enum", base)
        _at_value(ctx, raw, enum.schema_, "schema", (*base, "schema"))
        for i, value in enumerate(enum.values):
            _at_value(ctx, raw, value, f"enum {name} value", (*base, "values", i), (*base, i))
        for new, old in enum.renamed_from.items():
            _at_value(ctx, raw, old, f"enum {name} value", (*base, "renamed_from", new))
    for name, trait in spec.traits.items():
        _at_key(ctx, raw, name, "trait", ("traits", name))
        for column in trait.columns:
            _at_key(ctx, raw, column, "column", ("traits", name, "columns", column))
        _indexes(ctx, raw, ("traits", name, "indexes"), trait.indexes)
    for name, table in spec.tables.items():
        base = ("tables", name)
        _at_key(ctx, raw, name, "table", base)
        _at_value(ctx, raw, table.schema_, "schema", (*base, "schema"))
        _at_value(ctx, raw, table.renamed_from, "table", (*base, "renamed_from"))
        for column, col in table.columns.items():
            _at_key(ctx, raw, column, "column", (*base, "columns", column))
            at = (*base, "columns", column)
            _at_value(ctx, raw, col.renamed_from, "column", (*at, "renamed_from"))
            if col.references is not None:
                _at_value(ctx, raw, col.references.name, "foreign key", (*at, "references", "name"))
        for check in table.checks:
            _at_key(ctx, raw, check, "check constraint", (*base, "checks", check))
        for i, fk in enumerate(table.foreign_keys):
            _at_value(ctx, raw, fk.name, "foreign key", (*base, "foreign_keys", i, "name"))
        _indexes(ctx, raw, (*base, "indexes"), table.indexes)
        _partition_names(ctx, raw, base, table.partitions)
        if table.rls is not None:
            for policy_name, policy in table.rls.policies.items():
                where: Path_ = (*base, "rls", "policies", policy_name)
                _at_key(ctx, raw, policy_name, "policy", where)
                _roles(ctx, raw, where, policy.roles)
    for kind, what in (("views", "view"), ("materialized_views", "materialized view")):
        for name, view in getattr(spec, kind).items():
            _at_key(ctx, raw, name, what, (kind, name))
            _at_value(ctx, raw, view.schema_, "schema", (kind, name, "schema"))
    for name, matview in spec.materialized_views.items():
        _indexes(ctx, raw, ("materialized_views", name, "indexes"), matview.indexes)
    for name, function in spec.functions.items():
        _at_key(ctx, raw, name, "function", ("functions", name))
        _at_value(ctx, raw, function.schema_, "schema", ("functions", name, "schema"))
    for name, procedure in spec.procedures.items():
        _at_key(ctx, raw, name, "procedure", ("procedures", name))
        _at_value(ctx, raw, procedure.schema_, "schema", ("procedures", name, "schema"))
    for name in spec.triggers:
        _at_key(ctx, raw, name, "trigger", ("triggers", name))


def check_names(ctx: Context, documents: Sequence[tuple[RawDoc, DocumentSpec]]) -> None:
    """Every name the documents declare (resolve runs this first)."""
    for raw, spec in documents:
        check_document(ctx, raw, spec)


def _partition_names(ctx: Context, raw: RawDoc, base: Path_, partitions: object) -> None:
    """The names of explicit partitions, sub-partitions included."""
    if isinstance(partitions, list):
        for i, partition in enumerate(partitions):
            _at_value(ctx, raw, partition.name, "partition", (*base, "partitions", i, "name"))
            _partition_names(ctx, raw, (*base, "partitions", i), partition.partitions)
