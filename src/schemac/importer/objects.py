"""Extensions, enums, views, materialized views, functions and triggers as spec values."""

from __future__ import annotations

from typing import Any

from schemac.importer.context import Context
from schemac.importer.emit import Flow
from schemac.importer.tables import index_spec
from schemac.model.canonical import without_in_modes
from schemac.model.schema import (
    SEQUENCE_TYPE_RANGE,
    Aggregate,
    Composite,
    Domain,
    Enum,
    Extension,
    Function,
    MaterializedView,
    Operator,
    Sequence,
    Trigger,
    View,
)

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
    identities = ctx.catalog.function_identities
    args = identities.get((fn.schema_name, fn.name, fn.arguments))
    if args is None and fn.is_procedure:
        # the catalog writes a procedure's IN modes, the model leaves them out
        args = next(
            (
                identity
                for (schema, name, arguments), identity in identities.items()
                if (schema, name) == (fn.schema_name, fn.name)
                and without_in_modes(arguments) == fn.arguments
            ),
            None,
        )
    return f"{fn.name}({fn.arguments if args is None else args})"


def writable(fn: Function) -> bool:
    """False for functions the format cannot hold (the gap queries report why)."""
    if fn.language.lower() in _NOT_WRITTEN_LANGUAGES:
        return False
    return not (fn.language.lower() == "sql" and fn.body.lstrip().startswith(_SQL_STANDARD_BODY))


def functions_spec(ctx: Context, functions: list[Function]) -> dict[str, Any]:
    """The functions and procedures of one schema, keyed by name: the format names a function
    by its name alone, so of overloads only the first (by argument types) is written (the
    procedures among them are in ctx.procedures)."""
    written: dict[str, Any] = {}
    for fn in functions:
        if not writable(fn):
            continue
        if fn.name in written:
            ctx.gap(
                fn.kind,
                fn.schema_name,
                identity(ctx, fn),
                f"the spec format keys functions and procedures by name, and another "
                f"{fn.name} is imported",
                whole=True,
            )
            continue
        written[fn.name] = function_spec(ctx, fn)
        (ctx.procedures if fn.is_procedure else ctx.functions).add(fn.qualified_name)
    return written


def function_spec(ctx: Context, fn: Function) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if fn.description is not None:
        spec["description"] = fn.description
    if fn.arguments:
        spec["arguments"] = fn.arguments
    if not fn.is_procedure:
        spec["returns"] = fn.returns
    if fn.language != "plpgsql":
        spec["language"] = fn.language
    if fn.volatility != "volatile":
        spec["volatility"] = fn.volatility
    if fn.security_definer:
        spec["security_definer"] = True
    spec.update(function_attributes(fn))
    # a migration writes a body between two line breaks, unless it is verbatim
    inner = fn.body.strip("\n") + "\n"
    if fn.body != "\n" + inner or inner == "\n":
        spec["verbatim"] = True
        inner = fn.body
    spec["body"] = inner
    return spec


def function_attributes(fn: Function) -> dict[str, Any]:
    """The keys of the attributes that are not PostgreSQL's defaults."""
    spec: dict[str, Any] = {}
    if fn.strict:
        spec["strict"] = True
    if fn.leakproof:
        spec["leakproof"] = True
    if fn.parallel != "unsafe":
        spec["parallel"] = fn.parallel
    for key, value in (("cost", fn.cost), ("rows", fn.rows)):
        if value is not None:
            spec[key] = int(value) if value.is_integer() else value
    if fn.settings:
        spec["set"] = Flow(dict(fn.settings))
    return spec


def triggers_spec(ctx: Context, triggers: list[Trigger]) -> dict[str, Any]:
    """The triggers on the tables of one schema, keyed by name; a name that several tables'
    triggers share is keyed `{table}_{name}` (with `name:`) for each of them."""
    written: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for trig in triggers:
        counts[trig.name] = counts.get(trig.name, 0) + 1
    taken = {t.name for t in triggers if counts[t.name] == 1}
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
        if counts[trig.name] == 1:
            written[trig.name] = trigger_spec(trig)
            continue
        key, n = f"{trig.table}_{trig.name}", 1
        while key in taken or key in written:
            n += 1
            key = f"{trig.table}_{trig.name}_{n}"
        written[key] = trigger_spec(trig, named=True)
    return written


def trigger_spec(trig: Trigger, *, named: bool = False) -> Flow:
    spec: dict[str, Any] = {"name": trig.name} if named else {}
    spec.update({"table": trig.table, "timing": trig.timing})
    spec["events"] = Flow(list(trig.events))
    if trig.update_of:
        spec["update_of"] = Flow(list(trig.update_of))
    if trig.for_each != "row":
        spec["for_each"] = trig.for_each
    if trig.old_table is not None or trig.new_table is not None:
        referencing = {"old_table": trig.old_table, "new_table": trig.new_table}
        spec["referencing"] = Flow({k: v for k, v in referencing.items() if v is not None})
    spec["function"] = (
        trig.function
        if trig.function_schema == trig.table_schema
        else (f"{trig.function_schema}.{trig.function}")
    )
    if trig.arguments:
        spec["arguments"] = Flow(list(trig.arguments))
    if trig.when is not None:
        spec["when"] = trig.when
    if trig.constraint:
        spec["constraint"] = True
    if trig.deferrable:
        spec["deferrable"] = True if trig.initially_deferred else "initially_immediate"
    if trig.description is not None:
        spec["description"] = trig.description
    return Flow(spec)


