"""Static checks of views, materialized views, CHECK constraints and generation expressions
(codes E150-E154).

Each check names the PostgreSQL error it prevents; a query is judged only where its parse tree
makes the outcome certain (columnrefs.py says when).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from schemac.diagnostics import suggestion
from schemac.load.loader import RawDoc
from schemac.model.schema import MaterializedView, Table, View
from schemac.resolve import sqltree
from schemac.resolve.columnrefs import (
    Entry,
    Relation,
    from_entries,
    select_unknown_columns,
    unknown_columns,
)
from schemac.resolve.context import Context, Located
from schemac.spec.models import DocumentSpec

Documents = Sequence[tuple[RawDoc, DocumentSpec]]


def relations(tables: dict[str, Table], views: set[str]) -> Relation:
    """The columns of a relation a query names, when it is certainly a table of the specs.

    An unqualified name is looked up on PostgreSQL's default search path (public); a name that
    only a non-public table carries is that table too, as the planner's view dependencies take it.
    """
    by_name: dict[str, list[str]] = {}
    for qualified in [*tables, *views]:
        by_name.setdefault(qualified.split(".", 1)[1], []).append(qualified)

    def columns(qualified: str) -> tuple[str, ...] | None:
        table = tables.get(qualified)
        return None if table is None else tuple(c.name for c in table.columns)

    def relation(schema: str | None, name: str) -> tuple[str, ...] | None:
        if schema is not None:
            return columns(f"{schema}.{name}")
        found = by_name.get(name, [])
        if f"public.{name}" in found:
            return columns(f"public.{name}")
        return columns(found[0]) if len(found) == 1 else None

    return relation


def check_views(
    ctx: Context,
    documents: Documents,
    relation: Relation,
    views: Sequence[View],
    matviews: Sequence[MaterializedView],
) -> None:
    for raw, spec in documents:
        for kind, items in (("views", spec.views), ("materialized_views", spec.materialized_views)):
            for name, view in items.items():
                where = Located(raw, spec, (kind, name))
                _check_query(ctx, name, view.query.strip().rstrip(";").rstrip(), where, relation)
    _check_cycles(ctx, [*views, *matviews])


def _check_query(ctx: Context, name: str, query: str, where: Located, relation: Relation) -> None:
    stmts, problem = sqltree.statements(query)
    if problem is not None or len(stmts) != 1 or "SelectStmt" not in stmts[0]:
        return  # unreadable queries are reported where the query is first read
    # PostgreSQL: column t.x does not exist / column "x" does not exist
    for message, missing, known in dict.fromkeys(select_unknown_columns(stmts[0], relation)):
        ctx.error(
            "E150",
            f"view {name}: {message}",
            where.span("query"),
            suggestion(missing, known) or "fix the name, or add the column to the table",
        )
    # PostgreSQL: column "x" specified more than once
    seen: set[str] = set()
    for column in _output_names(stmts[0]["SelectStmt"], relation):
        if column is not None and column in seen:
            ctx.error(
                "E151",
                f'view {name}: column "{column}" specified more than once',
                where.span("query"),
                "give each output column its own name with AS",
            )
            break
        if column is not None:
            seen.add(column)


def _output_names(stmt: sqltree.Node, relation: Relation) -> Iterator[str | None]:
    """The names of a query's output columns, None where the name is not certain."""
    while stmt.get("op", "SETOP_NONE") != "SETOP_NONE":
        stmt = stmt["larg"]  # a set operation takes its column names from its first operand
    with_clause = stmt.get("withClause") or {}
    ctes = frozenset(c["CommonTableExpr"]["ctename"] for c in with_clause.get("ctes", []))
    for target in stmt.get("targetList", []):
        res = target["ResTarget"]
        value = res.get("val", {})
        if res.get("name"):
            yield res["name"]
        elif "ColumnRef" in value:
            fields = value["ColumnRef"]["fields"]
            if "A_Star" not in fields[-1]:
                yield fields[-1]["String"]["sval"]
            else:
                yield from _star(stmt, fields, relation, ctes)
        elif "FuncCall" in value:
            yield sqltree.words(value["FuncCall"]["funcname"])[-1]
        else:
            yield None


def _star(
    stmt: sqltree.Node, fields: list[sqltree.Node], relation: Relation, ctes: frozenset[str]
) -> Iterator[str | None]:
    entries = from_entries(stmt, relation, ctes)
    if entries is None:
        yield None
        return
    if len(fields) == 2 and "String" in fields[0]:
        qualifier = fields[0]["String"]["sval"]
        entries = [e for e in entries if e.name == qualifier][:1] or [Entry("", None)]
    elif len(fields) != 1:
        entries = [Entry("", None)]
    for entry in entries:
        if entry.columns is None:
            yield None
        else:
            yield from entry.columns


