"""Exclusion constraints (a table's `excludes:`), codes E220-E224.

E220: an element's `with:` is not an operator: a symbol as PostgreSQL's lexer reads one, or
`OPERATOR(schema.op)`.
E221: an element that names neither or both of `column` and `expression`, a column (or an
`include:` column) the table does not have.
E222: an `opclass:` that is not an operator class name (`name` or `schema.name`).
E223: an exclusion constraint on a partitioned table: refused before PostgreSQL 17 ("exclusion
constraints are not supported on partitioned tables"), and from 17 on unless every partition key
column is an element compared with `=`.
(E224 is reserved.)

Element expressions and the predicate are parsed as one SQL expression each (E036); the index
checks (operator classes the method lacks or that need btree_gist, INCLUDE with hash, mutable
functions, unknown columns in expressions: E120-E128) run on the constraint's index as on any
other (check_indexes).
"""

from __future__ import annotations

import re

from schemac.diagnostics import suggestion
from schemac.model.construct import construct
from schemac.model.names import operator_name_problem
from schemac.model.schema import Exclusion, ExclusionElement, Table
from schemac.resolve import expressions
from schemac.resolve.context import Context, Located, checked_expression, derived_name
from schemac.spec.models import ExclusionElementSpec, ExclusionSpec

_IDENT = r"[A-Za-z_][A-Za-z0-9_$]*"
_QUALIFIED_OPERATOR = re.compile(
    rf'OPERATOR\s*\(\s*(?:({_IDENT}|"(?:[^"]|"")+")\s*\.\s*)?(\S+?)\s*\)', re.I
)
_OPCLASS = re.compile(rf"(?:{_IDENT}\.)?{_IDENT}")
#: operators found on the search path whichever schema the migration runs in
_SEARCHED = frozenset({"pg_catalog", "public"})


def parse_operator(text: str) -> tuple[str | None, str] | str:
    """`(schema or None, symbol)` of an element's `with:`, or why it is not an operator.
    pg_catalog and public are the search path's: their operators are kept bare."""
    text = text.strip()
    match = _QUALIFIED_OPERATOR.fullmatch(text)
    schema, symbol = (match.group(1), match.group(2)) if match else (None, text)
    problem = operator_name_problem(symbol)
    if problem is not None:
        return problem
    if schema is not None:
        # an unquoted name folds to lower case, as PostgreSQL reads it
        quoted = schema.startswith('"')
        schema = schema[1:-1].replace('""', '"') if quoted else schema.lower()
        if schema in _SEARCHED:
            schema = None
    return schema, symbol


def resolve_exclusions(
    ctx: Context, table: str, excludes: list[ExclusionSpec], where: Located, columns: list[str]
) -> list[Exclusion]:
    """The table's `excludes:` (`where` is the table's place), names derived as
    `excl_{table}_{cols}`."""
    out: list[Exclusion] = []
    for i, ex in enumerate(excludes):
        elements: list[ExclusionElement] = []
        name_cols: list[str] = []
        for j, element in enumerate(ex.elements):
            resolved = _element(ctx, table, element, columns, where, ("excludes", i, "elements", j))
            if resolved is None:
                continue
            elements.append(resolved)
            if resolved.column is not None:
                name_cols.append(resolved.column)
            else:
                found = expressions.referenced_columns(resolved.expression or "", columns)
                name_cols.extend(found or ["expr"])
        for k, col in enumerate(ex.include):
            if col not in columns:
                ctx.error(
                    "E221",
                    f"exclusion constraint on {table}: INCLUDE column '{col}' does not exist",
                    where.span("excludes", i, "include", k),
                    suggestion(col, columns) or "include a column of the table",
                )
        if ex.name is not None:
            ctx.check_length(
                ex.name,
                f"exclusion constraint on {table}",
                where.span("excludes", i, "name"),
                derived=False,
            )
            name = ex.name
        else:
            name = derived_name(
                ctx,
                f"excl_{table}_{'_'.join(name_cols)}",
                "exclusion constraint",
                where.span("excludes", i),
            )
        out.append(
            construct(
                Exclusion,
                name=name,
                method=ex.using,
                elements=tuple(elements),
                where=None
                if ex.where is None
                else checked_expression(ctx, ex.where, where.span("excludes", i, "where")),
                include=tuple(ex.include),
                deferrable=ex.deferrable is not False,
                initially_deferred=ex.deferrable in (True, "initially_deferred"),
                description=ex.description,
                renamed_from=ex.renamed_from,
                span=where.span("excludes", i),
            )
        )
    return out


