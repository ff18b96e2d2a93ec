"""The table part of the differ: tables, columns, keys, checks, foreign keys, indexes,
partitions, row-level security and comments.

A table created in the migration gets everything in its CREATE TABLE (or right after it, in the
same transaction): nothing can be waiting on it. A table that existed before (live) is changed
the way a careful DBA changes a table under traffic: indexes built CONCURRENTLY alone outside a
transaction, keys adopted from such an index (USING INDEX), checks and foreign keys added NOT
VALID and validated in a later transaction, SET NOT NULL proven by a validated CHECK first, a
changed index built under a temporary name before the old one is dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from schemac.model.canonical import (
    same_expr,
    same_literal_sets,
    same_literals,
    zoned_keys,
)
from schemac.model.names import MAX_IDENTIFIER_BYTES, identifier_too_long
from schemac.model.schema import (
    SEQUENCE_TYPE_RANGE,
    Check,
    Column,
    Exclusion,
    ForeignKey,
    Index,
    IndexPart,
    Partition,
    Policy,
    PrimaryKey,
    SequenceOptions,
    Table,
    Unique,
    walk_partitions,
)
from schemac.model.storage import (
    COLUMN_PARAMS,
    INDEX_PARAMS,
    TABLE_PARAMS,
    Param,
    same_option,
    same_options,
)
from schemac.model.types import TypeSyntaxError, parse_type
from schemac.plan import changes as c
from schemac.plan.diff import (
    COMMENTS,
    CONSTRAINTS,
    DROP_DEPENDENTS,
    DROPS,
    INDEXES,
    LATE_INDEXES,
    PARTITIONS,
    RLS,
    TABLES,
    Diff,
    mentions,
    qualified,
)
from schemac.plan.diff_exclusions import diff_exclusions, exclusion_is_late
from schemac.plan.order import order_tables
from schemac.snapshot import snapshot_data

T = TypeVar("T")


def diff_tables(d: Diff) -> None:
    old_by_name = {t.qualified_name: t for t in d.old.tables}
    new_names = {t.qualified_name for t in d.new.tables}
    pairs: list[tuple[Table, Table]] = []
    created: list[Table] = []
    for table in d.new.tables:
        before = old_by_name.get(table.qualified_name)
        if before is None and table.renamed_from is not None:
            source = table.renamed_from
            source = source if "." in source else qualified(table.schema_name, source)
            if source in old_by_name and source not in new_names:
                before = old_by_name[source]
        if before is None:
            created.append(table)
        else:
            pairs.append((before, table))
            d.table_map[before.qualified_name] = table.qualified_name
    matched = {old.qualified_name for old, _ in pairs}
    for old, new in pairs:
        if old.schema_name != new.schema_name:
            d.reshaped.add(old.qualified_name)
            # partitions are tables of their own: they stay behind unless moved too
            for moved in (old.name, *(p.name for _, p in walk_partitions(old))):
                d.add(
                    TABLES,
                    c.SetSchema(old.schema_name, moved, new.schema_name, live=True, span=new.span),
                )
        if old.name != new.name:
            d.reshaped.add(old.qualified_name)
            d.add(
                TABLES,
                c.Rename(
                    "table", new.schema_name, old.name, old.name, new.name, live=True, span=new.span
                ),
            )
    existing = frozenset(new.qualified_name for _, new in pairs)
    d.table_rank = {t.qualified_name: i for i, t in enumerate(order_tables(d.new.tables).tables)}
    _create_tables(d, created, existing)
    # a swapped enum or a recreated function reaches into tables whose own data is unchanged
    untouched_is_unchanged = not d.swapped_enums and not d.recreated_functions
    for old, new in pairs:
        same = untouched_is_unchanged and old.name == new.name
        if same and (old is new or snapshot_data(old) == snapshot_data(new)):
            d.reshaped_columns[new.qualified_name] = set()
            continue  # nearly every table of a change is untouched: nothing to compare
        _alter_table(d, old, new)
    _drop_tables(d, [t for t in d.old.tables if t.qualified_name not in matched])


# --- tables created or dropped whole ------------------------------------------------------------


def creation(table: Table, inline: Sequence[ForeignKey], *, covered: bool) -> list[c.Change]:
    """What creates a table and everything on it (not the FKs deferred to ALTER TABLE)."""
    out: list[c.Change] = [c.CreateTable(table, tuple(inline), span=table.span)]
    out += [
        c.CreatePartition(parent, p, covered=covered, span=p.span)
        for parent, p in walk_partitions(table)
    ]
    out += _partition_objects(table, covered=covered)
    out += [
        c.CreateIndex(table.schema_name, table.name, i, covered=covered, span=i.span)
        for i in table.indexes
    ]
    out += [
        c.SetIndexStatistics(table.schema_name, table.name, i.name, i.statistics, covered=covered)
        for i in table.indexes
        if i.statistics
    ]
    if table.rls.enabled or table.rls.force:
        out.append(c.EnableRls(table, covered=covered))
    out += [c.CreatePolicy(table, p, covered=covered, span=p.span) for p in table.rls.policies]
    if table.replica_identity is not None:
        out.append(c.SetReplicaIdentity(table, covered=covered, span=table.span))
    out += [
        c.AddConstraint(table, check, not_valid=True, covered=covered, span=check.span)
        for check in table.checks
        if not check.valid
    ]
    out += [
        c.SetColumnStorage(
            table, col.name, col.statistics, col.options, covered=covered, span=col.span
        )
        for col in table.columns
        if col.statistics is not None or col.options
    ]
    out += table_comments(table, covered=covered)
    return out


def _partition_objects(table: Table, *, covered: bool, live: bool = False) -> list[c.Change]:
    """The indexes and foreign keys the partitions declare for themselves."""
    out: list[c.Change] = []
    for part in table.partitions:
        if not (part.indexes or part.foreign_keys):
            continue
        own = part.as_table(table)
        out += [
            c.CreateIndex(table.schema_name, part.name, i, covered=covered, live=live, span=i.span)
            for i in part.indexes
        ]
        out += [
            c.AddForeignKey(
                own, fk, not_valid=not fk.valid, covered=covered, live=live, span=fk.span
            )
            for fk in part.foreign_keys
        ]
    return out


AnyConstraint = PrimaryKey | Unique | Check | Exclusion | ForeignKey


def _constraints(table: Table) -> list[AnyConstraint]:
    return [
        *([table.primary_key] if table.primary_key else []),
        *table.uniques,
        *table.checks,
        *table.exclusions,
        *table.foreign_keys,
    ]


def constraint_comment(
    table: Table,
    con: AnyConstraint,
    previous: str | None,
    **facts: object,
) -> c.Comment:
    return c.Comment(
        "constraint",
        table.schema_name,
        con.name,
        con.description,
        sub=table.name,
        previous=previous,
        span=con.span,
        **facts,  # type: ignore[arg-type]
    )


def table_comments(table: Table, *, covered: bool) -> list[c.Change]:
    out: list[c.Change] = []
    if table.description:
        out.append(
            c.Comment(
                "table",
                table.schema_name,
                table.name,
                table.description,
                covered=covered,
                span=table.span,
            )
        )
    for col in table.columns:
        if col.description:
            out.append(
                c.Comment(
                    "column",
                    table.schema_name,
                    table.name,
                    col.description,
                    sub=col.name,
                    covered=covered,
                    span=col.span,
                )
            )
    for con in _constraints(table):
        if con.description and not isinstance(con, ForeignKey):
            out.append(constraint_comment(table, con, None, covered=covered))
    out += [
        _policy_comment(table, p, None, covered=covered)
        for p in table.rls.policies
        if p.description is not None
    ]
    return out


_BUCKET_OF = {
    c.CreateTable: TABLES,
    c.AddConstraint: CONSTRAINTS,
    c.SetColumnStorage: TABLES,
    c.SetIndexStatistics: INDEXES,
    c.AddForeignKey: CONSTRAINTS,
    c.CreatePartition: PARTITIONS,
    c.CreateIndex: INDEXES,
    c.EnableRls: RLS,
    c.SetReplicaIdentity: RLS,
    c.CreatePolicy: RLS,
    c.Comment: COMMENTS,
}


def _create_tables(d: Diff, tables: list[Table], existing: frozenset[str]) -> None:
    order = order_tables(tables, existing)
    late: dict[str, list[ForeignKey]] = {}
    for table in order.tables:
        deferred = {fk.name for fk in order.deferred.get(table.qualified_name, [])}
        inline = []
        for fk in table.foreign_keys:
            if fk.name in deferred:
                continue
            if _key_is_an_index(d, fk) or not fk.valid:
                late.setdefault(table.qualified_name, []).append(fk)
            else:
                inline.append(fk)
        late_indexes: set[str] = set()
        late_exclusions = [x for x in table.exclusions if exclusion_is_late(d, x)]
        for change in creation(table, inline, covered=True):
            bucket = _BUCKET_OF[type(change)]
            if isinstance(change, c.CreateTable) and late_exclusions:
                # added once the operators and functions they use exist, dropped on their own
                # before them in the down migration
                kept = tuple(x for x in table.exclusions if x not in late_exclusions)
                change = replace(change, table=table.model_copy(update={"exclusions": kept}))
                d.add(bucket, change)
                for x in late_exclusions:
                    d.add(LATE_INDEXES, c.AddConstraint(table, x, span=x.span))
                continue
            if isinstance(change, c.CreateIndex) and _uses_operator(d, change.index):
                # dropped on its own in the down migration, before the operator it uses
                change = replace(change, covered=False)
            if isinstance(change, c.CreateIndex) and (
                _calls_late_function(d, change.index) or not change.covered
            ):
                bucket = LATE_INDEXES
                late_indexes.add(change.index.name)
            if isinstance(change, c.SetIndexStatistics) and change.index in late_indexes:
                bucket = LATE_INDEXES
            d.add(bucket, change)
    for table in order.tables:
        name = table.qualified_name
        for fk in (*order.deferred.get(name, []), *late.get(name, [])):
            d.add(CONSTRAINTS, c.AddForeignKey(table, fk, not_valid=not fk.valid, span=fk.span))
        for fk in table.foreign_keys:
            if fk.description:
                d.add(COMMENTS, constraint_comment(table, fk, None, covered=True))


def _key_is_an_index(d: Diff, fk: ForeignKey) -> bool:
    """The referenced columns are unique only through a unique index, which is created after
    the tables: the foreign key must wait for it."""
    target = d.new.table(qualified(fk.ref_schema, fk.ref_table))
    if target is None:
        return False
    wanted = set(fk.ref_columns)
    keys = [k.columns for k in target.uniques]
    if target.primary_key is not None:
        keys.append(target.primary_key.columns)
    return not any(set(k) == wanted for k in keys)


def _uses_operator(d: Diff, index: Index) -> bool:
    """The index's expressions or predicate may use an operator of the specs (created after
    the functions): any text holding one's symbol is taken as a use."""
    symbols = {op.name for op in d.new.operators}
    texts = [p.expression for p in index.parts] + [index.where]
    return bool(symbols) and any(t and any(s in t for s in symbols) for t in texts)


