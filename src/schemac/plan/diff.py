"""The one differ: `diff(old, new)` is every change that takes a database from `old` to `new`.

A fresh build is `diff(Schema(), desired)`; an incremental build diffs the snapshot against the
specs. Changes are collected into buckets whose fixed order is the dependency order between
object kinds (drops of dependents first, then namespaces, types, functions, tables, partitions,
indexes, constraints, SQL functions, views, triggers, row-level security, comments, seeds, and
the drops of removed objects last); inside a bucket, tables follow their foreign keys and views
what they read (plan/order.py), ties keep the specs' order. `plan()` then cuts the ordered
changes into migration units by stage (plan/units.py).

Objects are matched by name; a rename is only ever taken from `renamed_from` in the specs.
Expressions are compared in canonical form (model/canonical.py), so a respelling is no change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from schemac.model.canonical import (
    argument_types,
    canonical_arguments,
    canonical_type_text,
    same_expr,
    squash,
)
from schemac.model.routines import same_attributes, same_options
from schemac.model.schema import (
    Aggregate,
    Enum,
    Function,
    MaterializedView,
    Operator,
    Schema,
    SeedTable,
    Table,
    Trigger,
    View,
)
from schemac.plan import changes as c
from schemac.plan.order import stable_topological
from schemac.source import Span

(
    DROP_DEPENDENTS,
    NAMESPACES,
    TYPES,
    FUNCTIONS,
    TABLES,
    PARTITIONS,
    INDEXES,
    CONSTRAINTS,
    SQL_FUNCTIONS,
    LATE_INDEXES,
    VIEWS,
    TRIGGERS,
    RLS,
    COMMENTS,
    SEEDS,
    DROPS,
) = range(16)


@dataclass(frozen=True)
class Problem:
    """A change the planner cannot make safely or at all (the build stops with it)."""

    message: str
    span: Span | None
    help: str


@dataclass
class Diff:
    """What diff() collects: changes per bucket, problems, and what the buckets need to share."""

    old: Schema
    new: Schema
    buckets: dict[int, list[c.Change]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: old qualified table name -> new qualified name (renames; unchanged names map to themselves)
    table_map: dict[str, str] = field(default_factory=dict)
    #: qualified names of the functions created after the tables (SQL bodies, row types)
    late_functions: set[str] = field(default_factory=set)
    #: qualified names of relations whose shape changed under their dependents (views read them)
    reshaped: set[str] = field(default_factory=set)
    #: qualified names of functions dropped and created again (their dependents follow)
    recreated_functions: set[str] = field(default_factory=set)
    #: spelled names of composite types dropped and created again (new attribute types): the
    #: functions taking or returning them follow, with their dependents
    recreated_types: set[str] = field(default_factory=set)
    #: enum (qualified) -> name it has during a type swap (removed or reordered values)
    swapped_enums: dict[str, Enum] = field(default_factory=dict)
    #: qualified table name -> position in foreign-key order (seeds insert parents first)
    table_rank: dict[str, int] = field(default_factory=dict)
    _old_of: dict[str, Table] | None = None
    #: qualified (new) table name -> old names of its columns dropped, renamed or retyped
    reshaped_columns: dict[str, set[str]] = field(default_factory=dict)
    #: qualified table name -> columns given a new type or collation without a table rewrite
    #: (PostgreSQL would validate their checks again under ACCESS EXCLUSIVE)
    retyped_in_place: dict[str, set[str]] = field(default_factory=dict)
    #: qualified table name -> columns dropped and added again (a new generation expression)
    regenerated_columns: dict[str, set[str]] = field(default_factory=dict)

    def add(self, bucket: int, *items: c.Change) -> None:
        self.buckets.setdefault(bucket, []).extend(items)

    def problem(self, message: str, span: Span | None, help: str) -> None:
        self.problems.append(Problem(message, span, help))

    def ordered(self) -> list[c.Change]:
        return [ch for bucket in sorted(self.buckets) for ch in self.buckets[bucket]]

    def live_table(self, qualified_new: str) -> Table | None:
        """The old version of a table of the new schema (None when the table is new)."""
        if self._old_of is None or len(self._old_of) != len(self.table_map):
            by_name = {t.qualified_name: t for t in self.old.tables}
            self._old_of = {new: by_name[old] for old, new in self.table_map.items()}
        return self._old_of.get(qualified_new)


def diff(old: Schema, new: Schema) -> tuple[list[c.Change], list[Problem]]:
    """Every change from `old` to `new`, in dependency order, and what cannot be planned."""
    from schemac.plan.diff_composites import diff_composites, recreated_composites
    from schemac.plan.diff_domains import diff_domains, extensions_last
    from schemac.plan.diff_sequences import diff_sequences
    from schemac.plan.diff_tables import diff_tables
    from schemac.plan.refresh import refresh_jobs

    d = Diff(old, new)
    _schemas(d)
    _extensions(d)
    _enums(d)
    d.recreated_types = recreated_composites(d)
    _functions(d)
    _aggregates(d)
    _operators(d)
    diff_tables(d)
    diff_sequences(d)
    diff_domains(d)
    diff_composites(d)
    extensions_last(d)
    _views(d)
    refresh_jobs(d, TRIGGERS)  # after the views and the functions the jobs run
    _triggers(d)
    _seeds(d)
    _schema_drops(d)
    return d.ordered(), d.problems


def plan(old: Schema, new: Schema) -> tuple[c.Plan, list[Problem]]:
    from schemac.plan.units import cut_units

    changes, problems = diff(old, new)
    return cut_units(changes), problems


def fresh_plan(schema: Schema) -> c.Plan:
    """Every object of the schema created in dependency order; down drops them in reverse."""
    return plan(Schema(), schema)[0]


def qualified(schema: str, name: str) -> str:
    return f"{schema}.{name}"


# --- namespaces, extensions -------------------------------------------------------------------


def _schemas(d: Diff) -> None:
    d.add(NAMESPACES, *(c.CreateSchema(n) for n in d.new.schemas if n not in d.old.schemas))


def _schema_drops(d: Diff) -> None:
    # last of all (after the extensions and functions that may live in it)
    for name in reversed(d.old.schemas):
        if name not in d.new.schemas:
            d.add(DROPS + 2, c.Drop("schema", None, name, restore=(c.CreateSchema(name),)))


def _extensions(d: Diff) -> None:
    old = {e.name: e for e in d.old.extensions}
    new = {e.name: e for e in d.new.extensions}
    for ext in d.new.extensions:
        before = old.get(ext.name)
        if before is None:
            d.add(NAMESPACES, c.CreateExtension(ext, span=ext.span))
        elif ext.schema_name is not None and before.schema_name != ext.schema_name:
            d.problem(
                f"extension {ext.name} moves to schema {ext.schema_name}: not planned",
                ext.span,
                f"run ALTER EXTENSION {ext.name} SET SCHEMA {ext.schema_name} in a hand-written "
                "migration (schemac new), or keep the schema",
            )
    drops = [
        c.Drop("extension", None, e.name, restore=(c.CreateExtension(e),))
        for e in reversed(d.old.extensions)
        if e.name not in new
    ]
    d.add(DROPS + 1, *drops)  # after the tables and types that use them, before schemas


# --- enums ------------------------------------------------------------------------------------


def _enums(d: Diff) -> None:
    old = {e.qualified_name: e for e in d.old.enums}
    for enum in d.new.enums:
        before = old.get(enum.qualified_name)
        if before is None:
            d.add(TYPES, c.CreateEnum(enum, span=enum.span))
            if enum.description:
                d.add(COMMENTS, _enum_comment(enum, None, covered=True))
            continue
        _enum_values(d, before, enum)
        if before.description != enum.description:
            d.add(COMMENTS, _enum_comment(enum, before.description))
    new_names = {e.qualified_name for e in d.new.enums}
    for enum in reversed(d.old.enums):
        if enum.qualified_name not in new_names:
            restore = (c.CreateEnum(enum),)
            d.add(
                DROPS,
                c.Drop("type", enum.schema_name, enum.name, restore=restore, destructive=True),
            )


def _enum_comment(enum: Enum, previous: str | None, *, covered: bool = False) -> c.Comment:
    return c.Comment(
        "type",
        enum.schema_name,
        enum.name,
        enum.description,
        previous=previous,
        covered=covered,
        live=not covered,
    )


def _enum_values(d: Diff, old: Enum, new: Enum) -> None:
    renames = dict(new.renamed_values)  # new value -> old value
    reverse = {o: n for n, o in renames.items()}
    current = [
        reverse.get(v, v) if v in reverse and reverse[v] not in old.values else v
        for v in old.values
    ]
    for value in old.values:
        target = reverse.get(value)
        if target is not None and target not in old.values:
            d.add(
                TYPES,
                c.Rename(
                    "enum value", new.schema_name, new.name, value, target, live=True, span=new.span
                ),
            )
    if current == list(new.values):
        return
    if _is_subsequence(current, new.values):
        present = set(current)
        for i, value in enumerate(new.values):
            if value in present:
                continue
            later = next((v for v in new.values[i + 1 :] if v in present), None)
            position: tuple[Literal["before", "after"], str] | None = None
            if later is not None:
                position = ("before", later)
            d.add(
                TYPES,
                c.AddEnumValue(
                    new, value, position, stage=c.STAGE_ENUM_VALUES, live=True, span=new.span
                ),
            )
            present.add(value)
        return
    _swap_enum(d, old, new, current)


def _is_subsequence(small: Sequence[str], big: Sequence[str]) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


def _swap_enum(d: Diff, old: Enum, new: Enum, current: list[str]) -> None:
    """Removed or reordered values: a new type, every column moved to it, the old one dropped."""
    aside = old.model_copy(update={"name": _aside_name(old.name), "values": tuple(current)})
    d.swapped_enums[new.qualified_name] = aside
    d.add(
        TYPES,
        c.Rename("type", old.schema_name, old.name, old.name, aside.name, live=True),
        c.CreateEnum(new, span=new.span, live=True),
    )
    d.add(
        DROPS,
        c.Drop(
            "type",
            aside.schema_name,
            aside.name,
            restore=(c.CreateEnum(aside),),
            destructive=True,
            live=True,
            span=new.span,
        ),
    )


def _aside_name(name: str) -> str:
    suffix = "_old"
    return name[: 63 - len(suffix)] + suffix


# --- functions --------------------------------------------------------------------------------


def _signature(fn: Function) -> tuple[str, str, str]:
    # a procedure's OUT arguments are part of its identity (PostgreSQL 14+)
    return (fn.schema_name, fn.name, argument_types(fn.arguments, outs=fn.is_procedure))


def _same_function(a: Function, b: Function) -> bool:
    return (
        a.kind == b.kind
        and a.source == b.source
        and a.language.lower() == b.language.lower()
        and a.volatility == b.volatility
        and a.security_definer == b.security_definer
        and same_attributes(a, b)
        and canonical_type_text(a.returns) == canonical_type_text(b.returns)
        and canonical_arguments(a.arguments) == canonical_arguments(b.arguments)
    )


def _declares_table_type(fn: Function, tables: list[str], schema: Schema) -> bool:
    """A PL/pgSQL function whose DECLARE section names a table (`v app.users;`, `%ROWTYPE`):
    CREATE FUNCTION resolves those types, so it comes after the tables."""
    if fn.language.lower() != "plpgsql":
        return False
    head = re.split(r"(?<![\w$])begin(?![\w$])", fn.body, maxsplit=1, flags=re.IGNORECASE)[0]
    if not re.search(r"(?<![\w$])declare(?![\w$])", head, re.IGNORECASE):
        return False
    return mentions(head, tables)


def _called_by_columns(fn: Function, schema: Schema) -> bool:
    """A column default, generated expression or check of the schema calls the function."""
    name = [fn.qualified_name]
    return any(
        mentions(col.default, name) or mentions(col.generated, name)
        for table in schema.tables
        for col in table.columns
    ) or any(mentions(check.expression, name) for table in schema.tables for check in table.checks)


def _functions(d: Diff) -> None:
    old = {_signature(f): f for f in d.old.functions}
    new_sigs = {_signature(f) for f in d.new.functions}
    tables = [t.qualified_name for t in d.new.tables]
    for fn in d.new.functions:
        # an SQL body is checked against the tables when it is created, and a table's row type
        # in the signature must exist: such functions come after the tables
        shaped_by_table = mentions(f"{fn.arguments} {fn.returns}", tables)
        late = (
            fn.language.lower() == "sql"
            or shaped_by_table
            or _declares_table_type(fn, tables, d.new)
        )
        # a column default or check calls it: before the tables, its body unchecked
        unchecked = late and not shaped_by_table and _called_by_columns(fn, d.new)
        late = late and not unchecked
        bucket = SQL_FUNCTIONS if late else FUNCTIONS
        if late:
            d.late_functions.add(fn.qualified_name)
        before = old.get(_signature(fn))
        if before is None:
            d.add(bucket, c.CreateFunction(fn, span=fn.span, unchecked=unchecked))
            if fn.description:
                d.add(COMMENTS, _signature_comment(fn, None, covered=True))
            continue
        retyped = mentions(f"{fn.arguments} {fn.returns}", d.recreated_types)
        if retyped or not _same_function(before, fn):
            # CREATE OR REPLACE cannot turn a function into a procedure (cannot change
            # routine kind)
            same_shape = (
                before.kind == fn.kind
                and canonical_type_text(before.returns) == canonical_type_text(fn.returns)
                and canonical_arguments(before.arguments) == canonical_arguments(fn.arguments)
                and not retyped
            )
            if same_shape:
                d.add(
                    bucket,
                    c.CreateFunction(
                        fn, replace_of=before, span=fn.span, live=True, unchecked=unchecked
                    ),
                )
            else:
                # a new return type cannot be replaced in place: drop it with its dependents
                d.recreated_functions.add(fn.qualified_name)
                d.add(DROP_DEPENDENTS + 1, _drop_signature(before, live=True))
                d.add(bucket, c.CreateFunction(fn, span=fn.span, live=True, unchecked=unchecked))
                if fn.description:
                    d.add(COMMENTS, _signature_comment(fn, None, covered=True))
        if before.description != fn.description and fn.qualified_name not in (
            d.recreated_functions
        ):
            d.add(COMMENTS, _signature_comment(fn, before.description))
    for fn in reversed(d.old.functions):
        if _signature(fn) not in new_sigs:
            d.add(DROPS + 1, _drop_signature(fn))


def _aggregates(d: Diff) -> None:
    """After the functions (an aggregate calls them), before the views that read it."""
    old = {(a.schema_name, a.name, argument_types(a.arguments)): a for a in d.old.aggregates}
    for agg in d.new.aggregates:
        before = old.pop((agg.schema_name, agg.name, argument_types(agg.arguments)), None)
        if before is not None and _same_aggregate(before, agg):
            if before.description != agg.description:
                d.add(COMMENTS, _signature_comment(agg, before.description))
            continue
        calls = {qualified(agg.sfunc_schema, agg.sfunc)}
        if agg.finalfunc is not None:
            calls.add(qualified(agg.finalfunc_schema or "pg_catalog", agg.finalfunc))
        replace_in_place = (
            before is not None
            and canonical_type_text(before.stype) == canonical_type_text(agg.stype)
            and before.finalfunc == agg.finalfunc
            and not calls & d.recreated_functions
        )
        if before is not None and replace_in_place:
            d.add(SQL_FUNCTIONS, c.CreateAggregate(agg, replace_of=before, span=agg.span))
            if before.description != agg.description:
                d.add(COMMENTS, _signature_comment(agg, before.description))
            continue
        if before is not None:
            # another result type: dropped with the views that read it, and created again
            d.recreated_functions.add(agg.qualified_name)
            d.add(DROP_DEPENDENTS + 1, _drop_signature(before, live=True))
        d.add(SQL_FUNCTIONS, c.CreateAggregate(agg, span=agg.span, live=before is not None))
        if agg.description:
            d.add(COMMENTS, _signature_comment(agg, None, covered=True))
    for agg in old.values():
        # after the views that read it, before the functions it calls
        d.add(DROPS, _drop_signature(agg))


def _same_aggregate(a: Aggregate, b: Aggregate) -> bool:
    """Equal but for the description (argument and state types compared canonically)."""

    def shape(x: Aggregate) -> tuple[object, ...]:
        return (
            canonical_arguments(x.arguments),
            x.sfunc_schema,
            x.sfunc,
            canonical_type_text(x.stype),
            x.finalfunc_schema,
            x.finalfunc,
            x.initcond,
            x.parallel,
        )

    return shape(a) == shape(b)


def _operators(d: Diff) -> None:
    """After the functions and aggregates (an operator calls a function), before the views
    and indexes that use it. CREATE OPERATOR has no OR REPLACE: a changed definition is
    dropped and created again; new estimators alone are ALTER OPERATOR ... SET."""
    old = {(o.schema_name, o.name, o.leftarg, o.rightarg): o for o in d.old.operators}
    for op in d.new.operators:
        before = old.pop((op.schema_name, op.name, op.leftarg, op.rightarg), None)
        recreated = qualified(op.function_schema, op.function) in d.recreated_functions
        if before is not None and not recreated and _operator_shape(before) == _operator_shape(op):
            if (before.restrict_schema, before.restrict, before.join_schema, before.join) != (
                op.restrict_schema,
                op.restrict,
                op.join_schema,
                op.join,
            ):
                d.add(SQL_FUNCTIONS, c.AlterOperator(op, before, span=op.span, live=True))
            if before.description != op.description:
                d.add(COMMENTS, _signature_comment(op, before.description))
            continue
        if before is not None:
            # before the function it calls is dropped (DROP_DEPENDENTS + 1)
            d.add(DROP_DEPENDENTS, _drop_signature(before, live=True))
        d.add(SQL_FUNCTIONS, c.CreateOperator(op, span=op.span, live=before is not None))
        if op.description:
            d.add(COMMENTS, _signature_comment(op, None, covered=True))
    for op in old.values():
        # after the views that use it, before the function it calls
        d.add(DROPS, _drop_signature(op))


def _operator_shape(op: Operator) -> tuple[object, ...]:
    """What only a new CREATE OPERATOR changes (not the estimators, not the description)."""
    return (
        op.function_schema,
        op.function,
        op.commutator_schema,
        op.commutator,
        op.negator_schema,
        op.negator,
        op.hashes,
        op.merges,
    )


#: the objects named by a signature (name and argument types): their change kind and CREATE
_SIGNED: dict[
    type,
    tuple[Literal["function", "procedure", "aggregate", "operator"], Callable[[Any], c.Change]],
] = {
    Function: ("function", c.CreateFunction),
    Aggregate: ("aggregate", c.CreateAggregate),
    Operator: ("operator", c.CreateOperator),
}


def _signed(
    obj: Function | Aggregate | Operator,
) -> tuple[Literal["function", "procedure", "aggregate", "operator"], Callable[[Any], c.Change]]:
    """The object's word in DROP and COMMENT ON, and the change that creates it."""
    kind, create = _SIGNED[type(obj)]
    return (obj.kind if isinstance(obj, Function) else kind), create


