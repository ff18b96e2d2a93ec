"""Views, materialized views, functions, triggers, RLS policies and seed rows."""

from __future__ import annotations

from typing import Any

from schemac.diagnostics import suggestion
from schemac.model import fragments
from schemac.model.construct import construct
from schemac.model.routines import setting_text
from schemac.model.schema import (
    Function,
    MaterializedView,
    Policy,
    Rls,
    SeedTable,
    Table,
    Trigger,
    View,
)
from schemac.resolve import expressions, routines
from schemac.resolve.context import Context, Located
from schemac.resolve.indexes import resolve_index
from schemac.source import Span
from schemac.spec.models import (
    FunctionSpec,
    MaterializedViewSpec,
    RlsSpec,
    RoutineSpec,
    SeedSpec,
    TriggerSpec,
    ViewSpec,
)

#: trigger functions PostgreSQL ships, usable without declaring them
BUILTIN_TRIGGER_FUNCTIONS = frozenset(
    {
        "tsvector_update_trigger",
        "tsvector_update_trigger_column",
        "suppress_redundant_updates_trigger",
    }
)
_CATALOG_SCHEMAS = frozenset({"pg_catalog", "information_schema"})


def view_dependencies(
    ctx: Context, query: str, schema: str, span: Span | None, name: str
) -> tuple[str, ...]:
    """Qualified names of the spec relations a query reads (parsed with sqlglot)."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(query, read="postgres")
    except sqlglot.errors.SqlglotError as exc:  # ParseError, and TokenError from the lexer
        problem = str(exc).splitlines()[0]
        ctx.error("E036", f"view {name}: cannot read the query: {problem}", span)
        return ()
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    found: list[str] = []
    for table in tree.find_all(exp.Table):
        rel, db = table.name, table.db or None
        if not rel or rel in ctes or db in _CATALOG_SCHEMAS or rel.startswith("pg_"):
            continue
        if isinstance(table.this, exp.Anonymous) or (
            table.find_ancestor(exp.Lateral) and not db and not rel
        ):
            continue
        qualified = f"{db or schema}.{rel}"
        if qualified in ctx.tables or qualified in ctx.views:
            target = qualified
        elif db is None and (ctx.find_table(rel, schema) or _view_named(ctx, rel)):
            draft = ctx.find_table(rel, schema)
            target = draft.qualified_name if draft else _view_named(ctx, rel) or qualified
        else:
            if _is_function_call(table):
                continue
            ctx.error(
                "SC309",
                f"view {name} reads '{rel}', which no spec declares",
                span,
                suggestion(rel, [*ctx.table_names(), *(v.split(".")[1] for v in ctx.views)])
                or "declare the table or view, or fix the query",
            )
            continue
        if target not in found:
            found.append(target)
    return tuple(found)


def _is_function_call(table: Any) -> bool:
    from sqlglot import exp

    return isinstance(table.this, exp.Func | exp.Anonymous)


def _view_named(ctx: Context, name: str) -> str | None:
    return next((v for v in sorted(ctx.views) if v.split(".", 1)[1] == name), None)


def _clean_query(query: str) -> str:
    return query.strip().rstrip(";").rstrip()


def _checked_query(ctx: Context, what: str, name: str, query: str, span: Span | None) -> bool:
    """True when `query` is exactly one SELECT; else reports why (E061) and returns False."""
    problem = fragments.query_problem(query)
    if problem is None:
        return True
    ctx.error(
        "E061",
        f"{what} {name}: the query must be exactly one SELECT, VALUES or WITH query: {problem}",
        span,
        "write one query, without ';' or anything after it",
    )
    return False


def resolve_view(ctx: Context, name: str, spec: ViewSpec, where: Located, schema: str) -> View:
    span = where.span("query")
    query = _clean_query(spec.query)
    deps: tuple[str, ...] = ()
    if _checked_query(ctx, "view", name, query, span):
        deps = view_dependencies(ctx, query, schema, span, name)
    return construct(
        View,
        schema_name=schema,
        name=name,
        query=_clean_query(spec.query),
        description=spec.description,
        depends_on=deps,
        span=where.key_span(),
    )


def resolve_matview(
    ctx: Context, name: str, spec: MaterializedViewSpec, where: Located, schema: str
) -> MaterializedView:
    query = _clean_query(spec.query)
    deps: tuple[str, ...] = ()
    columns: list[str] = []
    if _checked_query(ctx, "materialized view", name, query, where.span("query")):
        deps = view_dependencies(ctx, query, schema, where.span("query"), name)
        columns = _output_columns(query)
    indexes = tuple(
        resolve_index(
            ctx,
            name,
            index,
            columns or [c for i in spec.indexes for c in i.columns],
            lambda *k, i=i: where.span("indexes", i, *k),
        )
        for i, index in enumerate(spec.indexes)
    )
    refresh = None
    if spec.refresh is not None:
        from schemac.resolve.refresh import resolve_refresh

        refresh = resolve_refresh(ctx, name, spec.refresh, where, indexes)
    return construct(
        MaterializedView,
        schema_name=schema,
        name=name,
        query=query,
        description=spec.description,
        indexes=indexes,
        refresh=refresh,
        depends_on=deps,
        span=where.key_span(),
    )


def _output_columns(query: str) -> list[str]:
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(query, read="postgres")
    except sqlglot.errors.SqlglotError:
        return []
    if not isinstance(tree, exp.Select):
        return []
    return [e.alias_or_name for e in tree.expressions if e.alias_or_name and e.alias_or_name != "*"]


def routine_arguments(spec: RoutineSpec) -> str:
    """The argument list of a function or procedure as one string."""
    arguments = spec.arguments if isinstance(spec.arguments, str) else ", ".join(spec.arguments)
    return arguments.strip()


def _what(spec: RoutineSpec, name: str) -> str:
    return f"{'function' if isinstance(spec, FunctionSpec) else 'procedure'} {name}"


def check_function(
    ctx: Context, name: str, spec: RoutineSpec, where: Located, *, body: bool = True
) -> None:
    """Report the raw SQL of a function or procedure that is not exactly what its field stands
    for: the arguments one parameter list (E062), the return type one type (E063), the body a
    body of its language (E064). Each is pasted into CREATE FUNCTION (PROCEDURE), DROP and
    COMMENT ON. `body` False leaves the body alone (its arguments were refused already)."""
    what = _what(spec, name)
    arguments = routine_arguments(spec)
    returns = spec.returns.strip() if isinstance(spec, FunctionSpec) else None
    problem = fragments.arguments_problem(arguments)
    if problem is not None:
        ctx.error(
            "E062",
            f"{what}: arguments must be one parameter list: {problem}",
            where.span("arguments"),
            'write the parameters only, e.g. "tenant uuid, fallback text DEFAULT NULL"',
        )
    returns_problem = None if returns is None else fragments.returns_problem(returns)
    if returns_problem is not None:
        ctx.error(
            "E063",
            f"{what}: returns must be one return type: {returns_problem}",
            where.span("returns"),
            "write a type, SETOF type or TABLE (name type, ...); volatility and "
            "security_definer have keys of their own",
        )
    if isinstance(spec, FunctionSpec):
        routines.check_function_attributes(ctx, name, spec, where)
    if body and problem is None and returns_problem is None:
        body_problem = fragments.body_problem(spec.body, spec.language, arguments, returns)
        if body_problem is not None:
            ctx.error(
                "E064",
                f"{what}: the {spec.language} body cannot be created: {body_problem}",
                where.span("body"),
                "fix the body; PostgreSQL would refuse it as written",
            )


def resolve_function(
    ctx: Context, name: str, spec: RoutineSpec, where: Located, schema: str
) -> Function:
    """The Function of a `functions:` or `procedures:` entry (kind "procedure" for the latter)."""
    body = spec.body if spec.body.endswith("\n") or spec.verbatim else spec.body + "\n"
    shared: dict[str, Any] = {
        "schema_name": schema,
        "name": name,
        "arguments": routine_arguments(spec),
        "language": spec.language,
        "body": body,
        "security_definer": spec.security_definer,
        "settings": routines.function_settings(ctx, _what(spec, name), spec, where),
        "verbatim": spec.verbatim,
        "description": spec.description,
        "span": where.key_span(),
    }
    if not isinstance(spec, FunctionSpec):
        return construct(Function, **shared, returns="", kind="procedure")
    return construct(
        Function,
        **shared,
        returns=spec.returns.strip(),
        volatility=spec.volatility,
        strict=spec.strict,
        leakproof=spec.leakproof,
        parallel=spec.parallel,
        # PostgreSQL's defaults are kept as None, as the catalog reads them back
        cost=None if spec.cost == 100 else spec.cost,
        rows=None if spec.rows == 1000 else spec.rows,
    )


def resolve_trigger(
    ctx: Context,
    name: str,
    spec: TriggerSpec,
    where: Located,
    schema: str,
    functions: dict[str, str],
) -> Trigger | None:
    table = ctx.find_table(spec.table, schema)
    if table is None:
        ctx.error(
            "SC309",
            f"trigger {name}: unknown table '{spec.table}'",
            where.span("table"),
            suggestion(spec.table, ctx.table_names()),
        )
        return None
    fn_schema, _, fn_name = spec.function.rpartition(".")
    fn_name = fn_name.removesuffix("()")
    qualified = functions.get(f"{fn_schema or schema}.{fn_name}") or functions.get(
        f"public.{fn_name}"
    )
    if qualified is None and fn_name not in BUILTIN_TRIGGER_FUNCTIONS and fn_schema != "pg_catalog":
        ctx.error(
            "SC309",
            f"trigger {name}: unknown function '{spec.function}'",
            where.span("function"),
            suggestion(fn_name, [f.split(".", 1)[1] for f in functions])
            or "declare it under 'functions:' (returns: trigger)",
        )
        return None
    target_schema = qualified.split(".", 1)[0] if qualified else (fn_schema or "pg_catalog")
    ctx.check_length(spec.name or name, "trigger", where.key_span(), derived=False)
    when = spec.when.strip() if spec.when else None
    problem = expressions.syntax_error(when) if when else None
    if problem is not None:
        ctx.error(
            "E065",
            f"trigger {name}: when must be one boolean expression: {problem}",
            where.span("when"),
            'write the condition only, e.g. "OLD.status IS DISTINCT FROM NEW.status"',
        )
    ref = spec.referencing
    return construct(
        Trigger,
        name=spec.name or name,
        table_schema=table.schema_name,
        table=table.name,
        timing=spec.timing.replace("_", " "),
        events=tuple(spec.events),
        for_each=spec.for_each,
        function_schema=target_schema,
        function=fn_name,
        arguments=tuple(setting_text(a) for a in spec.arguments),
        update_of=tuple(spec.update_of),
        old_table=ref.old_table if ref is not None else None,
        new_table=ref.new_table if ref is not None else None,
        when=when,
        description=spec.description,
        constraint=spec.constraint,
        deferrable=spec.deferrable is not False,
        initially_deferred=spec.deferrable in (True, "initially_deferred"),
        span=where.key_span(),
    )


def resolve_rls(
    ctx: Context, spec: RlsSpec | None, where: Located, extra: tuple[Policy, ...]
) -> Rls:
    policies: list[Policy] = list(extra)
    enabled = bool(extra)
    force = False
    if spec is not None:
        enabled, force = spec.enabled, spec.force
        for name, policy in spec.policies.items():
            span = where.key_span("rls", "policies", name)
            using = policy.using.strip() if policy.using else None
            check = policy.with_check.strip() if policy.with_check else None
            for expr, key in ((using, "using"), (check, "with_check")):
                problem = expressions.syntax_error(expr) if expr else None
                if problem:
                    ctx.error(
                        "E036",
                        f"policy {name}: invalid {key} expression: {problem}",
                        where.span("rls", "policies", name, key),
                    )
            policies = [p for p in policies if p.name != name]
            policies.append(
                construct(
                    Policy,
                    name=name,
                    command=policy.command,
                    permissive=policy.permissive,
                    roles=tuple(policy.roles),
                    using=using,
                    with_check=check,
                    description=policy.description,
                    span=span,
                )
            )
    return construct(
        Rls,
        enabled=enabled or bool(policies),
        force=force,
        policies=tuple(policies),
        span=where.span("rls"),
    )


def resolve_seed(
    ctx: Context,
    table_ref: str,
    spec: SeedSpec,
    where: Located,
    schema: str,
    tables: dict[str, Table],
    enums: dict[str, tuple[str, ...]],
) -> SeedTable | None:
    draft = ctx.find_table(table_ref, schema)
    if draft is None:
        ctx.error(
            "SC309",
            f"seed for unknown table '{table_ref}'",
            where.key_span(),
            suggestion(table_ref, ctx.table_names()),
        )
        return None
    table = tables[draft.qualified_name]
    types = {c.name: c.type for c in table.columns}
    for key in spec.key or ():
        if key not in types:
            ctx.error(
                "E035",
                f"seed {table.name}: key column '{key}' does not exist",
                where.span("key"),
                suggestion(key, types),
            )
            return None
    unknown = [(i, c) for i, c in enumerate(spec.update or ()) if c not in types]
    for i, column in unknown:
        ctx.error(
            "E035",
            f"seed {table.name}: update names column '{column}', which does not exist",
            where.span("update", i),
            suggestion(column, types) or f"columns: {', '.join(types)}",
        )
    if unknown:
        return None
    rows: list[tuple[tuple[str, str], ...]] = []
    for i, row in enumerate(spec.rows):
        rendered: list[tuple[str, str]] = []
        for column, value in row.items():
            span = where.span("rows", i, column)
            if column not in types:
                ctx.error(
                    "E035",
                    f"seed {table.name}: no column '{column}'",
                    where.key_span("rows", i, column),
                    suggestion(column, types),
                )
                continue
            allowed = enums.get(types[column])
            if allowed is not None and value is not None and str(value) not in allowed:
                ctx.error(
                    "E038",
                    f"seed {table.name}.{column}: '{value}' is not a value of enum {types[column]}",
                    span,
                    suggestion(str(value), allowed) or f"values: {', '.join(allowed)}",
                )
            rendered.append((column, expressions.literal(value)))
        if not row:
            ctx.error(
                "E039",
                f"seed {table.name}: row {i + 1} sets no column, so nothing tells it apart",
                where.span("rows", i),
                "give the row its values (at least its key), or remove it",
            )
        missing = [k for k in spec.key or () if k not in row]
        if missing and row:
            ctx.error(
                "E039",
                f"seed {table.name}: row {i + 1} lacks key column(s) {', '.join(missing)}",
                where.span("rows", i),
            )
        rows.append(tuple(rendered))
    action = spec.conflict_action()
    return construct(
        SeedTable,
        table_schema=table.schema_name,
        table=table.name,
        key=tuple(spec.key or ()),
        on_conflict=action,
        update=tuple(spec.update) if action == "update" and spec.update else None,
        rows=tuple(rows),
        span=where.key_span(),
    )