def _calls_late_function(d: Diff, index: Index) -> bool:
    """The index's expressions or predicate call a function created after the tables."""
    texts = [p.expression for p in index.parts] + [index.where]
    if not d.late_functions:
        return False
    return any(mentions(t, d.late_functions) for t in texts)


def _drop_tables(d: Diff, tables: list[Table]) -> None:
    order = order_tables(tables)
    for table in reversed(order.tables):
        for fk in order.deferred.get(table.qualified_name, []):
            back = (c.AddForeignKey(table, fk),)
            d.add(DROP_DEPENDENTS, c.DropConstraint(table, fk.name, restore=back, live=True))
    for table in reversed(order.tables):
        deferred = {fk.name for fk in order.deferred.get(table.qualified_name, [])}
        inline = [fk for fk in table.foreign_keys if fk.name not in deferred]
        restore = tuple(replace(ch, covered=False) for ch in creation(table, inline, covered=False))
        d.reshaped.add(table.qualified_name)
        d.add(
            DROPS,
            c.Drop(
                "table",
                table.schema_name,
                table.name,
                restore=restore,
                destructive=True,
                live=True,
            ),
        )


# --- matching ---------------------------------------------------------------------------------


def pair(
    old: Sequence[T],
    new: Sequence[T],
    name: Callable[[T], str],
    renamed_from: Callable[[T], str | None],
    derived: Callable[[str], str],
) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Old/new pairs by name, by `renamed_from`, or by a derived name that follows a table
    rename (`uq_users_email` -> `uq_members_email`); then what only one side has."""
    old_by_name = {name(o): o for o in old}
    new_names = {name(n) for n in new}
    pairs: list[tuple[T, T]] = []
    added: list[T] = []
    for item in new:
        before = old_by_name.pop(name(item), None)
        if before is None:
            source = renamed_from(item)
            if source is not None and source in old_by_name and source not in new_names:
                before = old_by_name.pop(source)
        if before is None:
            source = next(
                (o for o in old_by_name if derived(o) == name(item) and o not in new_names), None
            )
            if source is not None:
                before = old_by_name.pop(source)
        if before is None:
            added.append(item)
        else:
            pairs.append((before, item))
    return pairs, added, list(old_by_name.values())


def _no_rename(_: object) -> str | None:
    return None


def _renamed_from(item: Check | ForeignKey) -> str | None:
    return item.renamed_from


def helper_name(base: str, suffix: str) -> str:
    """`{base}_{suffix}`, shortened with a hash when it would pass PostgreSQL's 63 bytes."""
    name = f"{base}_{suffix}"
    if not identifier_too_long(name):
        return name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    keep = MAX_IDENTIFIER_BYTES - len(suffix) - len(digest) - 2
    return f"{base.encode('utf-8')[:keep].decode('utf-8', 'ignore')}_{digest}_{suffix}"


# --- one live table ----------------------------------------------------------------------------


