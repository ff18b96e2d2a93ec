"""Function attributes, trigger options and aggregates (codes E191-E196; E230 for a constraint
trigger's shape and deferral).

Function settings (`set: {search_path: "pg_catalog, public"}`) are kept as pg_proc.proconfig
holds them, so that a spec and the database it built compare equal; trigger options are judged
as CREATE TRIGGER would judge them (transition tables, UPDATE OF columns).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from schemac.load.loader import RawDoc
from schemac.model import fragments
from schemac.model.canonical import canonical_type_text
from schemac.model.construct import construct
from schemac.model.routines import LIST_SETTINGS, list_elements, setting_text
from schemac.model.schema import Aggregate, Function, Table
from schemac.resolve.context import Context, Located
from schemac.spec.models import AggregateSpec, DocumentSpec, FunctionSpec, RoutineSpec, TriggerSpec

#: a configuration parameter's name as SET takes it unquoted: a name, or `prefix.name`
_SETTING_NAME = re.compile(r"[a-z_][a-z0-9_$]*(?:\.[a-z_][a-z0-9_$]*)*")


def _list_text(elements: list[str]) -> str:
    """A list setting as proconfig holds it: names joined by ", ", quoted where they must be."""
    return ", ".join(
        e if re.fullmatch(r"[a-z_][a-z0-9_$]*", e) else '"' + e.replace('"', '""') + '"'
        for e in elements
    )


def function_settings(
    ctx: Context, what: str, spec: RoutineSpec, where: Located
) -> tuple[tuple[str, str], ...]:
    """The `set:` mapping as (name, value) pairs in proconfig's spelling; bad ones reported
    (`what` names the routine: "function f", "procedure p")."""
    out: list[tuple[str, str]] = []
    for setting, raw in spec.set.items():
        span = where.key_span("set", setting)
        if not _SETTING_NAME.fullmatch(setting):
            ctx.error(
                "E191",
                f"{what}: '{setting}' is not a configuration parameter name",
                span,
                "write the parameter as SHOW takes it, in lower case: search_path, "
                "work_mem, or a custom one like app.tenant_id",
            )
            continue
        value = setting_text(raw)
        if "\x00" in value or "\n" in value or "\r" in value:
            ctx.error(
                "E192",
                f"{what}: the value of {setting} must be one line of text",
                where.span("set", setting),
                "write the value on one line, without control characters",
            )
            continue
        if setting in LIST_SETTINGS:
            elements = list_elements(value)
            if elements is None:
                ctx.error(
                    "E192",
                    f"{what}: {setting} must be a list of names, like "
                    f"'pg_catalog, public' (read: {value!r})",
                    where.span("set", setting),
                    'separate names with commas; quote a name with double quotes ("$user")',
                )
                continue
            value = _list_text(elements)
        out.append((setting, value))
    return tuple(out)


def check_function_attributes(ctx: Context, name: str, spec: FunctionSpec, where: Located) -> None:
    """What CREATE FUNCTION refuses among the attributes the format holds."""
    returns_set = spec.returns.strip().lower().startswith(("setof ", "table"))
    if spec.rows is not None and not returns_set:
        # PostgreSQL: ROWS is not applicable when function does not return a set
        ctx.error(
            "E193",
            f"function {name}: ROWS is not applicable when function does not return a set",
            where.span("rows"),
            "drop 'rows', or return SETOF type / TABLE (...)",
        )


def check_trigger_options(
    ctx: Context, name: str, spec: TriggerSpec, where: Located, table: Table | None
) -> None:
    """UPDATE OF, REFERENCING and CONSTRAINT, as CREATE TRIGGER judges them."""
    timing = spec.timing.replace("_", " ")
    _check_constraint_trigger(ctx, name, spec, where, timing)
    if spec.update_of:
        if "update" not in spec.events:
            # PostgreSQL's grammar has no column list but on UPDATE
            ctx.error(
                "E194",
                f"trigger {name}: update_of needs the update event",
                where.span("update_of"),
                "add update to events, or drop update_of",
            )
        seen: set[str] = set()
        for i, column in enumerate(spec.update_of):
            if column in seen:
                # PostgreSQL: column "c" specified more than once
                ctx.error(
                    "E194",
                    f'trigger {name}: column "{column}" specified more than once',
                    where.span("update_of", i),
                    "list each column once",
                )
            seen.add(column)
            if table is not None and column not in {c.name for c in table.columns}:
                # PostgreSQL: column "c" of relation "t" does not exist
                ctx.error(
                    "E194",
                    f'trigger {name}: column "{column}" of relation "{table.name}" does not exist',
                    where.span("update_of", i),
                    "name a column of the table",
                )
    ref = spec.referencing
    if ref is None:
        return
    span = where.span("referencing")
    problem: str | None = None
    hint = ""
    events = set(spec.events)
    if ref.old_table is None and ref.new_table is None:
        problem, hint = "referencing names no table", "write old_table, new_table or both"
    elif timing != "after":
        # PostgreSQL: transition table name can only be specified for an AFTER trigger
        problem = "transition table name can only be specified for an AFTER trigger"
        hint = "use 'timing: after', or drop referencing"
    elif table is None:
        # PostgreSQL: "v" is a view (Triggers on views cannot have transition tables.)
        problem = f'"{spec.table}" is a view, and triggers on views cannot have transition tables'
        hint = "put the trigger on a table"
    elif "truncate" in events:
        # PostgreSQL: TRUNCATE triggers with transition tables are not supported
        problem = "TRUNCATE triggers with transition tables are not supported"
        hint = "make a separate trigger for truncate"
    elif len(events) > 1:
        # PostgreSQL: transition tables cannot be specified for triggers with more than one event
        problem = "transition tables cannot be specified for triggers with more than one event"
        hint = "make one trigger per event"
    elif spec.update_of:
        # PostgreSQL: transition tables cannot be specified for triggers with column lists
        problem = "transition tables cannot be specified for triggers with column lists"
        hint = "drop update_of, or referencing"
    elif ref.old_table is not None and not events & {"update", "delete"}:
        # PostgreSQL: OLD TABLE can only be specified for a DELETE or UPDATE trigger
        problem = "OLD TABLE can only be specified for a DELETE or UPDATE trigger"
        hint = "drop old_table: an INSERT has no old rows"
    elif ref.new_table is not None and not events & {"update", "insert"}:
        # PostgreSQL: NEW TABLE can only be specified for an INSERT or UPDATE trigger
        problem = "NEW TABLE can only be specified for an INSERT or UPDATE trigger"
        hint = "drop new_table: a DELETE has no new rows"
    elif ref.old_table == ref.new_table:
        # PostgreSQL: OLD TABLE name and NEW TABLE name cannot be the same
        problem = "OLD TABLE name and NEW TABLE name cannot be the same"
        hint = "give the two transition tables different names"
    elif table.partitioning is not None and spec.for_each == "row":
        # PostgreSQL: ROW triggers with transition tables are not supported on partitioned
        # tables' partitions
        problem = "ROW triggers with transition tables are not supported on partitioned tables"
        hint = "use 'for_each: statement'"
    if problem is not None:
        ctx.error("E195", f"trigger {name}: {problem}", span, hint)


def _check_constraint_trigger(
    ctx: Context, name: str, spec: TriggerSpec, where: Located, timing: str
) -> None:
    if not spec.constraint:
        if spec.deferrable is not False:
            # only CREATE CONSTRAINT TRIGGER takes DEFERRABLE
            ctx.error(
                "E230",
                f"trigger {name}: only a constraint trigger can be deferrable",
                where.span("deferrable"),
                "add 'constraint: true', or drop deferrable",
            )
        return
    # PostgreSQL's grammar: CREATE CONSTRAINT TRIGGER ... AFTER ... FOR EACH ROW, without
    # REFERENCING (a syntax error otherwise)
    for key, wrong, hint in (
        ("timing", timing != "after", "use 'timing: after'"),
        ("for_each", spec.for_each != "row", "use 'for_each: row'"),
        ("referencing", spec.referencing is not None, "drop referencing"),
    ):
        if wrong:
            ctx.error(
                "E230",
                f"trigger {name}: a constraint trigger is AFTER ... FOR EACH ROW, without "
                "transition tables",
                where.span(key),
                hint,
            )


_FUNCTION_NAME = re.compile(r"(?:([A-Za-z_][A-Za-z0-9_$]*)\.)?([A-Za-z_][A-Za-z0-9_$]*)")


def resolve_aggregates(
    ctx: Context,
    documents: Sequence[tuple[RawDoc, DocumentSpec]],
    functions: Sequence[Function],
) -> list[Aggregate]:
    """The `aggregates:` of every document; the state and final functions are spec functions
    (in the aggregate's schema, then public) or built-ins (pg_catalog)."""
    declared = {f.qualified_name for f in functions}
    out: list[Aggregate] = []
    for raw, spec in documents:
        for name, agg in spec.aggregates.items():
            schema = agg.schema_ or spec.schema_ or "public"
            where = Located(raw, spec, ("aggregates", name))
            if not ctx.register("function", schema, name, where.key_span(), "aggregate"):
                continue
            ctx.check_length(name, f"aggregate {name}", where.key_span(), derived=False)
            resolved = _aggregate(ctx, name, agg, where, schema, declared)
            if resolved is not None:
                out.append(resolved)
    return out


def function_ref(
    ctx: Context,
    what: str,
    ref: str,
    where: Located,
    key: str,
    schema: str,
    declared: Collection[str],
    code: str,
    *,
    qualified_declared: bool = False,
) -> tuple[str, str] | None:
    """(schema, name) of the function `ref` an aggregate or operator (`what`, e.g.
    "aggregate max2") names under `key`: a spec function in `schema`, then public, else a
    built-in (pg_catalog). With `qualified_declared`, a qualified name outside pg_catalog must
    be a spec function."""
    match = _FUNCTION_NAME.fullmatch(ref.strip().removesuffix("()"))
    if match is None:
        ctx.error(
            code,
            f"{what}: {key} must be a function name, not '{ref}'",
            where.span(key),
            "write the function's name, or schema.name",
        )
        return None
    fn_schema, fn_name = match.groups()
    if fn_schema is not None:
        if (
            qualified_declared
            and fn_schema != "pg_catalog"
            and f"{fn_schema}.{fn_name}" not in declared
        ):
            ctx.error(
                code,
                f"{what}: {key} {fn_schema}.{fn_name} is not a function of the specs",
                where.span(key),
                "declare it under functions:, or name a built-in function",
            )
            return None
        return fn_schema, fn_name
    for candidate in (schema, "public"):
        if f"{candidate}.{fn_name}" in declared:
            return candidate, fn_name
    return "pg_catalog", fn_name


def _aggregate(
    ctx: Context,
    name: str,
    spec: AggregateSpec,
    where: Located,
    schema: str,
    declared: set[str],
) -> Aggregate | None:
    arguments, stype = spec.arguments.strip(), spec.stype.strip()
    problems = [
        (
            "arguments",
            fragments.arguments_problem(arguments),
            "write the argument types, e.g. text",
        ),
        ("stype", fragments.returns_problem(stype), "write one type, e.g. text or integer[]"),
    ]
    bad = False
    for key, problem, hint in problems:
        if problem is not None:
            ctx.error(
                "E196",
                f"aggregate {name}: {key} must be one {key}: {problem}",
                where.span(key),
                hint,
            )
            bad = True
    sfunc = function_ref(
        ctx, f"aggregate {name}", spec.sfunc, where, "sfunc", schema, declared, "E196"
    )
    finalfunc = (
        function_ref(
            ctx, f"aggregate {name}", spec.finalfunc, where, "finalfunc", schema, declared, "E196"
        )
        if spec.finalfunc is not None
        else None
    )
    if bad or sfunc is None or (spec.finalfunc is not None and finalfunc is None):
        return None
    return construct(
        Aggregate,
        schema_name=schema,
        name=name,
        arguments=arguments,
        sfunc_schema=sfunc[0],
        sfunc=sfunc[1],
        stype=canonical_type_text(stype),
        finalfunc_schema=finalfunc[0] if finalfunc else None,
        finalfunc=finalfunc[1] if finalfunc else None,
        initcond=setting_text(spec.initcond) if spec.initcond is not None else None,
        parallel=spec.parallel,
        description=spec.description,
        span=where.key_span(),
    )