def _check_cycles(ctx: Context, views: Sequence[View | MaterializedView]) -> None:
    """Views that read each other in a circle: none of them can be created first.

    PostgreSQL: relation "b" does not exist (on the first CREATE VIEW of the circle).
    """
    by_name = {v.qualified_name: v for v in views}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in by_name:
        if start in state:
            continue
        path: list[str] = [start]
        state[start] = 1
        pending = [iter(d for d in by_name[start].depends_on if d in by_name)]
        while pending:
            step = next(pending[-1], None)
            if step is None:
                state[path.pop()] = 2
                pending.pop()
            elif state.get(step) == 1:
                circle = [*path[path.index(step) :], step]
                first = by_name[circle[0]]
                ctx.error(
                    "E152",
                    "views read each other in a circle: "
                    + " -> ".join(c.split(".", 1)[1] for c in circle),
                    first.span,
                    "no view of a circle can be created first: make one of them read tables",
                )
            elif step not in state:
                state[step] = 1
                path.append(step)
                pending.append(iter(d for d in by_name[step].depends_on if d in by_name))


def check_constraints(ctx: Context, tables: dict[str, Table]) -> None:
    """CHECK expressions naming columns their table does not have."""
    for table in tables.values():
        if not table.checks:
            continue
        columns = tuple(c.name for c in table.columns)
        for check in table.checks:
            tree = sqltree.expression(check.expression)
            if tree is None:
                continue
            for fields in sqltree.column_refs(tree):
                column = fields[-1]
                if column in sqltree.SYSTEM_COLUMNS and column != "tableoid":
                    # PostgreSQL: system column "xmin" reference in check constraint is invalid
                    ctx.error(
                        "E153",
                        f'check {check.name} on {table.name}: system column "{column}" '
                        "reference in check constraint is invalid",
                        check.span,
                        "a check reads the row's own columns (of the system ones, only tableoid)",
                    )
                    break
            # PostgreSQL: column "x" does not exist / missing FROM-clause entry for table "t"
            scopes = ((Entry(table.name, columns),),)
            for message, missing, known in dict.fromkeys(
                unknown_columns(tree, scopes, no_relation)
            ):
                ctx.error(
                    "E153",
                    f"check {check.name} on {table.name}: {message}",
                    check.span,
                    suggestion(missing, known) or "a check reads the columns of its own table",
                )


def check_generated(ctx: Context, tables: dict[str, Table]) -> None:
    """Generation expressions naming a column their table does not have, another generated
    column, or a system column."""
    from schemac.resolve.check_tables import column_span

    for qualified, table in tables.items():
        generated = {c.name for c in table.columns if c.generated is not None}
        if not generated:
            continue
        draft = ctx.tables.get(qualified)
        plain = tuple(c.name for c in table.columns)
        for column in table.columns:
            if column.generated is None:
                continue
            tree = sqltree.expression(column.generated)
            if tree is None:
                continue
            span = column_span(draft, column.name, "generated") if draft else column.span
            what = f"generated column {table.name}.{column.name}"
            problems: list[tuple[str, str]] = []
            for fields in sqltree.column_refs(tree):
                name = fields[-1]
                if name in sqltree.SYSTEM_COLUMNS and name != "tableoid":
                    # PostgreSQL: cannot use system column "xmin" in column generation expression
                    problems.append(
                        (
                            f'cannot use system column "{name}" in column generation expression',
                            "a generation expression reads the row's own columns",
                        )
                    )
                elif name in generated:
                    # PostgreSQL: cannot use generated column "x" in column generation expression
                    problems.append(
                        (
                            f'cannot use generated column "{name}" in column generation expression',
                            "repeat that column's expression instead of naming the column",
                        )
                    )
            # PostgreSQL: column "x" does not exist
            scopes = ((Entry(table.name, plain),),)
            for message, missing, known in unknown_columns(tree, scopes, no_relation):
                problems.append(
                    (message, suggestion(missing, known) or "read a column of the same table")
                )
            for message, help in dict.fromkeys(problems):
                ctx.error("E154", f"{what}: {message}", span, help)


def no_relation(schema: str | None, name: str) -> tuple[str, ...] | None:
    """For expressions that may not read other relations (checks, index keys)."""
    return None