def _alter_table(d: Diff, old: Table, new: Table) -> None:
    old_table = old.name

    def derived(name: str) -> str:
        return name.replace(old_table, new.name, 1) if old_table != new.name else name

    reshaped, dropped, renames = _columns(d, old, new)
    d.reshaped_columns[new.qualified_name] = reshaped

    def follow(columns: tuple[str, ...]) -> tuple[str, ...]:
        # PostgreSQL keeps keys and indexes on a renamed column: compare them by the new name
        return tuple(renames.get(col, col) for col in columns)

    _keys(d, old, new, derived, follow)
    _checks(d, old, new, derived)
    diff_exclusions(d, old, new, derived, follow)
    _foreign_keys(d, old, new, derived, follow)
    regenerated = d.regenerated_columns.get(new.qualified_name, set())
    _indexes(d, old, new, derived, dropped | set(renames) | regenerated, follow)
    _partitions(d, old, new, derived)
    _rls(d, old, new, reshaped)
    _replica_identity(d, old, new)
    _storage(d, old, new, renames, dropped | regenerated)
    if old.description != new.description:
        d.add(
            COMMENTS,
            c.Comment(
                "table", new.schema_name, new.name, new.description, previous=old.description
            ),
        )


def _columns(d: Diff, old: Table, new: Table) -> tuple[set[str], set[str], dict[str, str]]:
    """Columns added, altered, renamed and dropped; returns the (old) names of the columns
    that changed under their dependents (dropped, renamed or given a new type), those dropped,
    and the renames (old name -> new name)."""
    pairs, added, dropped = pair(
        old.columns, new.columns, lambda col: col.name, lambda col: col.renamed_from, str
    )
    reshaped: set[str] = set()
    renames: dict[str, str] = {}
    for before, after in pairs:
        if before.name != after.name:
            reshaped.add(before.name)
            renames[before.name] = after.name
            d.add(
                TABLES,
                c.Rename(
                    "column",
                    new.schema_name,
                    new.name,
                    before.name,
                    after.name,
                    live=True,
                    span=after.span,
                ),
            )
        if _alter_column(d, new, before, after):
            reshaped.add(after.name)
    for col in added:
        d.add(TABLES, c.AddColumn(new, col, live=True, span=col.span))
        if col.description:
            d.add(
                COMMENTS,
                c.Comment(
                    "column", new.schema_name, new.name, col.description, sub=col.name, covered=True
                ),
            )
    for col in dropped:
        reshaped.add(col.name)
        d.add(DROPS, c.DropColumn(new, col, live=True, span=new.span))
    if reshaped:
        d.reshaped.add(old.qualified_name)
    return reshaped, {col.name for col in dropped}, renames


def _enum_aside(d: Diff, type_text: str) -> str | None:
    """The temporary name of the enum a column uses when that enum is being swapped."""
    for name, aside in d.swapped_enums.items():
        if type_text in (name, name.split(".", 1)[1]):
            return (
                qualified(aside.schema_name, aside.name)
                if aside.schema_name != "public"
                else aside.name
            )
    return None


def _alter_column(d: Diff, table: Table, old: Column, new: Column) -> bool:
    """ALTER COLUMN changes for one column; True when its type changed."""
    retyped = old.type != new.type or (old.collation or None) != (new.collation or None)
    aside = _enum_aside(d, new.type)
    if aside is not None and old.type == new.type:
        old = old.model_copy(update={"type": aside})
        retyped = True
    default_done = False
    if retyped:
        using = new.using or using_clause(d, new.name, old.type, new.type)
        back = using_clause(d, new.name, new.type, old.type)
        rewrite = not no_rewrite(old.type, new.type)
        rebuilt = () if rewrite else _rebuilt_by_retype(table, new, old.collation)
        if not rewrite:
            d.retyped_in_place.setdefault(table.qualified_name, set()).add(new.name)
        dance = using is not None and old.default is not None
        if dance:
            d.add(
                TABLES,
                _alter(
                    table,
                    "drop default",
                    old,
                    old.model_copy(update={"default": None, "span": new.span}),
                ),
            )
        mid_old = old.model_copy(update={"default": None}) if dance else old
        mid_new = new.model_copy(update={"default": None}) if dance else new
        d.add(
            TABLES,
            c.AlterColumn(
                table,
                "type",
                mid_old,
                mid_new,
                using,
                rewrite,
                back,
                rewrite_back=not no_rewrite(new.type, old.type),
                rebuilt=rebuilt,
                live=True,
                span=new.span,
            ),
        )
        if dance and new.default is not None:
            d.add(TABLES, _alter(table, "set default", mid_new, new))
        default_done = dance
    if (
        not default_done
        and old.default is not None
        and same_expr(old.default, new.default)
        and mentions(old.default, d.recreated_functions)
    ):
        # the function it calls is dropped and created again: the default goes around it
        cleared = old.model_copy(update={"default": None, "span": new.span})
        d.add(DROP_DEPENDENTS, _alter(table, "drop default", old, cleared))
        d.add(TABLES, _alter(table, "set default", cleared, new))
        default_done = True
    if not default_done and not same_expr(old.default, new.default):
        action: c.AlterAction = "drop default" if new.default is None else "set default"
        d.add(TABLES, _alter(table, action, old, new))
    if old.identity != new.identity:
        if old.identity is None:
            stage = c.STAGE_MAIN
            before = old
            if old.nullable:
                # PostgreSQL adds an identity to a NOT NULL column only (55000): SET NOT NULL
                # first, proven by a validated check, and the identity after it in that stage
                before = old.model_copy(update={"nullable": False})
                _set_not_null(d, table, old, before)
                stage = c.STAGE_VALIDATE
            d.add(
                TABLES,
                c.AlterColumn(
                    table, "add identity", before, new, stage=stage, live=True, span=new.span
                ),
            )
            # the new sequence starts at its start: move it past the values the rows hold
            d.add(TABLES, c.SyncIdentity(table, new.name, stage=stage, live=True, span=new.span))
        elif new.identity is None:
            d.add(TABLES, _alter(table, "drop identity", old, new))
        else:
            d.add(TABLES, _alter(table, "set identity", old, new))
    if (
        old.identity is not None
        and new.identity is not None
        and _identity_options(old, new.type) != _identity_options(new, new.type)
    ):
        d.add(TABLES, _alter(table, "set identity options", old, new))
    nullable_before = old.nullable and old.identity is None
    nullable_after = new.nullable and new.identity is None
    if nullable_before and not nullable_after and new.identity is None:
        _set_not_null(d, table, old, new)
    elif not nullable_before and nullable_after:
        d.add(TABLES, _alter(table, "drop not null", old, new))
    if not same_expr(old.generated, new.generated) and _regenerate(d, table, old, new):
        if new.description and new.generated is not None:  # dropped with the column
            comment = c.Comment(
                "column", table.schema_name, table.name, new.description, sub=new.name
            )
            d.add(COMMENTS, replace(comment, covered=True))
        return True
    if old.description != new.description:
        d.add(
            COMMENTS,
            c.Comment(
                "column",
                table.schema_name,
                table.name,
                new.description,
                sub=new.name,
                previous=old.description,
            ),
        )
    return retyped