def sequence_spec(seq: Sequence) -> Flow:
    """A sequence with the options that are not PostgreSQL's defaults for its type and
    direction (what the resolver fills in again)."""
    spec: dict[str, Any] = {"as": seq.data_type}
    ascending = seq.increment > 0
    low, high = SEQUENCE_TYPE_RANGE[seq.data_type]
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
        spec["checks"] = {
            check.name: check.expression
            if check.valid
            else Flow({"expression": check.expression, "valid": False})
            for check in domain.checks
        }
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


def aggregates_spec(
    ctx: Context, aggregates: list[Aggregate], functions: dict[str, Any]
) -> dict[str, Any]:
    """The aggregates of one schema, keyed by name beside the functions (one namespace)."""
    written: dict[str, Any] = {}
    for agg in aggregates:
        subject = f"{agg.name}({agg.arguments})"
        calls = [(agg.sfunc_schema, agg.sfunc)]
        if agg.finalfunc is not None:
            calls.append((agg.finalfunc_schema or "pg_catalog", agg.finalfunc))
        missing = [
            f"{s}.{n}" for s, n in calls if s != "pg_catalog" and f"{s}.{n}" not in ctx.functions
        ]
        if missing:
            ctx.gap(
                "aggregate",
                agg.schema_name,
                subject,
                f"its function {missing[0]} is not imported",
                whole=True,
            )
            continue
        if agg.name in written or agg.name in functions:
            ctx.gap(
                "aggregate",
                agg.schema_name,
                subject,
                f"the spec format keys aggregates and functions by name, and another "
                f"{agg.name} is imported",
                whole=True,
            )
            continue
        written[agg.name] = aggregate_spec(agg)
    return written


def _called(home: str, schema: str | None, name: str) -> str:
    """A function an aggregate or operator of schema `home` calls, as its spec names it:
    bare when it lives in `home` or pg_catalog, qualified otherwise."""
    return name if schema in (home, "pg_catalog") else f"{schema}.{name}"


def aggregate_spec(agg: Aggregate) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if agg.description is not None:
        spec["description"] = agg.description
    spec["arguments"] = agg.arguments

    spec["sfunc"] = _called(agg.schema_name, agg.sfunc_schema, agg.sfunc)
    spec["stype"] = agg.stype
    if agg.finalfunc is not None:
        spec["finalfunc"] = _called(agg.schema_name, agg.finalfunc_schema, agg.finalfunc)
    if agg.initcond is not None:
        spec["initcond"] = agg.initcond
    if agg.parallel != "unsafe":
        spec["parallel"] = agg.parallel
    return spec


def operators_spec(ctx: Context, operators: list[Operator]) -> dict[str, Any]:
    """The operators of one schema, keyed by symbol (one per symbol: another overload of the
    same symbol is a gap)."""
    written: dict[str, Any] = {}
    for op in operators:
        subject = f"{op.name}({op.arguments})"
        calls = [(op.function_schema, op.function)]
        calls += [
            (s or "pg_catalog", n)
            for s, n in ((op.restrict_schema, op.restrict), (op.join_schema, op.join))
            if n
        ]
        missing = [
            f"{s}.{n}" for s, n in calls if s != "pg_catalog" and f"{s}.{n}" not in ctx.functions
        ]
        if missing:
            ctx.gap(
                "operator",
                op.schema_name,
                subject,
                f"its function {missing[0]} is not imported",
                whole=True,
            )
            continue
        if op.name in written:
            ctx.gap(
                "operator",
                op.schema_name,
                subject,
                f"the spec format keys operators by symbol, and another {op.name} is imported",
                whole=True,
            )
            continue
        written[op.name] = operator_spec(op)
    return written


def operator_spec(op: Operator) -> dict[str, Any]:
    def other(schema: str | None, name: str) -> str:
        return name if schema == op.schema_name else f"{schema}.{name}"

    spec: dict[str, Any] = {}
    if op.description is not None:
        spec["description"] = op.description
    spec["function"] = _called(op.schema_name, op.function_schema, op.function)
    if op.leftarg is not None:
        spec["leftarg"] = op.leftarg
    if op.rightarg is not None:
        spec["rightarg"] = op.rightarg
    if op.commutator is not None:
        spec["commutator"] = other(op.commutator_schema, op.commutator)
    if op.negator is not None:
        spec["negator"] = other(op.negator_schema, op.negator)
    if op.restrict is not None:
        spec["restrict"] = _called(op.schema_name, op.restrict_schema, op.restrict)
    if op.join is not None:
        spec["join"] = _called(op.schema_name, op.join_schema, op.join)
    if op.hashes:
        spec["hashes"] = True
    if op.merges:
        spec["merges"] = True
    return spec