def _drop_signature(obj: Function | Aggregate | Operator, *, live: bool = False) -> c.Drop:
    kind, create = _signed(obj)
    restore: list[c.Change] = [create(obj)]
    if obj.description:
        restore.append(_signature_comment(obj, None))
    return c.Drop(
        kind,
        obj.schema_name,
        obj.name,
        arguments=obj.arguments,
        restore=tuple(restore),
        live=live,
    )


def _signature_comment(
    obj: Function | Aggregate | Operator, previous: str | None, *, covered: bool = False
) -> c.Comment:
    return c.Comment(
        _signed(obj)[0],
        obj.schema_name,
        obj.name,
        obj.description,
        arguments=obj.arguments,
        previous=previous,
        covered=covered,
    )


def mentions(text: str | None, names: Iterable[str]) -> bool:
    """True when SQL text calls or reads one of the (qualified) names, by word."""
    if not text:
        return False
    for name in names:
        bare = name.split(".", 1)[1] if "." in name else name
        if re.search(rf"(?<![\w$]){re.escape(bare)}(?![\w$])", text, re.IGNORECASE):
            return True
    return False


# --- views and materialized views -------------------------------------------------------------

Relation = View | MaterializedView


def _relations(schema: Schema) -> list[Relation]:
    items: list[Relation] = [*schema.views, *schema.materialized_views]
    ordered, _ = stable_topological(items, lambda v: v.qualified_name, lambda v: v.depends_on)
    return ordered