def _identity_options(column: Column, type_: str) -> SequenceOptions:
    """The options of an identity column's sequence once the column has type `type_`: a type
    change moves a minimum or maximum that was the old type's bound to the new type's bound
    (PostgreSQL's ALTER SEQUENCE ... AS), and keeps every other option."""
    options = column.identity_sequence
    if column.type == type_ or column.type not in SEQUENCE_TYPE_RANGE:
        return options
    low, high = SEQUENCE_TYPE_RANGE[column.type]
    new_low, new_high = SEQUENCE_TYPE_RANGE.get(type_, (low, high))
    return options.model_copy(
        update={
            "min_value": new_low if options.min_value == low else options.min_value,
            "max_value": new_high if options.max_value == high else options.max_value,
        }
    )


def _rebuilt_by_retype(table: Table, column: Column, old_collation: str | None) -> tuple[str, ...]:
    """What a type change without a table rewrite still reads every row for under ACCESS
    EXCLUSIVE: when the collation changes, PostgreSQL builds the indexes over the column again
    (measured on PostgreSQL 15; a widened varchar keeps its indexes). It also validates the
    checks on the column again: _checks takes them off around the change instead."""
    names = {column.name}
    out: list[str] = []
    if (old_collation or None) != (column.collation or None):
        keys: list[PrimaryKey | Unique] = [*([table.primary_key] if table.primary_key else [])]
        keys += table.uniques
        out += [key.name for key in keys if column.name in key.columns]
        out += [x.name for x in table.exclusions if _constrains(x, column.name)]
        out += [index.name for index in table.indexes if _reads(index, names)]
    return tuple(out)


def _regenerate(d: Diff, table: Table, old: Column, new: Column) -> bool:
    """A generation expression changed, was added or removed: the column is dropped and added
    again (DROP EXPRESSION when it becomes plain); True when planned, its indexes and the views
    reading it then built again around it."""
    held = [
        con.name
        for con in (
            *table.uniques,
            *table.checks,
            *table.exclusions,
            *table.foreign_keys,
            table.primary_key,
        )
        if con is not None and _constrains(con, new.name)
    ]
    if held:
        d.problem(
            f"column {table.name}.{new.name}: a changed generation expression is not planned "
            f"while constraints use the column ({', '.join(held)}): PostgreSQL 15 cannot alter "
            "it in place, and dropping the column would drop them",
            new.span,
            "add a new generated column under another name, move the constraints to it, and "
            "drop the old one in a later change",
        )
        return False
    if new.generated is None:
        # catalog only, but its down drops and adds the column: the dependents go around it
        d.add(TABLES, _alter(table, "drop expression", old, new))
    else:
        d.add(TABLES, c.RegenerateColumn(table, old, new, live=True, span=new.span))
    d.regenerated_columns.setdefault(table.qualified_name, set()).add(new.name)
    return True


def _constrains(con: object, column: str) -> bool:
    if isinstance(con, Check):
        return con.column == column or mentions(con.expression, [column])
    if isinstance(con, Exclusion):
        texts = [e.expression for e in con.elements] + [con.where]
        return (
            any(e.column == column for e in con.elements)
            or column in con.include
            or any(mentions(t, [column]) for t in texts if t)
        )
    return column in getattr(con, "columns", ())


def _alter(table: Table, action: c.AlterAction, old: Column, new: Column) -> c.AlterColumn:
    return c.AlterColumn(table, action, old, new, live=True, span=new.span)


def _set_not_null(d: Diff, table: Table, old: Column, new: Column) -> None:
    """CHECK (col IS NOT NULL) NOT VALID -> VALIDATE -> SET NOT NULL -> drop the check:
    the scan runs under SHARE UPDATE EXCLUSIVE, SET NOT NULL only reads the validated check."""
    from schemac.model.names import quote_ident

    name = helper_name(f"{table.name}_{new.name}", "not_null")
    check = Check(name=name, expression=f"{quote_ident(new.name)} IS NOT NULL")
    d.add(
        TABLES, c.AddConstraint(table, check, not_valid=True, helper=True, live=True, span=new.span)
    )
    d.add(TABLES, c.ValidateConstraint(table, name, stage=c.STAGE_VALIDATE, live=True))
    d.add(
        TABLES,
        c.AlterColumn(
            table,
            "set not null",
            old,
            new,
            proven=True,
            stage=c.STAGE_VALIDATE,
            live=True,
            span=new.span,
        ),
    )
    d.add(TABLES, c.DropConstraint(table, name, if_exists=True, stage=c.STAGE_VALIDATE, live=True))


# --- type changes -------------------------------------------------------------------------------

_TEXT = {"varchar", "text"}
_WIDENS = {
    "varchar",
    "numeric",
    "timestamp",
    "timestamptz",
    "time",
    "timetz",
    "interval",
    "varbit",
    "bit varying",
}


def no_rewrite(old: str, new: str) -> bool:
    """True for type changes PostgreSQL makes without rewriting the table or its indexes:
    binary-coercible types (varchar -> text, cidr -> inet) and relaxed modifiers (varchar(n) ->
    varchar(m >= n), numeric(p, s) -> numeric(q >= p, s), timestamp(p) -> timestamp(q >= p))."""
    try:
        a, b = parse_type(old), parse_type(new)
    except TypeSyntaxError:
        return False
    if a.array_dims != b.array_dims or a.schema != b.schema:
        return False
    if a.base in _TEXT and b.base == "text":
        return True
    if a.base == "text" and b.base == "varchar" and not b.modifiers:
        return True
    if (a.base, b.base) == ("cidr", "inet"):
        return True
    if a.base != b.base or a.base not in _WIDENS:
        return a.base == b.base and a.modifiers == b.modifiers
    if not b.modifiers:
        return True
    if not a.modifiers:
        return False
    if a.base == "numeric":
        scale_a = a.modifiers[1] if len(a.modifiers) > 1 else "0"
        scale_b = b.modifiers[1] if len(b.modifiers) > 1 else "0"
        return scale_a == scale_b and int(b.modifiers[0]) >= int(a.modifiers[0])
    return int(b.modifiers[0]) >= int(a.modifiers[0])


def using_clause(d: Diff, column: str, old: str, new: str) -> str | None:
    """The USING expression a type change needs (None when an implicit cast does it)."""
    from schemac.model.names import quote_ident
    from schemac.model.types import sql_type

    if no_rewrite(old, new):
        return None
    try:
        a, b = parse_type(old), parse_type(new)
    except TypeSyntaxError:
        return None
    if a.base == b.base and a.schema == b.schema and a.array_dims == b.array_dims:
        return None  # same type, other modifiers: the assignment cast applies them
    enums = {e.qualified_name for e in (*d.old.enums, *d.new.enums)}
    enums |= {e.name for e in (*d.old.enums, *d.new.enums)}
    enums |= {qualified(e.schema_name, e.name) for e in d.swapped_enums.values()}
    enums |= {e.name for e in d.swapped_enums.values()}
    hop = "::text" if old in enums or new in enums else ""
    return f"{quote_ident(column)}{hop}::{sql_type(new)}"


# --- storage options -----------------------------------------------------------------------------


