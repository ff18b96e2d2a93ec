"""Function attributes and trigger options beyond the basics (codes E171-E176).

Function settings (`set: {search_path: "pg_catalog, public"}`) are kept as pg_proc.proconfig
holds them, so that a spec and the database it built compare equal; trigger options are judged
as CREATE TRIGGER would judge them (transition tables, UPDATE OF columns).
"""

from __future__ import annotations

import re

from schemac.model.routines import LIST_SETTINGS, list_elements, setting_text
from schemac.model.schema import Table
from schemac.resolve.context import Context, Located
from schemac.spec.models import FunctionSpec, TriggerSpec

#: a configuration parameter's name as SET takes it unquoted: a name, or `prefix.name`
_SETTING_NAME = re.compile(r"[a-z_][a-z0-9_$]*(?:\.[a-z_][a-z0-9_$]*)*")


def _list_text(elements: list[str]) -> str:
    """A list setting as proconfig holds it: names joined by ", ", quoted where they must be."""
    return ", ".join(
        e if re.fullmatch(r"[a-z_][a-z0-9_$]*", e) else '"' + e.replace('"', '""') + '"'
        for e in elements
    )


def function_settings(
    ctx: Context, name: str, spec: FunctionSpec, where: Located
) -> tuple[tuple[str, str], ...]:
    """The `set:` mapping as (name, value) pairs in proconfig's spelling; bad ones reported."""
    out: list[tuple[str, str]] = []
    for setting, raw in spec.set.items():
        span = where.key_span("set", setting)
        if not _SETTING_NAME.fullmatch(setting):
            ctx.error(
                "E171",
                f"function {name}: '{setting}' is not a configuration parameter name",
                span,
                "write the parameter as SHOW takes it, in lower case: search_path, "
                "work_mem, or a custom one like app.tenant_id",
            )
            continue
        value = setting_text(raw)
        if "\x00" in value or "\n" in value or "\r" in value:
            ctx.error(
                "E172",
                f"function {name}: the value of {setting} must be one line of text",
                where.span("set", setting),
                "write the value on one line, without control characters",
            )
            continue
        if setting in LIST_SETTINGS:
            elements = list_elements(value)
            if elements is None:
                ctx.error(
                    "E172",
                    f"function {name}: {setting} must be a list of names, like "
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
            "E173",
            f"function {name}: ROWS is not applicable when function does not return a set",
            where.span("rows"),
            "drop 'rows', or return SETOF type / TABLE (...)",
        )


def check_trigger_options(
    ctx: Context, name: str, spec: TriggerSpec, where: Located, table: Table | None
) -> None:
    """UPDATE OF and REFERENCING, as CREATE TRIGGER judges them."""
    timing = spec.timing.replace("_", " ")
    if spec.update_of:
        if "update" not in spec.events:
            # PostgreSQL's grammar has no column list but on UPDATE
            ctx.error(
                "E174",
                f"trigger {name}: update_of needs the update event",
                where.span("update_of"),
                "add update to events, or drop update_of",
            )
        seen: set[str] = set()
        for i, column in enumerate(spec.update_of):
            if column in seen:
                # PostgreSQL: column "c" specified more than once
                ctx.error(
                    "E174",
                    f'trigger {name}: column "{column}" specified more than once',
                    where.span("update_of", i),
                    "list each column once",
                )
            seen.add(column)
            if table is not None and column not in {c.name for c in table.columns}:
                # PostgreSQL: column "c" of relation "t" does not exist
                ctx.error(
                    "E174",
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
        ctx.error("E175", f"trigger {name}: {problem}", span, hint)
