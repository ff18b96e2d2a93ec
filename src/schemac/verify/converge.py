"""The convergence check: after verification found no difference, the planner's differ must find
no change between the catalog and the specs either (one notion of "the same").

The catalog prints view bodies and check expressions in PostgreSQL's own spelling, which only
the server can tell apart from the specs' spelling (verify/canonical.py). Where the server says
they are the same, the spec is given the catalog's spelling before the two are diffed; seed rows
are data, which a catalog does not hold, and so are the pg_cron jobs of refresh policies.
What the differ still plans is a difference verify's comparison missed, reported as V003 at the
spec object behind the change.
"""

from __future__ import annotations

from collections.abc import Callable

from schemac.diagnostics import Diagnostic, error
from schemac.model.canonical import same_expr, same_text
from schemac.model.schema import Check, MaterializedView, Schema, Table, View

ViewSql = Callable[[str, str], str]
CheckSql = Callable[[str, str, str], str]

_HELP = (
    "the migrations leave the database where the planner would still change something: "
    "rebuild them from the specs and verify again"
)


def _view_spelling(spec: View | MaterializedView, db: Schema, view_sql: ViewSql | None) -> str:
    relations: list[View | MaterializedView] = [*db.views, *db.materialized_views]
    found = next(
        (v for v in relations if (v.schema_name, v.name) == (spec.schema_name, spec.name)),
        None,
    )
    if found is None or view_sql is None:
        return spec.query
    try:
        printed = view_sql(spec.query, spec.schema_name)
    except Exception:  # the server rejects the query: compare reports that already
        return spec.query
    return found.query if same_text(printed, found.query) else spec.query


def _check_spelling(table: Table, check: Check, db: Schema, check_sql: CheckSql | None) -> Check:
    db_table = db.table(table.qualified_name)
    found = (
        None
        if db_table is None
        else next((k for k in db_table.checks if k.name == check.name), None)
    )
    if found is None:
        return check
    stored = check.expression
    if check_sql is not None:
        stored = check_sql(table.schema_name, table.name, check.expression)
    if same_expr(stored, found.expression):
        return check.model_copy(update={"expression": found.expression})
    return check


def in_catalog_spelling(
    spec: Schema, db: Schema, view_sql: ViewSql | None, check_sql: CheckSql | None
) -> Schema:
    """The spec with the catalog's spelling wherever the server says the two mean the same."""
    views = tuple(
        v.model_copy(update={"query": _view_spelling(v, db, view_sql)}) for v in spec.views
    )
    # a refresh policy's pg_cron job is no catalog object (and pg_cron may not be installed):
    # like seed rows it is left out; the refresh function is a function and compared as one
    matviews = tuple(
        v.model_copy(update={"query": _view_spelling(v, db, view_sql), "refresh": None})
        for v in spec.materialized_views
    )
    tables = tuple(
        t.model_copy(
            update={"checks": tuple(_check_spelling(t, k, db, check_sql) for k in t.checks)}
        )
        if t.checks
        else t
        for t in spec.tables
    )
    return spec.model_copy(
        update={"views": views, "materialized_views": matviews, "tables": tables, "seeds": ()}
    )


def convergence(
    spec: Schema, db: Schema, view_sql: ViewSql | None = None, check_sql: CheckSql | None = None
) -> list[Diagnostic]:
    """One V003 per change the differ would still plan from the catalog to the specs."""
    from schemac.plan.diff import diff

    changes, problems = diff(db, in_catalog_spelling(spec, db, view_sql, check_sql))
    found = [
        error("V003", f"the planner would still {change.describe()}", change.span, _HELP)
        for change in changes
    ]
    found += [error("V003", problem.message, problem.span, _HELP) for problem in problems]
    return found