def _storage(d: Diff, old: Table, new: Table, renames: dict[str, str], recreated: set[str]) -> None:
    """Persistence, storage parameters and the columns' statistics targets and options."""
    if old.unlogged != new.unlogged:
        d.add(TABLES, c.SetPersistence(new, new.unlogged, live=True, span=new.span))
    if not same_options(TABLE_PARAMS, old.storage, new.storage):
        set_, reset = _option_changes(TABLE_PARAMS, old.storage, new.storage)
        d.add(TABLES, c.SetStorage(new, set_, reset, old.storage, live=True, span=new.span))
    before = {renames.get(col.name, col.name): col for col in old.columns}
    for col in new.columns:
        was = before.get(col.name)
        if was is not None and (was.name in recreated or col.name in recreated):
            was = None  # the column is added again: it starts from the defaults
        old_stats = was.statistics if was is not None else None
        old_options = was.options if was is not None else ()
        stats = col.statistics if col.statistics != old_stats else None
        if stats is None and old_stats is not None and col.statistics is None:
            stats = -1  # statistics: left out again: back to the server default
        set_, reset = _option_changes(COLUMN_PARAMS, old_options, col.options)
        if stats is None and not set_ and not reset:
            continue
        d.add(
            TABLES,
            c.SetColumnStorage(
                new,
                col.name,
                stats,
                set_,
                reset,
                old_stats,
                old_options,
                live=was is not None,
                span=col.span,
            ),
        )


def _option_changes(
    known: dict[str, Param], old: c.Options, new: c.Options
) -> tuple[c.Options, tuple[str, ...]]:
    """What SET (...) and RESET (...) take from the old options to the new."""
    before = dict(old)
    set_ = tuple(
        (k, v) for k, v in new if k not in before or not same_option(known.get(k), before[k], v)
    )
    after = dict(new)
    return set_, tuple(k for k in before if k not in after)


# --- keys, checks, foreign keys ----------------------------------------------------------------


Follow = Callable[[tuple[str, ...]], tuple[str, ...]]


def _keys(d: Diff, old: Table, new: Table, derived: Callable[[str], str], follow: Follow) -> None:
    old_keys: list[PrimaryKey | Unique] = [
        *([old.primary_key] if old.primary_key else []),
        *old.uniques,
    ]
    new_keys: list[PrimaryKey | Unique] = [
        *([new.primary_key] if new.primary_key else []),
        *new.uniques,
    ]
    pairs, added, removed = pair(
        old_keys, new_keys, lambda k: k.name, lambda k: k.renamed_from, derived
    )
    # a key whose name alone changed (an imported name adopted, or the derived one taken back)
    # is renamed: the same columns, kind and deferral on both sides
    for after in list(added):
        before = next(
            (
                k
                for k in removed
                if _same_key(k.model_copy(update={"columns": follow(k.columns)}), after)
            ),
            None,
        )
        if before is not None:
            removed.remove(before)
            added.remove(after)
            pairs.append((before, after))
    for before, after in pairs:
        seen = before.model_copy(update={"columns": follow(before.columns)})
        if _same_key(seen, after):
            if before.name != after.name:
                d.add(TABLES, _rename_constraint(new, before.name, after.name))
            _comment_changed(d, new, after, before.description)
            continue
        stage = _add_key(d, new, after, replacing=seen)
        _comment_changed(d, new, after, None, stage)
    for key in added:
        stage = _add_key(d, new, key, replacing=None)
        _comment_changed(d, new, key, None, stage)
    for key in removed:
        d.add(DROP_DEPENDENTS, _drop_constraint(old, key.name, c.AddConstraint(old, key)))


def _same_key(a: PrimaryKey | Unique, b: PrimaryKey | Unique) -> bool:
    if type(a) is not type(b) or a.columns != b.columns:
        return False
    if isinstance(a, Unique) and isinstance(b, Unique):
        return (a.deferrable, a.initially_deferred) == (b.deferrable, b.initially_deferred)
    return True


def _comment_changed(
    d: Diff,
    table: Table,
    con: AnyConstraint,
    previous: str | None,
    stage: int = c.STAGE_MAIN,
) -> None:
    """COMMENT ON CONSTRAINT when the constraint's description is not what it has (`previous`:
    None for a constraint added by this plan), in the stage the constraint exists from."""
    if con.description != previous:
        d.add(COMMENTS, constraint_comment(table, con, previous, stage=stage, live=True))


def _add_key(
    d: Diff, table: Table, key: PrimaryKey | Unique, replacing: PrimaryKey | Unique | None
) -> int:
    """A key on a live table adopts a unique index built concurrently beforehand; returns the
    stage the key exists from."""
    if table.partitioning is not None:
        # USING INDEX is refused on partitioned tables: the key is added directly
        if replacing is not None:
            d.add(
                DROP_DEPENDENTS,
                _drop_constraint(table, replacing.name, c.AddConstraint(table, replacing)),
            )
        d.add(CONSTRAINTS, c.AddConstraint(table, key, live=True, span=key.span))
        return c.STAGE_MAIN
    index_name = (
        key.name
        if replacing is None or replacing.name != key.name
        else helper_name(key.name, "ccnew")
    )
    index = Index(
        name=index_name, parts=tuple(IndexPart(column=col) for col in key.columns), unique=True
    )
    d.add(
        INDEXES,
        c.CreateIndex(
            table.schema_name,
            table.name,
            index,
            concurrently=True,
            stage=c.STAGE_CONCURRENT,
            live=True,
            span=key.span,
        ),
    )
    if replacing is not None:
        d.add(
            CONSTRAINTS,
            _drop_constraint(
                table, replacing.name, c.AddConstraint(table, replacing), stage=c.STAGE_VALIDATE
            ),
        )
    d.add(
        CONSTRAINTS,
        c.AddConstraint(
            table, key, using_index=index_name, stage=c.STAGE_VALIDATE, live=True, span=key.span
        ),
    )
    return c.STAGE_VALIDATE


def _rename_constraint(table: Table, old: str, new: str) -> c.Rename:
    return c.Rename("constraint", table.schema_name, table.name, old, new, live=True)


def _drop_constraint(
    table: Table, name: str, restore: c.Change, *, stage: int = c.STAGE_MAIN
) -> c.DropConstraint:
    return c.DropConstraint(
        table, name, restore=(replace(restore, live=True),), stage=stage, live=True
    )


