"""Tables PostgreSQL refuses at CREATE TABLE: columns, their types and keys, constraint names.

One pass over the columns of every table; each check is a set lookup or a cached judgement of a
distinct type spelling, so a 1,000-table schema costs a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from schemac.model.schema import Column, Index, MaterializedView, Table
from schemac.resolve.check_types import TypeProblem, modifier_problem
from schemac.resolve.context import Context, TableDraft
from schemac.source import Span

#: system columns every table has (PostgreSQL 12 made oid an ordinary name):
#: column name "xmin" conflicts with a system column name
SYSTEM_COLUMNS = frozenset({"tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"})
#: MaxHeapAttributeNumber: tables can have at most 1600 columns
MAX_COLUMNS = 1600
#: INDEX_MAX_KEYS: cannot use more than 32 columns in an index (key and INCLUDE columns alike);
#: the same limit holds for foreign keys and partition keys
MAX_KEYS = 32
SERIAL_TYPES = frozenset({"serial", "bigserial", "smallserial"})


def column_span(draft: TableDraft, name: str, key: str | None = None) -> Span | None:
    """Where a column's `key` was written; a trait's column points at the trait."""
    spec_span = draft.columns[name][1] if name in draft.columns else None
    if name not in draft.columns or draft.columns[name][2] is not None:
        return spec_span
    if key is None:
        return draft.where.key_span("columns", name)
    return draft.where.span("columns", name, key) or spec_span


@dataclass
class TableChecks:
    """What the table pass shares across tables: the judgement of each distinct type spelling,
    and the columns that own a sequence (for check_names)."""

    version: int
    problems: dict[str, TypeProblem | None] = field(default_factory=dict)
    #: qualified table name -> its serial and identity columns
    sequenced: dict[str, list[Column]] = field(default_factory=dict)


def primary_key_span(draft: TableDraft) -> Span | None:
    """Where the primary key was declared: the table's primary_key: list, or the column that
    says primary_key: true (or the trait that brings it)."""
    if draft.spec.primary_key is not None:
        return draft.where.span("primary_key")
    if draft.primary_key:
        return column_span(draft, draft.primary_key[0], "primary_key")
    return draft.where.key_span()


def check_table(ctx: Context, draft: TableDraft, table: Table, shared: TableChecks) -> None:
    columns = table.columns
    if len(columns) > MAX_COLUMNS:
        ctx.error(
            "E110",
            f"table {table.name} has {len(columns)} columns; PostgreSQL allows at most "
            f"{MAX_COLUMNS} (tables can have at most 1600 columns)",
            columns[MAX_COLUMNS].span or draft.where.key_span(),
            "split the table: move groups of columns into 1:1 side tables, or into jsonb",
        )
    # this runs for every table of the schema: the columns are walked at C speed (map over an
    # attrgetter), and only what that finds is looked at one by one
    problems = shared.problems
    types = set(map(_TYPE, columns))
    for spelled in types:
        problem = problems.get(spelled, _UNSEEN)
        if problem is _UNSEEN:
            problem = problems[spelled] = modifier_problem(spelled, shared.version)
        if problem is not None:
            for column in columns:
                if column.type == spelled:
                    ctx.error(
                        problem.code,
                        f"column {table.name}.{column.name}: {problem.message}",
                        column_span(draft, column.name, "type"),
                        problem.help,
                    )
    if not SYSTEM_COLUMNS.isdisjoint(draft.columns):
        for column in columns:
            if column.name in SYSTEM_COLUMNS:
                _system_column(ctx, table, column)
    sequenced: list[Column] = []
    if any(map(_IDENTITY, columns)) or not SERIAL_TYPES.isdisjoint(types):
        sequenced = [c for c in columns if c.identity is not None or c.type in SERIAL_TYPES]
    for column in sequenced:
        _check_generated_values(ctx, draft, table, column)
    if sequenced:
        shared.sequenced[table.qualified_name] = sequenced
    _check_key_counts(ctx, table, primary_key_span(draft) if table.primary_key else None)
    if len(table.uniques) + len(table.checks) + len(table.foreign_keys) + len(table.exclusions):
        _check_constraint_names(ctx, table)


_UNSEEN = TypeProblem("", "", "")
_TYPE, _IDENTITY, _NAME = attrgetter("type"), attrgetter("identity"), attrgetter("name")


def _system_column(ctx: Context, table: Table, column: Column) -> None:
    name = column.name
    ctx.error(
        "E109",
        f"column {table.name}.{name}: '{name}' is a system column of every table "
        f'(column name "{name}" conflicts with a system column name)',
        column.span,
        f"rename the column, e.g. '{name}_value'",
    )


def _check_generated_values(ctx: Context, draft: TableDraft, table: Table, column: Column) -> None:
    """An identity or serial column, whose values PostgreSQL generates."""
    name = column.name
    if name not in draft.columns:
        return
    spec = draft.columns[name][0]
    if column.identity is not None and spec.nullable and name not in draft.primary_key:
        # an identity column is NOT NULL: PostgreSQL refuses an explicit NULL (conflicting
        # NULL/NOT NULL declarations for column "id") and schemac renders none, so the
        # column would silently differ from the spec
        ctx.error(
            "E113",
            f"column {table.name}.{name} is an identity column and says nullable: true",
            column_span(draft, name, "nullable"),
            "identity columns are always NOT NULL; remove nullable",
        )
    base = column.type
    if base not in SERIAL_TYPES:
        return
    if spec.nullable and name not in draft.primary_key:
        # serial is NOT NULL: conflicting NULL/NOT NULL declarations for column "id"
        ctx.error(
            "E113",
            f"column {table.name}.{name} is {base} and says nullable: true",
            column_span(draft, name, "nullable"),
            f"{base} columns are always NOT NULL; remove nullable",
        )
    if spec.default is not None or spec.generated is not None:
        # serial is a nextval() default: multiple default values specified for column "id";
        # both default and generation expression specified for column "id"
        key = "default" if spec.default is not None else "generated"
        ctx.error(
            "E114",
            f"column {table.name}.{name} is {base}, which is a default of its own, and also "
            f"has a {key}",
            column_span(draft, name, key),
            f"remove the {key}, or use the integer type {_SERIAL_INTEGERS[base]} with it",
        )


_SERIAL_INTEGERS = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}


def _check_key_counts(ctx: Context, table: Table, pk_span: Span | None) -> None:
    if len(table.columns) <= MAX_KEYS:
        return  # no key can have more columns than its table (INCLUDE columns are columns too)
    keyed: list[tuple[str, int, Span | None]] = []
    if table.primary_key is not None:
        keyed.append(("primary key", len(table.primary_key.columns), pk_span))
    keyed += [(f"unique constraint {u.name}", len(u.columns), u.span) for u in table.uniques]
    keyed += [(f"index {i.name}", _index_keys(i), i.span) for i in table.indexes]
    keyed += [
        (f"exclusion constraint {x.name}", len(x.elements) + len(x.include), x.span)
        for x in table.exclusions
    ]
    for what, count, span in keyed:
        if count > MAX_KEYS:
            ctx.error(
                "E111",
                f"table {table.name}: {what} has {count} columns (INCLUDE counts); PostgreSQL "
                f"allows at most {MAX_KEYS} (cannot use more than 32 columns in an index)",
                span,
                "index fewer columns; an expression over several columns counts once",
            )
    for fk in table.foreign_keys:
        if len(fk.columns) > MAX_KEYS:
            ctx.error(
                "E111",
                f"table {table.name}: foreign key {fk.name} has {len(fk.columns)} columns; "
                f"PostgreSQL allows at most {MAX_KEYS} (cannot have more than 32 keys in a "
                "foreign key)",
                fk.span,
                "reference a narrower key (a surrogate id)",
            )


def check_matview_indexes(ctx: Context, view: MaterializedView) -> None:
    for index in view.indexes:
        if _index_keys(index) > MAX_KEYS:
            ctx.error(
                "E111",
                f"materialized view {view.name}: index {index.name} has {_index_keys(index)} "
                f"columns (INCLUDE counts); PostgreSQL allows at most {MAX_KEYS}",
                index.span,
                "index fewer columns",
            )


def _index_keys(index: Index) -> int:
    return len(index.parts) + len(index.include)


def _check_constraint_names(ctx: Context, table: Table) -> None:
    """Constraint names are unique per table: constraint "x" for relation "t" already exists
    (or check constraint "x" already exists)."""
    names = [*map(_NAME, table.uniques), *map(_NAME, table.checks)]
    names += map(_NAME, table.foreign_keys)
    names += map(_NAME, table.exclusions)
    if table.primary_key is not None:
        names.append(table.primary_key.name)
    if len(set(names)) == len(names):
        return
    named: Sequence[tuple[str, str, Span | None]] = [
        *(
            [("primary key", table.primary_key.name, table.primary_key.span)]
            if table.primary_key is not None
            else []
        ),
        *(("unique constraint", u.name, u.span) for u in table.uniques),
        *(("check", c.name, c.span) for c in table.checks),
        *(("foreign key", f.name, f.span) for f in table.foreign_keys),
        *(("exclusion constraint", x.name, x.span) for x in table.exclusions),
    ]
    seen: dict[str, str] = {}
    for what, name, span in named:
        if name in seen:
            ctx.error(
                "E108",
                f"table {table.name}: the {what} is named '{name}', like its {seen[name]}; "
                "constraint names are unique per table",
                span,
                "give one of them another name (name: on the constraint, or a new key under "
                "checks:)",
            )
        else:
            seen[name] = what