def _same_view(a: Relation, b: Relation) -> bool:
    if type(a) is not type(b) or squash(a.query) != squash(b.query):
        return False
    if isinstance(a, MaterializedView) and isinstance(b, MaterializedView):
        from schemac.plan.diff_tables import same_index

        return len(a.indexes) == len(b.indexes) and all(
            x.name == y.name and same_index(x, y) and x.statistics == y.statistics
            for x, y in zip(a.indexes, b.indexes, strict=True)
        )
    return True


def _appends_only(old: View, new: View) -> bool:
    """CREATE OR REPLACE VIEW keeps every old column: new ones may only be appended, and an
    unchanged expression keeps its type. Provable only when no `*` hides the columns."""
    from sqlglot import exp, parse_one

    try:
        a = parse_one(old.query, read="postgres")
        b = parse_one(new.query, read="postgres")
    except Exception:  # sqlglot cannot read it: recreate, which is always correct
        return False
    if not isinstance(a, exp.Select) or not isinstance(b, exp.Select):
        return False
    if any(isinstance(e, exp.Star) or e.find(exp.Star) for e in (*a.expressions, *b.expressions)):
        return False
    if len(b.expressions) < len(a.expressions):
        return False
    for x, y in zip(a.expressions, b.expressions, strict=False):
        if x.alias_or_name != y.alias_or_name or x.sql("postgres") != y.sql("postgres"):
            return False
    rest_a = a.copy()
    rest_b = b.copy()
    rest_a.set("expressions", [exp.Literal.number(1)])
    rest_b.set("expressions", [exp.Literal.number(1)])
    return bool(rest_a.sql("postgres") == rest_b.sql("postgres"))