def _checks(d: Diff, old: Table, new: Table, derived: Callable[[str], str]) -> None:
    pairs, added, removed = pair(old.checks, new.checks, lambda k: k.name, _renamed_from, derived)
    # a check on a column retyped in place would be validated again under the ALTER's ACCESS
    # EXCLUSIVE: it is dropped before, added NOT VALID after, and validated in a later transaction
    retyped = d.retyped_in_place.get(new.qualified_name, set())
    for before, after in pairs:
        calls_recreated = mentions(before.expression, d.recreated_functions)
        if retyped and mentions(after.expression, retyped):
            calls_recreated = True
        same = same_expr(before.expression, after.expression) and not calls_recreated
        if same and (after.valid or not before.valid):
            if before.name != after.name:
                d.add(TABLES, _rename_constraint(new, before.name, after.name))
            if not before.valid and after.valid:
                _validate_kept(d, new, after, c.AddConstraint(new, after, not_valid=True))
            _comment_changed(d, new, after, before.description)
            continue
        back = c.AddConstraint(old, before, not_valid=not before.valid)
        d.add(DROP_DEPENDENTS, _drop_constraint(old, before.name, back))
        added.append(after)
    for check in added:
        d.add(CONSTRAINTS, c.AddConstraint(new, check, not_valid=True, live=True, span=check.span))
        if check.valid:
            d.add(
                CONSTRAINTS,
                c.ValidateConstraint(new, check.name, stage=c.STAGE_VALIDATE, live=True),
            )
        _comment_changed(d, new, check, None)
    for check in removed:
        d.add(DROP_DEPENDENTS, _drop_constraint(old, check.name, c.AddConstraint(old, check)))


def _same_fk(d: Diff, a: ForeignKey, b: ForeignKey, follow: Follow) -> bool:
    target = d.table_map.get(qualified(a.ref_schema, a.ref_table))
    return (
        follow(a.columns) == b.columns
        and target == qualified(b.ref_schema, b.ref_table)
        and a.ref_columns == b.ref_columns
        and (a.on_delete, a.on_update) == (b.on_delete, b.on_update)
        and (a.deferrable, a.initially_deferred) == (b.deferrable, b.initially_deferred)
    )


def _key_exists_before(d: Diff, fk: ForeignKey) -> bool:
    """The referenced key existed before this migration (else it arrives in a later stage)."""
    target = qualified(fk.ref_schema, fk.ref_table)
    before = d.live_table(target)
    if before is None:
        return True  # a table created now has its keys in CREATE TABLE
    keys = [k.columns for k in before.uniques]
    if before.primary_key is not None:
        keys.append(before.primary_key.columns)
    keys += [
        tuple(p.column or "" for p in i.parts)
        for i in before.indexes
        if i.unique and i.where is None
    ]
    return any(set(k) == set(fk.ref_columns) for k in keys)


def _foreign_keys(
    d: Diff, old: Table, new: Table, derived: Callable[[str], str], follow: Follow
) -> None:
    pairs, added, removed = pair(
        old.foreign_keys, new.foreign_keys, lambda k: k.name, _renamed_from, derived
    )
    for before, after in pairs:
        if _same_fk(d, before, after, follow) and (after.valid or not before.valid):
            if before.name != after.name:
                d.add(TABLES, _rename_constraint(new, before.name, after.name))
            if not before.valid and after.valid:
                _validate_kept(d, new, after, c.AddForeignKey(new, after, not_valid=True))
            _comment_changed(d, new, after, before.description)
            continue
        removed.append(before)
        added.append(after)
    for fk in removed:
        # the down adds it back NOT VALID: rows written since need not satisfy it
        back = c.AddForeignKey(old, fk, not_valid=True)
        d.add(DROP_DEPENDENTS, _drop_constraint(old, fk.name, back))
    for fk in added:
        early = _key_exists_before(d, fk)
        add_stage = c.STAGE_MAIN if early else c.STAGE_VALIDATE
        check_stage = c.STAGE_VALIDATE if early else c.STAGE_FINISH
        d.add(
            CONSTRAINTS,
            c.AddForeignKey(new, fk, not_valid=True, stage=add_stage, live=True, span=fk.span),
        )
        if fk.valid:
            d.add(CONSTRAINTS, c.ValidateConstraint(new, fk.name, stage=check_stage, live=True))
        _comment_changed(d, new, fk, None, add_stage)


def _validate_kept(
    d: Diff, table: Table, con: Check | ForeignKey, not_valid: c.AddConstraint | c.AddForeignKey
) -> None:
    """`valid: false` -> true on a constraint that stays: VALIDATE CONSTRAINT, whose down drops
    it and adds it back NOT VALID (PostgreSQL cannot mark a constraint not valid again)."""
    restore: tuple[c.Change, ...] = (
        c.DropConstraint(table, con.name, live=True),
        replace(not_valid, live=True, stage=c.STAGE_VALIDATE),
    )
    if con.description:
        restore += (constraint_comment(table, con, None, live=True, stage=c.STAGE_VALIDATE),)
    d.add(
        CONSTRAINTS,
        c.ValidateConstraint(
            table, con.name, restore=restore, stage=c.STAGE_VALIDATE, live=True, span=con.span
        ),
    )


# --- indexes ----------------------------------------------------------------------------------


def _part_key(part: IndexPart) -> tuple[str | None, bool, str | None, bool, str | None]:
    from schemac.model.canonical import canonical_expr

    expression = canonical_expr(part.expression) if part.expression is not None else None
    return (
        part.column,
        part.column is None,
        expression or part.opclass,
        part.descending,
        part.nulls,
    )


def same_index(a: Index, b: Index) -> bool:
    return (
        a.unique == b.unique
        and a.method == b.method
        and a.include == b.include
        and [_part_key(p) for p in a.parts] == [_part_key(p) for p in b.parts]
        and [p.opclass for p in a.parts] == [p.opclass for p in b.parts]
        and same_expr(a.where, b.where)
        and same_options(INDEX_PARAMS.get(a.method, {}), a.storage, b.storage)
    )


def _reads(index: Index, columns: set[str]) -> bool:
    if any(p.column in columns for p in index.parts) or set(index.include) & columns:
        return True
    texts = [p.expression for p in index.parts] + [index.where]
    return any(mentions(t, columns) for t in texts)