def _element(
    ctx: Context,
    table: str,
    element: ExclusionElementSpec,
    columns: list[str],
    where: Located,
    path: tuple[str | int, ...],
) -> ExclusionElement | None:
    what = f"exclusion constraint on {table}"
    if (element.column is None) == (element.expression is None):
        ctx.error(
            "E221",
            f"{what}: an element names "
            + ("both 'column' and 'expression'" if element.column else "no column or expression"),
            where.span(*path),
            "write one of them: {column: room_id, with: '='} or "
            "{expression: 'tstzrange(starts_at, ends_at)', with: '&&'}",
        )
        return None
    if element.column is not None and element.column not in columns:
        ctx.error(
            "E221",
            f"{what}: no column '{element.column}'",
            where.span(*path, "column"),
            suggestion(element.column, columns) or "compare a column of the table",
        )
    operator = parse_operator(element.with_)
    if isinstance(operator, str):
        ctx.error(
            "E220",
            f"{what}: '{element.with_.strip()}' is not an operator: {operator}",
            where.span(*path, "with"),
            "write the operator's symbol ('=', '&&') or OPERATOR(schema.op)",
        )
        operator = (None, "=")
    if element.opclass is not None and not _OPCLASS.fullmatch(element.opclass.strip()):
        ctx.error(
            "E222",
            f"{what}: '{element.opclass}' is not an operator class name",
            where.span(*path, "opclass"),
            "write the class's name, e.g. gist_int4_ops or myschema.my_ops",
        )
    column, expression = element.column, element.expression
    bare = None if expression is None else _bare_column(expression, columns)
    if bare is not None:
        # PostgreSQL stores `(room_id)` as the column itself: so does the model
        column, expression = bare, None
    elif expression is not None:
        expression = checked_expression(ctx, expression, where.span(*path, "expression"))
    return construct(
        ExclusionElement,
        column=column,
        expression=expression,
        opclass=None if element.opclass is None else element.opclass.strip(),
        operator=operator[1],
        operator_schema=operator[0],
    )


def _bare_column(text: str, columns: list[str]) -> str | None:
    """The column an expression element only names (`room_id`, `(room_id)`, `"Room"`)."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    if re.fullmatch(_IDENT, text):
        text = text.lower()
    elif re.fullmatch(r'"(?:[^"]|"")+"', text):
        text = text[1:-1].replace('""', '"')
    else:
        return None
    return text if text in columns else None


def check_partitioned_exclusions(ctx: Context, table: Table, version: int) -> None:
    """E223: PostgreSQL 17 takes an exclusion constraint on a partitioned table only when it
    compares every partition key column with `=`; earlier versions take none."""
    partitioning = table.partitioning
    if partitioning is None:
        return
    for ex in table.exclusions:
        if version < 17:
            ctx.error(
                "E223",
                f"exclusion constraint {ex.name} on {table.name}: PostgreSQL {version} does not "
                "support exclusion constraints on partitioned tables",
                ex.span,
                "declare it on each partition, or target PostgreSQL 17 (postgres_version)",
            )
            continue
        equal = {e.column for e in ex.elements if e.operator == "=" and e.operator_schema is None}
        missing = [k for k in partitioning.keys if k not in equal]
        if missing:
            ctx.error(
                "E223",
                f"exclusion constraint {ex.name} on {table.name}: the partition key column "
                f"'{missing[0]}' is not an element compared with '='",
                ex.span,
                f"add {{column: {missing[0]}, with: '='}} to its elements",
            )