def _views(d: Diff) -> None:
    old_rel = {v.qualified_name: v for v in _relations(d.old)}
    new_rel = _relations(d.new)
    # a view whose definition, kind or input changed is created again, and so is every view
    # that reads it (PostgreSQL refuses to drop a view others depend on)
    recreate: set[str] = set()
    replace: set[str] = set()
    for view in _relations(d.old):
        name = view.qualified_name
        after = next((v for v in new_rel if v.qualified_name == name), None)
        inputs_changed = any(
            dep in d.reshaped or dep in recreate for dep in view.depends_on
        ) or mentions(view.query, d.recreated_functions)
        if after is None or inputs_changed:
            recreate.add(name)
        elif not _same_view(view, after):
            if isinstance(view, View) and isinstance(after, View) and _appends_only(view, after):
                replace.add(name)
            else:
                recreate.add(name)
    # drop dependents first: reverse of the old creation order
    for view in reversed(list(old_rel.values())):
        if view.qualified_name in recreate:
            d.add(DROP_DEPENDENTS, _drop_relation(view))
    for view in new_rel:
        name = view.qualified_name
        before = old_rel.get(name)
        if before is None or name in recreate:
            _create_relation(d, view, live=before is not None)
        elif name in replace:
            assert isinstance(before, View) and isinstance(view, View)
            d.add(VIEWS, c.CreateView(view, replace_of=before, span=view.span, live=True))
            d.reshaped.add(name)
        if before is not None and name not in recreate and before.description != view.description:
            d.add(COMMENTS, _view_comment(view, before.description))