def _indexes(
    d: Diff,
    old: Table,
    new: Table,
    derived: Callable[[str], str],
    gone: set[str],
    follow: Follow,
) -> None:
    pairs, added, removed = pair(
        old.indexes, new.indexes, lambda i: i.name, lambda i: i.renamed_from, derived
    )
    schema, table = new.schema_name, new.name
    partitioned = new.partitioning is not None
    for before, after in pairs:
        seen = _followed(before, follow)
        rebuilt = _reads(before, d.regenerated_columns.get(new.qualified_name, set()))
        if not same_index(seen, after) or _calls(before, d.recreated_functions) or rebuilt:
            if partitioned or _reads(before, gone) or _calls(before, d.recreated_functions):
                removed.append(before)
                added.append(after)
                continue
            temp = helper_name(after.name, "ccnew")
            d.add(
                INDEXES,
                c.CreateIndex(
                    schema,
                    table,
                    after.model_copy(update={"name": temp}),
                    concurrently=True,
                    stage=c.STAGE_CONCURRENT,
                    live=True,
                    span=after.span,
                ),
            )
            _index_statistics(d, new, temp, after.statistics, (), c.STAGE_VALIDATE)
            if new.replica_identity == "index" and new.replica_index == after.name:
                # the identity moves to the new copy before the old index goes
                d.add(
                    INDEXES,
                    c.SetReplicaIdentity(
                        new.model_copy(update={"replica_index": temp}),
                        ("index", before.name),
                        stage=c.STAGE_VALIDATE,
                        live=True,
                        covered=True,
                    ),
                )
            d.add(INDEXES, _drop_index(old, before, concurrently=True))
            d.add(
                INDEXES,
                c.Rename("index", schema, temp, temp, after.name, stage=c.STAGE_FINISH, live=True),
            )
            continue
        if before.statistics != after.statistics:
            _index_statistics(d, new, after.name, after.statistics, before.statistics)
        if before.name != after.name:
            d.add(
                TABLES,
                c.Rename(
                    "index",
                    schema,
                    before.name,
                    before.name,
                    after.name,
                    live=True,
                    span=after.span,
                ),
            )
    for index in removed:
        # an index calling a function dropped and created again goes before the function
        online = (
            not partitioned and not _reads(index, gone) and not _calls(index, d.recreated_functions)
        )
        bucket = INDEXES if online else DROP_DEPENDENTS
        d.add(bucket, _drop_index(old, index, concurrently=online))
    for index in added:
        if not partitioned:
            d.add(
                INDEXES,
                c.CreateIndex(
                    schema,
                    table,
                    index,
                    concurrently=True,
                    stage=c.STAGE_CONCURRENT,
                    live=True,
                    span=index.span,
                ),
            )
            _index_statistics(d, new, index.name, index.statistics, (), c.STAGE_VALIDATE)
            continue
        # a partitioned parent cannot build concurrently: an invalid index on ONLY the parent,
        # each partition's index built concurrently, then attached (which validates the parent)
        d.add(INDEXES, c.CreateIndex(schema, table, index, only=True, live=True, span=index.span))
        _partition_indexes(d, schema, index, new.partitions, index.name)
        _index_statistics(d, new, index.name, index.statistics, (), c.STAGE_VALIDATE)


def _partition_indexes(
    d: Diff, schema: str, index: Index, partitions: Sequence[Partition], root: str
) -> None:
    """The index of a partitioned parent on each of its partitions: built concurrently on a
    leaf; on a sub-partitioned partition (which cannot build concurrently either) made on ONLY
    it, its own partitions' indexes attached to it first, then it is attached in turn."""
    for part in partitions:
        # named after the partition and the table's index (`root`), at every level
        child = index.model_copy(update={"name": helper_name(part.name, root)})
        if part.partitioning is None:
            d.add(
                INDEXES,
                c.CreateIndex(
                    schema,
                    part.name,
                    child,
                    concurrently=True,
                    stage=c.STAGE_CONCURRENT,
                    live=True,
                    covered=True,
                ),
            )
        else:
            d.add(
                INDEXES,
                c.CreateIndex(schema, part.name, child, only=True, live=True, covered=True),
            )
            _partition_indexes(d, schema, child, part.partitions, root)
        d.add(
            INDEXES,
            c.AttachIndex(schema, index.name, child.name, stage=c.STAGE_VALIDATE, live=True),
        )


def _index_statistics(
    d: Diff,
    table: Table,
    index: str,
    statistics: tuple[tuple[int, int], ...],
    previous: tuple[tuple[int, int], ...],
    stage: int = c.STAGE_MAIN,
) -> None:
    """SET STATISTICS on an index's expression keys, once the index exists (`stage`)."""
    if statistics or previous:
        d.add(
            INDEXES,
            c.SetIndexStatistics(
                table.schema_name, table.name, index, statistics, previous, stage=stage, live=True
            ),
        )


def _followed(index: Index, follow: Follow) -> Index:
    parts = tuple(
        p if p.column is None else p.model_copy(update={"column": follow((p.column,))[0]})
        for p in index.parts
    )
    return index.model_copy(update={"parts": parts, "include": follow(index.include)})


def _calls(index: Index, functions: set[str]) -> bool:
    return any(mentions(t, functions) for t in (*(p.expression for p in index.parts), index.where))


def _drop_index(table: Table, index: Index, *, concurrently: bool) -> c.Drop:
    stage = c.STAGE_DROP_CONCURRENT if concurrently else c.STAGE_MAIN
    restore = c.CreateIndex(
        table.schema_name, table.name, index, concurrently=concurrently, stage=stage, live=True
    )
    return c.Drop(
        "index",
        table.schema_name,
        index.name,
        on=table.name,
        concurrently=concurrently,
        restore=(restore,),
        stage=stage,
        live=True,
    )


# --- partitions, row-level security -----------------------------------------------------------


def _same_bound(a: Partition, b: Partition, zoned: tuple[bool, ...] = ()) -> bool:
    return (
        a.default == b.default
        and same_literals(a.range_from, b.range_from, zoned)
        and same_literals(a.range_to, b.range_to, zoned)
        and same_literal_sets(a.values, b.values, zoned)
        and (a.modulus, a.remainder) == (b.modulus, b.remainder)
    )


def _partitions(
    d: Diff, old: Table, new: Table, derived: Callable[[str], str], root: Table | None = None
) -> None:
    """The partitions of a table, or of a partitioned partition (`old`/`new` as tables, `root`
    the partitioned table at the top)."""
    if old.partitioning != new.partitioning:
        d.problem(
            f"table {new.name}: a changed partitioning is not planned (the table would have to "
            "be rebuilt)",
            new.partitioning.span if new.partitioning else new.span,
            "create a new partitioned table, copy the rows, and swap the names in hand-written "
            "migrations (schemac new), or keep the partitioning",
        )
        return
    # generated partition names follow a table rename (sessions_p0 -> members_p0)
    pairs, added, removed = pair(
        old.partitions, new.partitions, lambda p: p.name, _no_rename, derived
    )
    zoned = zoned_keys(new)
    rebound: list[tuple[Partition, Partition]] = []
    for was, part in pairs:
        if was.name != part.name:
            d.add(
                TABLES,
                c.Rename("table", new.schema_name, was.name, was.name, part.name, live=True),
            )
        if not _same_bound(was, part, zoned):
            rebound.append((was.model_copy(update={"name": part.name}), part))
    if rebound:
        _rebind(d, new, rebound, root or new)
    for part in added:
        d.add(PARTITIONS, c.CreatePartition(new, part, live=True, span=part.span))
        # a new sub-partitioned partition: its partitions, under it, each fresh
        for parent, sub in walk_partitions(part.as_table(new)):
            d.add(PARTITIONS, c.CreatePartition(parent, sub, covered=True, span=sub.span))
        made = new.model_copy(update={"partitions": (part,)})
        for change in _partition_objects(made, covered=True):
            d.add(_BUCKET_OF[type(change)], change)
    for was, part in pairs:
        if was.partitioning != part.partitioning:
            d.problem(
                f"partition {part.name}: a changed partitioning is not planned (the partition "
                "would have to be rebuilt)",
                part.partitioning.span if part.partitioning else part.span,
                "add a new partition with the partitioning wanted, move the rows, and drop the "
                "old one (schemac new for the copy), or keep the partitioning",
            )
        elif part.partitioning is not None and (was.partitions != part.partitions):
            # sub-partitions added, dropped or rebound under a partitioned partition
            _partitions(d, was.as_table(old), part.as_table(new), str, root or new)
    for was, part in pairs:
        if (was.foreign_keys, was.indexes) == (part.foreign_keys, part.indexes):
            continue
        before, after = was.as_table(old), part.as_table(new)
        _foreign_keys(d, before, after, lambda name: name, lambda cols: cols)
        _indexes(d, before, after, lambda name: name, set(), lambda cols: cols)
    has_default = any(p.default for p in old.partitions)
    for part in removed:
        # PostgreSQL refuses DETACH ... CONCURRENTLY while a default partition exists
        online = not has_default and not part.default
        stage = c.STAGE_DROP_CONCURRENT if online else c.STAGE_MAIN
        # a concurrent detach runs after the main transaction, so after a table rename
        d.add(
            DROP_DEPENDENTS,
            c.DetachPartition(
                new if online else old, part, concurrently=online, stage=stage, live=True
            ),
        )
        restore = (
            c.CreatePartition(new, part, live=True),
            # its sub-partitions, under a parent the down has just created
            *(
                c.CreatePartition(t, sub, covered=True)
                for t, sub in walk_partitions(part.as_table(new))
            ),
        )
        d.add(
            DROPS,
            c.Drop(
                "table",
                new.schema_name,
                part.name,
                restore=restore,
                destructive=True,
                stage=c.STAGE_FINISH if online else c.STAGE_MAIN,
                live=True,
            ),
        )


