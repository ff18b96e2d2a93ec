"""Extensions, enums, views, materialized views, functions and triggers as spec values."""

from __future__ import annotations

from typing import Any

from schemac.importer.context import Context
from schemac.importer.emit import Flow
from schemac.importer.tables import index_spec
from schemac.model.schema import (
    Composite,
    Domain,
    Enum,
    Extension,
    Function,
    MaterializedView,
    Sequence,
    Trigger,
    View,
)
from schemac.resolve.sequences import TYPE_RANGE

#: languages whose functions are not a body in a dollar-quoted string (their gap says why)
_NOT_WRITTEN_LANGUAGES = frozenset({"c", "internal"})
_SQL_STANDARD_BODY = ("BEGIN ATOMIC", "RETURN ")


def extension_spec(ext: Extension) -> Any:
    if ext.schema_name in (None, "public"):
        return ext.name
    return Flow({"name": ext.name, "schema": ext.schema_name})


def enum_spec(enum: Enum) -> Any:
    if enum.description is None:
        return Flow(list(enum.values))
    return {"values": Flow(list(enum.values)), "description": enum.description}


def view_spec(view: View) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if view.description is not None:
        spec["description"] = view.description
    spec["query"] = view.query + "\n"
    return spec


def matview_spec(view: MaterializedView) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if view.description is not None:
        spec["description"] = view.description
    spec["query"] = view.query + "\n"
    if view.indexes:
        spec["indexes"] = [index_spec(index, view.name, None) for index in view.indexes]
    return spec


def identity(ctx: Context, fn: Function) -> str:
    """`name(argument types)`, how warnings name a function."""
    args = ctx.catalog.function_identities.get((fn.schema_name, fn.name, fn.arguments))
    return f"{fn.name}({fn.arguments if args is None else args})"


def writable(fn: Function) -> bool:
    """False for functions the format cannot hold (the gap queries report why)."""
    if fn.language.lower() in _NOT_WRITTEN_LANGUAGES:
        return False
    return not (fn.language.lower() == "sql" and fn.body.lstrip().startswith(_SQL_STANDARD_BODY))


def functions_spec(ctx: Context, functions: list[Function]) -> dict[str, Any]:
    """The functions of one schema, keyed by name: the format names a function by its name
    alone, so of overloads only the first (by argument types) is written."""
    written: dict[str, Any] = {}
    for fn in functions:
        if not writable(fn):
            continue
        if fn.name in written:
            ctx.gap(
                "function",
                fn.schema_name,
                identity(ctx, fn),
                f"the spec format keys functions by name, and another {fn.name} is imported",
                whole=True,
            )
            continue
        written[fn.name] = function_spec(ctx, fn)
        ctx.functions.add(fn.qualified_name)
    return written


def function_spec(ctx: Context, fn: Function) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if fn.description is not None:
        spec["description"] = fn.description
    if fn.arguments:
        spec["arguments"] = fn.arguments
    spec["returns"] = fn.returns
    if fn.language != "plpgsql":
        spec["language"] = fn.language
    if fn.volatility != "volatile":
        spec["volatility"] = fn.volatility
    if fn.security_definer:
        spec["security_definer"] = True
    # the migration writes the body between two line breaks, whatever was around it
    if fn.body != "\n" + fn.body.strip("\n") + "\n":
        ctx.gap(
            "function",
            fn.schema_name,
            identity(ctx, fn),
            "without the exact line breaks around its body (a migration writes the body "
            "between two line breaks)",
        )
    spec["body"] = fn.body.strip("\n") + "\n"
    return spec


def triggers_spec(ctx: Context, triggers: list[Trigger]) -> dict[str, Any]:
    """The triggers on the tables of one schema, keyed by name: the format keys triggers by
    name within a file, so of triggers sharing a name only the first (by table) is written."""
    written: dict[str, Any] = {}
    for trig in triggers:
        table = f"{trig.table_schema}.{trig.table}"
        if table not in ctx.tables:
            continue  # on a view, a foreign table or a partition: the gap queries report it
        subject = f"{trig.name} on {trig.table}"
        function = f"{trig.function_schema}.{trig.function}"
        if trig.function_schema != "pg_catalog" and function not in ctx.functions:
            ctx.gap(
                "trigger",
                trig.table_schema,
                subject,
                f"its function {function} is not imported",
                whole=True,
            )
            continue
        if trig.name in written:
            other = written[trig.name].value["table"]
            ctx.gap(
                "trigger",
                trig.table_schema,
                subject,
                f"the spec format keys triggers by name, and {trig.name} on {other} is imported",
                whole=True,
            )
            continue
        written[trig.name] = trigger_spec(trig)
    return written


def trigger_spec(trig: Trigger) -> Flow:
    spec: dict[str, Any] = {"table": trig.table, "timing": trig.timing}
    spec["events"] = Flow(list(trig.events))
    if trig.for_each != "row":
        spec["for_each"] = trig.for_each
    spec["function"] = (
        trig.function
        if trig.function_schema == trig.table_schema
        else (f"{trig.function_schema}.{trig.function}")
    )
    if trig.when is not None:
        spec["when"] = trig.when
    if trig.description is not None:
        spec["description"] = trig.description
    return Flow(spec)


def sequence_spec(seq: Sequence) -> Flow:
    """A sequence with the options that are not PostgreSQL's defaults for its type and
    direction (what the resolver fills in again)."""
    spec: dict[str, Any] = {"as": seq.data_type}
    ascending = seq.increment > 0
    low, high = TYPE_RANGE[seq.data_type]
    if seq.increment != 1:
        spec["increment"] = seq.increment
    if seq.min_value != (1 if ascending else low):
        spec["min"] = seq.min_value
    if seq.max_value != (high if ascending else -1):
        spec["max"] = seq.max_value
    if seq.start != (seq.min_value if ascending else seq.max_value):
        spec["start"] = seq.start
    if seq.cache != 1:
        spec["cache"] = seq.cache
    if seq.cycle:
        spec["cycle"] = True
    if seq.owned_by is not None:
        spec["owned_by"] = ".".join(seq.owned_by)
    if seq.description is not None:
        spec["description"] = seq.description
    return Flow(spec)


def domain_spec(domain: Domain) -> Flow | dict[str, Any]:
    spec: dict[str, Any] = {"type": domain.type}
    if domain.not_null:
        spec["not_null"] = True
    if domain.default is not None:
        spec["default"] = domain.default
    if domain.collation is not None:
        spec["collation"] = domain.collation
    if domain.checks:
        spec["checks"] = {check.name: check.expression for check in domain.checks}
    if domain.description is not None:
        spec["description"] = domain.description
    return Flow(spec) if "checks" not in spec and "description" not in spec else spec


def composite_spec(comp: Composite) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if comp.description is not None:
        spec["description"] = comp.description
    spec["attributes"] = {
        a.name: a.type if a.collation is None else Flow({"type": a.type, "collation": a.collation})
        for a in comp.attributes
    }
    return spec