def _view_comment(view: Relation, previous: str | None, *, covered: bool = False) -> c.Comment:
    target: c.CommentTarget = "materialized view" if isinstance(view, MaterializedView) else "view"
    return c.Comment(
        target, view.schema_name, view.name, view.description, previous=previous, covered=covered
    )


def _creation(view: Relation) -> list[c.Change]:
    """The changes that create a view (with its indexes and comment) from nothing."""
    out: list[c.Change] = []
    if isinstance(view, MaterializedView):
        out.append(c.CreateMaterializedView(view, span=view.span))
        out += [
            c.CreateIndex(view.schema_name, view.name, i, on_matview=True, covered=True)
            for i in view.indexes
        ]
        out += [
            c.SetIndexStatistics(view.schema_name, view.name, i.name, i.statistics, covered=True)
            for i in view.indexes
            if i.statistics
        ]
    else:
        out.append(c.CreateView(view, span=view.span))
    return out


def _create_relation(d: Diff, view: Relation, *, live: bool) -> None:
    made = _creation(view)
    if live:
        made[0] = replace(made[0], live=True)
    d.add(VIEWS, *made)
    if view.description:
        d.add(COMMENTS, _view_comment(view, None, covered=True))


def _drop_relation(view: Relation) -> c.Drop:
    restore = _creation(view)
    restore = [replace(ch, covered=False) for ch in restore]
    if view.description:
        restore.append(_view_comment(view, None))
    kind: c.DropTarget = "materialized view" if isinstance(view, MaterializedView) else "view"
    return c.Drop(kind, view.schema_name, view.name, restore=tuple(restore), live=True)


