"""The clauses of CREATE FUNCTION and CREATE TRIGGER beyond name, signature and body: function
attributes (STRICT, PARALLEL, COST, ROWS, SET) and trigger options (UPDATE OF, REFERENCING,
arguments). Each name goes through quote_ident and each value through quote_literal."""

from __future__ import annotations

from schemac.model.names import qualify, quote_ident, quote_literal, quote_operator
from schemac.model.routines import LIST_SETTINGS, list_elements
from schemac.model.schema import Aggregate, Function, Operator, Trigger
from schemac.render.check import UnsafeFragment


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def setting_clause(name: str, value: str) -> str:
    """`SET name TO 'value'`; a list setting (search_path) as one literal per name, as SET
    reads `search_path TO 'pg_catalog', 'public'` into the value `pg_catalog, public`."""
    parameter = ".".join(quote_ident(part) for part in name.split("."))
    if name in LIST_SETTINGS:
        elements = list_elements(value)
        if elements is None:
            raise UnsafeFragment(f"setting {name}", value, "it is not a list of names")
        return f"SET {parameter} TO {', '.join(quote_literal(e) for e in elements)}"
    return f"SET {parameter} TO {quote_literal(value)}"


def function_attributes(fn: Function) -> str:
    """The attributes after LANGUAGE, each with its leading space ("" when all are defaults)."""
    out = ""
    if fn.volatility != "volatile":
        out += f" {fn.volatility.upper()}"
    if fn.strict:
        out += " STRICT"
    if fn.security_definer:
        out += " SECURITY DEFINER"
    if fn.leakproof:
        out += " LEAKPROOF"
    if fn.parallel != "unsafe":
        out += f" PARALLEL {fn.parallel.upper()}"
    if fn.cost is not None:
        out += f" COST {_number(fn.cost)}"
    if fn.rows is not None:
        out += f" ROWS {_number(fn.rows)}"
    for name, value in fn.settings:
        out += " " + setting_clause(name, value)
    return out


def dollar_tag(source: str) -> str:
    """A dollar-quote tag that ends the body exactly where it ends: one that occurs neither in
    the body nor across its end (a body ending in `$function` would close `$function$` early)."""
    tag, n = "$function$", 0
    while (source + tag).find(tag) != len(source):
        n += 1
        tag = f"$function_{n}$"
    return tag


def trigger_events(trig: Trigger) -> str:
    """`INSERT OR UPDATE OF a, b`."""
    parts = []
    for event in trig.events:
        text = event.upper()
        if event == "update" and trig.update_of:
            text += " OF " + ", ".join(quote_ident(col) for col in trig.update_of)
        parts.append(text)
    return " OR ".join(parts)


def trigger_referencing(trig: Trigger) -> str:
    """` REFERENCING OLD TABLE AS o NEW TABLE AS n`, or ""."""
    out = ""
    if trig.old_table is not None:
        out += f" OLD TABLE AS {quote_ident(trig.old_table)}"
    if trig.new_table is not None:
        out += f" NEW TABLE AS {quote_ident(trig.new_table)}"
    return f" REFERENCING{out}" if out else ""


def trigger_arguments(trig: Trigger) -> str:
    return ", ".join(quote_literal(a) for a in trig.arguments)


def aggregate_options(agg: Aggregate) -> str:
    """`SFUNC = f, STYPE = t[, FINALFUNC = g][, INITCOND = 'v'][, PARALLEL = SAFE]`."""
    parts = [f"SFUNC = {qualify(agg.sfunc_schema, agg.sfunc)}", f"STYPE = {agg.stype}"]
    if agg.finalfunc is not None:
        parts.append(f"FINALFUNC = {qualify(agg.finalfunc_schema, agg.finalfunc)}")
    if agg.initcond is not None:
        parts.append(f"INITCOND = {quote_literal(agg.initcond)}")
    if agg.parallel != "unsafe":
        parts.append(f"PARALLEL = {agg.parallel.upper()}")
    return ", ".join(parts)


def operator_options(op: Operator) -> str:
    """`FUNCTION = f, LEFTARG = t, RIGHTARG = t[, COMMUTATOR = OPERATOR(s.~)]...` as pg_dump
    writes them (the other operators always schema-qualified, in OPERATOR())."""
    parts = [f"FUNCTION = {qualify(op.function_schema, op.function)}"]
    if op.leftarg is not None:
        parts.append(f"LEFTARG = {op.leftarg}")
    if op.rightarg is not None:
        parts.append(f"RIGHTARG = {op.rightarg}")
    for key, schema, name in (
        ("COMMUTATOR", op.commutator_schema, op.commutator),
        ("NEGATOR", op.negator_schema, op.negator),
    ):
        if name is not None:
            parts.append(f"{key} = OPERATOR({quote_operator(schema, name, default_schema='')})")
    parts.extend(operator_estimators(op))
    if op.hashes:
        parts.append("HASHES")
    if op.merges:
        parts.append("MERGES")
    return ", ".join(parts)


def operator_estimators(op: Operator) -> list[str]:
    """`RESTRICT = f`, `JOIN = g`, the selectivity estimators the operator has."""
    parts = []
    if op.restrict is not None:
        parts.append(f"RESTRICT = {qualify(op.restrict_schema, op.restrict)}")
    if op.join is not None:
        parts.append(f"JOIN = {qualify(op.join_schema, op.join)}")
    return parts
