"""Static checks of triggers (codes E130-E136): what CREATE TRIGGER would refuse.

Unknown tables and functions are reported where triggers are resolved (objects.py, SC309); these
checks take a trigger whose names resolve and judge what PostgreSQL judges next.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemac.load.loader import RawDoc
from schemac.model.schema import Function, MaterializedView, Table
from schemac.resolve import routines, sqltree
from schemac.resolve.context import Context, Located
from schemac.spec.models import DocumentSpec, TriggerSpec

_RETURNS_TRIGGER = ("trigger", "pg_catalog.trigger")


def check_triggers(
    ctx: Context,
    documents: Sequence[tuple[RawDoc, DocumentSpec]],
    tables: dict[str, Table],
    functions: Sequence[Function],
    matviews: Sequence[MaterializedView],
) -> None:
    by_name = {f.qualified_name: f for f in functions}
    matview_names = {m.qualified_name for m in matviews}
    for raw, spec in documents:
        schema = spec.schema_ or "public"
        for name, trigger in spec.triggers.items():
            where = Located(raw, spec, ("triggers", name))
            draft = ctx.find_table(trigger.table, schema)
            table = tables.get(draft.qualified_name) if draft is not None else None
            view = _view(ctx, trigger.table, schema) if table is None else None
            if table is None and view is None:
                continue  # reported as an unknown table
            if view in matview_names:
                # PostgreSQL: relation "mv" cannot have triggers
                ctx.error(
                    "E134",
                    f'trigger {name}: relation "{trigger.table}" cannot have triggers '
                    "(it is a materialized view)",
                    where.span("table"),
                    "put the trigger on the tables the materialized view reads",
                )
                continue
            _check_function(ctx, name, trigger, where, schema, by_name)
            _check_kind(ctx, name, trigger, where, is_view=view is not None)
            routines.check_trigger_options(ctx, name, trigger, where, table)
            if trigger.when:
                columns = tuple(c.name for c in table.columns) if table is not None else None
                _check_when(ctx, name, trigger, where, columns)


def _view(ctx: Context, ref: str, schema: str) -> str | None:
    if "." in ref:
        return ref if ref in ctx.views else None
    if f"{schema}.{ref}" in ctx.views:
        return f"{schema}.{ref}"
    return next((v for v in sorted(ctx.views) if v.split(".", 1)[1] == ref), None)


def _check_function(
    ctx: Context,
    name: str,
    trigger: TriggerSpec,
    where: Located,
    schema: str,
    functions: dict[str, Function],
) -> None:
    fn_schema, _, fn_name = trigger.function.rpartition(".")
    fn_name = fn_name.removesuffix("()")
    fn = functions.get(f"{fn_schema or schema}.{fn_name}") or functions.get(f"public.{fn_name}")
    if fn is not None and fn.returns.strip().lower() not in _RETURNS_TRIGGER:
        # PostgreSQL: function f must return type trigger
        ctx.error(
            "E130",
            f"trigger {name}: function {fn_name} must return type trigger "
            f"(it returns {fn.returns})",
            where.span("function"),
            f"declare {fn_name} with 'returns: trigger', or call a trigger function",
        )


def _check_kind(
    ctx: Context, name: str, trigger: TriggerSpec, where: Located, is_view: bool
) -> None:
    timing = trigger.timing.replace("_", " ")
    row = trigger.for_each == "row"
    if "truncate" in trigger.events and row:
        # PostgreSQL: TRUNCATE FOR EACH ROW triggers are not supported
        ctx.error(
            "E133",
            f"trigger {name}: TRUNCATE FOR EACH ROW triggers are not supported",
            where.span("for_each") if "for_each" in _written(where) else where.span("events"),
            "use 'for_each: statement' for a TRUNCATE trigger",
        )
    if timing == "instead of" and not is_view:
        # PostgreSQL: "t" is a table (with the detail: tables cannot have INSTEAD OF triggers)
        ctx.error(
            "E134",
            f'trigger {name}: "{trigger.table}" is a table, and tables cannot have INSTEAD OF '
            "triggers",
            where.span("timing"),
            "use 'timing: before' (or after) on a table; INSTEAD OF is for views",
        )
    elif timing != "instead of" and is_view and row:
        # PostgreSQL: "v" is a view (with the detail: views cannot have row-level BEFORE or
        # AFTER triggers)
        ctx.error(
            "E134",
            f'trigger {name}: "{trigger.table}" is a view, and views cannot have row-level '
            f"{timing.upper()} triggers",
            where.span("timing"),
            "use 'timing: instead of' on a view, or 'for_each: statement'",
        )
    elif timing == "instead of" and not row:
        # PostgreSQL: INSTEAD OF triggers must be FOR EACH ROW
        ctx.error(
            "E134",
            f"trigger {name}: INSTEAD OF triggers must be FOR EACH ROW",
            where.span("for_each"),
            "use 'for_each: row'",
        )
    if timing == "instead of" and trigger.when:
        # PostgreSQL: INSTEAD OF triggers cannot have WHEN conditions
        ctx.error(
            "E136",
            f"trigger {name}: INSTEAD OF triggers cannot have WHEN conditions",
            where.span("when"),
            "test the condition inside the trigger function",
        )


def _written(where: Located) -> set[str]:
    """The keys written in the spec object (defaults are not)."""
    value: object = where.doc.data
    for key in where.path:
        value = value.get(key, {}) if isinstance(value, dict) else {}
    return set(value) if isinstance(value, dict) else set()


def _check_when(
    ctx: Context,
    name: str,
    trigger: TriggerSpec,
    where: Located,
    columns: tuple[str, ...] | None,
) -> None:
    tree = sqltree.expression(trigger.when.strip()) if trigger.when else None
    if tree is None or trigger.timing.replace("_", " ") == "instead of":
        return
    span = where.span("when")
    problem = None
    if sqltree.has_subquery(tree):
        problem = "E135", "cannot use subquery in trigger WHEN condition"
    for fields in sqltree.column_refs(tree):
        if problem is not None:
            break
        problem = _reference_problem(trigger, fields, columns)
    if problem is not None:
        code, message = problem
        ctx.error(code, f"trigger {name}: {message}", span, _HINTS[code])


_HINTS = {
    "E131": "an INSERT has no OLD row and a DELETE no NEW row: split the trigger by event",
    "E132": "a statement trigger sees no rows: use 'for_each: row', or drop the reference",
    "E135": "write NEW.column or OLD.column with a column of the table",
}


def _reference_problem(
    trigger: TriggerSpec, fields: list[str | None], columns: tuple[str, ...] | None
) -> tuple[str, str] | None:
    """What PostgreSQL says about one column reference of a WHEN condition, if anything."""
    head = fields[0]
    if trigger.for_each == "statement":
        if head in ("new", "old"):
            # PostgreSQL: statement trigger's WHEN condition cannot reference column values
            return "E132", "statement trigger's WHEN condition cannot reference column values"
        return None
    if head == "old" and "insert" in trigger.events:
        # PostgreSQL: INSERT trigger's WHEN condition cannot reference OLD values
        return "E131", "INSERT trigger's WHEN condition cannot reference OLD values"
    if head == "new" and "delete" in trigger.events:
        # PostgreSQL: DELETE trigger's WHEN condition cannot reference NEW values
        return "E131", "DELETE trigger's WHEN condition cannot reference NEW values"
    if columns is None or head is None:
        return None
    if len(fields) == 1 and head not in ("new", "old"):
        # PostgreSQL: column reference "a" is ambiguous (NEW and OLD both have it) /
        # column "a" does not exist
        if head in columns:
            return "E135", f'column reference "{head}" is ambiguous (NEW.{head} or OLD.{head}?)'
        return "E135", f'column "{head}" does not exist'
    column = fields[1] if len(fields) == 2 else None
    if head in ("new", "old") and column is not None:
        if column in sqltree.SYSTEM_COLUMNS:
            if head == "new" and trigger.timing == "before":
                # PostgreSQL: BEFORE trigger's WHEN condition cannot reference NEW system columns
                return "E135", "BEFORE trigger's WHEN condition cannot reference NEW system columns"
        elif column not in columns:
            # PostgreSQL: column new.x does not exist
            return "E135", f"column {head}.{column} does not exist"
    return None