# --- triggers ---------------------------------------------------------------------------------


def _triggers(d: Diff) -> None:
    def key(schema: str, table: str, name: str) -> tuple[str, str]:
        return (qualified(schema, table), name)

    old = {}
    for trig in d.old.triggers:
        table = d.table_map.get(qualified(trig.table_schema, trig.table))
        if table is not None:  # triggers of a dropped table go with it
            old[(table, trig.name)] = trig
    for trig in d.new.triggers:
        table = qualified(trig.table_schema, trig.table)
        before = old.pop((table, trig.name), None)
        live = d.live_table(table) is not None
        changed = before is not None and (
            before.timing != trig.timing
            or not same_options(before, trig)
            or sorted(before.events) != sorted(trig.events)
            or before.for_each != trig.for_each
            or (before.function_schema, before.function) != (trig.function_schema, trig.function)
            or not same_expr(before.when, trig.when)
            or (before.constraint, before.deferrable, before.initially_deferred)
            != (trig.constraint, trig.deferrable, trig.initially_deferred)
            or qualified(trig.function_schema, trig.function) in d.recreated_functions
            # PostgreSQL refuses to retype a column a WHEN reads or UPDATE OF names (0A000),
            # or drop a function it calls
            or mentions(before.when, d.reshaped_columns.get(table, set()))
            or not d.reshaped_columns.get(table, set()).isdisjoint(before.update_of)
            or mentions(before.when, d.recreated_functions)
        )
        if before is not None and not changed:
            if before.description != trig.description:
                d.add(COMMENTS, _trigger_comment(trig, before.description))
            continue
        if before is not None:
            d.add(DROP_DEPENDENTS, _drop_trigger(before))
        d.add(TRIGGERS, c.CreateTrigger(trig, span=trig.span, live=live, covered=not live))
        if trig.description:
            d.add(COMMENTS, _trigger_comment(trig, None, covered=not live))
    for trig in old.values():
        d.add(DROP_DEPENDENTS, _drop_trigger(trig))