def _rebind(d: Diff, table: Table, rebound: list[tuple[Partition, Partition]], root: Table) -> None:
    """Partitions given a new bound, without a scan under lock: a check equal to the new
    bound's partition constraint is added NOT VALID and validated (SHARE UPDATE EXCLUSIVE), then
    in the same transaction every such partition is detached and attached again with its new
    bound, which PostgreSQL then finds implied (no scan), and the checks are dropped. All
    detaches come before the attaches, so bounds may move between neighbours."""
    from schemac.render.clauses import partition_constraint

    referenced = [
        f"{t.name}.{fk.name}"
        for t in d.new.tables
        for fk in t.foreign_keys
        if (fk.ref_schema, fk.ref_table) == (root.schema_name, root.name)
    ]
    checks: list[tuple[Table, str]] = []
    for was, part in rebound:
        expression = partition_constraint(table, part)
        why = None
        if was.default != part.default or expression is None:
            why = "a default or hash partition cannot be given another bound in place"
        elif referenced:
            why = f"it is referenced by {', '.join(sorted(referenced))} (DETACH checks them)"
        if why is not None:
            d.problem(
                f"partition {part.name} of {table.name}: a changed bound is not planned: {why}",
                part.span,
                "add a partition under a new name, move the rows, and remove the old one",
            )
            return
        holder = table.model_copy(update={"name": part.name, "partitioning": None})
        name = helper_name(part.name, "bound")
        check = Check(name=name, expression=expression)
        d.add(
            TABLES,
            c.AddConstraint(holder, check, not_valid=True, helper=True, live=True, span=part.span),
        )
        checks.append((holder, name))
    late = c.STAGE_VALIDATE
    for holder, name in checks:
        d.add(TABLES, c.ValidateConstraint(holder, name, stage=late, live=True))
    for was, part in rebound:
        back = c.AttachPartition(table, was, stage=late, live=True, span=part.span)
        d.add(
            TABLES,
            c.DetachPartition(
                table, was, concurrently=False, restore=(back,), stage=late, live=True
            ),
        )
    for _, part in rebound:
        attach = c.AttachPartition(table, part, proven=True, stage=late, live=True, span=part.span)
        d.add(TABLES, attach)
    for holder, name in checks:
        d.add(TABLES, c.DropConstraint(holder, name, if_exists=True, stage=late, live=True))


def _replica_identity(d: Diff, old: Table, new: Table) -> None:
    """REPLICA IDENTITY set again when it changes, or when its index is dropped and created
    again (PostgreSQL forgets it with the index). USING INDEX waits for the validate stage, by
    which every new index exists; an index rebuilt concurrently hands the identity to its new
    copy itself (_indexes), so that the table never goes without one."""
    before = (old.replica_identity, old.replica_index)
    after = (new.replica_identity, new.replica_index)
    recreated = False
    if after[0] == "index" and new.partitioning is not None:
        old_index = next((i for i in old.indexes if i.name == new.replica_index), None)
        new_index = next((i for i in new.indexes if i.name == new.replica_index), None)
        # as _indexes decides it: a new statistics target or renamed_from rebuilds nothing
        recreated = (
            old_index is not None and new_index is not None and not same_index(old_index, new_index)
        )
    if before == after and not recreated:
        return
    stage = c.STAGE_VALIDATE if after[0] == "index" else c.STAGE_MAIN
    d.add(RLS, c.SetReplicaIdentity(new, before, live=True, stage=stage, span=new.span))


def _same_policy(a: Policy, b: Policy) -> bool:
    return (
        a.command == b.command
        and a.permissive == b.permissive
        and sorted(a.roles) == sorted(b.roles)
        and same_expr(a.using, b.using)
        and same_expr(a.with_check, b.with_check)
    )


def _rls(d: Diff, old: Table, new: Table, gone: set[str]) -> None:
    if old.rls.enabled != new.rls.enabled:
        d.add(RLS, c.SetRls(new, "enable" if new.rls.enabled else "disable", live=True))
    if old.rls.force != new.rls.force:
        d.add(RLS, c.SetRls(new, "force" if new.rls.force else "no force", live=True))
    pairs, added, removed = pair(
        old.rls.policies, new.rls.policies, lambda p: p.name, _no_rename, str
    )
    for before, after in pairs:
        reads = gone | d.recreated_functions
        reads_changed = mentions(before.using, reads) or mentions(before.with_check, reads)
        if _same_policy(before, after) and not reads_changed:
            if before.description != after.description:
                d.add(COMMENTS, _policy_comment(new, after, before.description))
            continue
        in_place = (
            before.command == after.command
            and before.permissive == after.permissive
            and (before.using is None or after.using is not None)
            and (before.with_check is None or after.with_check is not None)
            and not reads_changed
        )
        if in_place:
            d.add(RLS, c.AlterPolicy(new, before, after, live=True, span=after.span))
            if before.description != after.description:
                d.add(COMMENTS, _policy_comment(new, after, before.description))
        else:
            removed.append(before)
            added.append(after)
    for policy in removed:
        restore: tuple[c.Change, ...] = (c.CreatePolicy(old, policy, live=True),)
        if policy.description is not None:
            restore += (_policy_comment(old, policy, None),)
        d.add(
            DROP_DEPENDENTS,
            c.Drop("policy", old.schema_name, policy.name, on=old.name, restore=restore, live=True),
        )
    for policy in added:
        d.add(RLS, c.CreatePolicy(new, policy, live=True, span=policy.span))
        if policy.description is not None:
            d.add(COMMENTS, _policy_comment(new, policy, None, covered=True))


def _policy_comment(
    table: Table, policy: Policy, previous: str | None, *, covered: bool = False
) -> c.Comment:
    return c.Comment(
        "policy",
        table.schema_name,
        policy.name,
        policy.description,
        sub=table.name,
        previous=previous,
        covered=covered,
    )
