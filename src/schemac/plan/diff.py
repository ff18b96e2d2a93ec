"""Planning: the changes that take a database from one Schema to another.

A fresh build is `plan(empty, desired)`: every object is created, in dependency order, and the
down migration drops everything in reverse.
"""

from __future__ import annotations

from schemac.model.schema import MaterializedView, Schema, Table, View
from schemac.plan.changes import (
    AddForeignKey,
    Change,
    Comment,
    CommentTarget,
    CreateEnum,
    CreateExtension,
    CreateFunction,
    CreateIndex,
    CreateMaterializedView,
    CreatePartition,
    CreatePolicy,
    CreateSchema,
    CreateTable,
    CreateTrigger,
    CreateView,
    Drop,
    DropConstraint,
    EnableRls,
    InsertSeed,
    Plan,
    Unit,
)
from schemac.plan.order import order_tables, stable_topological


def fresh_plan(schema: Schema) -> Plan:
    """Every object of the schema, created in dependency order; down drops them in reverse."""
    up: list[Change] = [CreateSchema(name) for name in schema.schemas]
    up += [CreateExtension(ext) for ext in schema.extensions]
    up += [CreateEnum(enum) for enum in schema.enums]
    # PostgreSQL checks the body of an SQL-language function against existing relations when it
    # is created, so those come after the tables (and before the views that may call them);
    # other languages are checked at call time and come first, for defaults and triggers
    up += [CreateFunction(fn) for fn in schema.functions if fn.language.lower() != "sql"]
    order = order_tables(schema.tables)
    for table in order.tables:
        deferred = {fk.name for fk in order.deferred.get(table.qualified_name, [])}
        inline = tuple(fk for fk in table.foreign_keys if fk.name not in deferred)
        up.append(CreateTable(table, inline))
    for table in order.tables:
        up += [CreatePartition(table, p) for p in table.partitions]
    for table in order.tables:
        up += [CreateIndex(table.schema_name, table.name, index) for index in table.indexes]
    for table in order.tables:
        up += [AddForeignKey(table, fk) for fk in order.deferred.get(table.qualified_name, [])]
    up += [CreateFunction(fn) for fn in schema.functions if fn.language.lower() == "sql"]
    relations = order_views(schema)
    for view in relations:
        if isinstance(view, MaterializedView):
            up.append(CreateMaterializedView(view))
            up += [
                CreateIndex(view.schema_name, view.name, i, on_matview=True) for i in view.indexes
            ]
        else:
            up.append(CreateView(view))
    up += [CreateTrigger(trigger) for trigger in schema.triggers]
    for table in order.tables:
        if table.rls.enabled or table.rls.force:
            up.append(EnableRls(table))
        up += [CreatePolicy(table, policy) for policy in table.rls.policies]
    up += comments(schema, order.tables, relations)
    seeds = {f"{s.table_schema}.{s.table}": s for s in schema.seeds}
    for table in order.tables:
        seed = seeds.get(table.qualified_name)
        if seed is not None:
            types = tuple((c.name, c.type) for c in table.columns)
            up.append(InsertSeed(seed, types))

    down: list[Change] = []
    for view in reversed(relations):
        if isinstance(view, MaterializedView):
            down.append(Drop("materialized view", view.schema_name, view.name))
        else:
            down.append(Drop("view", view.schema_name, view.name))
    for table in reversed(order.tables):
        down += [
            DropConstraint(table, fk.name) for fk in order.deferred.get(table.qualified_name, [])
        ]
    down += [Drop("table", t.schema_name, t.name) for t in reversed(order.tables)]
    down += [
        Drop("function", f.schema_name, f.name, arguments=f.arguments)
        for f in reversed(schema.functions)
    ]
    down += [Drop("type", e.schema_name, e.name) for e in reversed(schema.enums)]
    down += [Drop("extension", None, ext.name) for ext in reversed(schema.extensions)]
    down += [Drop("schema", None, name) for name in reversed(schema.schemas)]
    return Plan(up=(Unit(tuple(up)),), down=(Unit(tuple(down)),))


def order_views(schema: Schema) -> list[View | MaterializedView]:
    """Views and materialized views, each after every view it reads."""
    relations: list[View | MaterializedView] = [*schema.views, *schema.materialized_views]
    ordered, _ = stable_topological(relations, lambda v: v.qualified_name, lambda v: v.depends_on)
    return ordered


def comments(
    schema: Schema, tables: list[Table], relations: list[View | MaterializedView]
) -> list[Change]:
    out: list[Change] = []
    for enum in schema.enums:
        if enum.description:
            out.append(Comment("type", enum.schema_name, enum.name, enum.description))
    for fn in schema.functions:
        if fn.description:
            out.append(
                Comment("function", fn.schema_name, fn.name, fn.description, arguments=fn.arguments)
            )
    for table in tables:
        if table.description:
            out.append(Comment("table", table.schema_name, table.name, table.description))
        for column in table.columns:
            if column.description:
                out.append(
                    Comment(
                        "column", table.schema_name, table.name, column.description, sub=column.name
                    )
                )
    for view in relations:
        if view.description:
            target: CommentTarget = (
                "materialized view" if isinstance(view, MaterializedView) else "view"
            )
            out.append(Comment(target, view.schema_name, view.name, view.description))
    for trigger in schema.triggers:
        if trigger.description:
            out.append(
                Comment(
                    "trigger",
                    trigger.table_schema,
                    trigger.name,
                    trigger.description,
                    sub=trigger.table,
                )
            )
    return out