def _trigger_comment(trig: Trigger, previous: str | None, *, covered: bool = False) -> c.Comment:
    return c.Comment(
        "trigger",
        trig.table_schema,
        trig.name,
        trig.description,
        sub=trig.table,
        previous=previous,
        covered=covered,
    )


def _drop_trigger(trig: Trigger) -> c.Drop:
    restore: list[c.Change] = [c.CreateTrigger(trig)]
    if trig.description:
        restore.append(_trigger_comment(trig, None))
    return c.Drop(
        "trigger", trig.table_schema, trig.name, on=trig.table, restore=tuple(restore), live=True
    )


# --- seeds ------------------------------------------------------------------------------------


def _seeds(d: Diff) -> None:
    old = {}
    for seed in d.old.seeds:
        mapped = d.table_map.get(qualified(seed.table_schema, seed.table))
        if mapped is not None:
            old[mapped] = seed
    ranked = sorted(
        d.new.seeds,
        key=lambda s: d.table_rank.get(qualified(s.table_schema, s.table), len(d.table_rank)),
    )
    for seed in ranked:
        table_name = qualified(seed.table_schema, seed.table)
        table = d.new.table(table_name)
        types = tuple((col.name, col.type) for col in table.columns) if table else ()
        before = old.get(table_name)
        live = d.live_table(table_name) is not None
        if before is None or not live:
            d.add(SEEDS, c.InsertSeed(seed, types, span=seed.span, covered=not live))
            continue
        _seed_rows(d, before, seed, types)


#: a seed row: (column, SQL literal) pairs
Row = tuple[tuple[str, str], ...]


def _row_key(seed: SeedTable, row: Row) -> Row:
    """What tells a seed row apart: its key values, or without a key every value it sets."""
    if not seed.key:
        return tuple(sorted(row))
    values = dict(row)
    return tuple((k, values.get(k, "")) for k in seed.key)


def _seed_rows(d: Diff, old: SeedTable, new: SeedTable, types: tuple[tuple[str, str], ...]) -> None:
    if old.key != new.key:
        old = old.model_copy(update={"key": new.key})
    before = {_row_key(old, r): r for r in old.rows}
    after = {_row_key(new, r): r for r in new.rows}
    added = tuple(r for k, r in after.items() if k not in before)
    removed = tuple(r for k, r in before.items() if k not in after)
    if removed:
        gone = old.model_copy(update={"rows": removed})
        d.add(SEEDS, c.DeleteSeed(gone, types, restore=True, live=True, span=new.span))
    for columns, rows in _changed_rows(before, after).items():
        # exactly the columns whose values changed, whatever `update` says: an earlier
        # migration wrote the row, and a fresh build writes the new values
        upsert = new.model_copy(update={"rows": rows, "on_conflict": "update", "update": columns})
        previous = old.model_copy(
            update={
                "rows": tuple(before[_row_key(new, r)] for r in rows),
                "on_conflict": "update",
                "update": columns,
            }
        )
        d.add(SEEDS, c.InsertSeed(upsert, types, previous, live=True, span=new.span))
    if added:
        d.add(
            SEEDS,
            c.InsertSeed(new.model_copy(update={"rows": added}), types, live=True, span=new.span),
        )


def _changed_rows(
    before: dict[Row, Row], after: dict[Row, Row]
) -> dict[tuple[str, ...], tuple[Row, ...]]:
    """The rows of `after` whose values changed, by the columns that changed (in the order the
    rows name them: new values first, then columns a row no longer sets)."""
    groups: dict[tuple[str, ...], list[Row]] = {}
    for k, row in after.items():
        if k not in before:
            continue
        now, then = dict(row), dict(before[k])
        names = [*now, *(col for col in then if col not in now)]
        changed = tuple(col for col in names if now.get(col) != then.get(col))
        if changed:
            groups.setdefault(changed, []).append(row)
    return {columns: tuple(rows) for columns, rows in groups.items()}
