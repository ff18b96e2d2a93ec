"""A new enum value is committed before a migration uses it.

## What it does
Reports a planned `ALTER TYPE ... ADD VALUE` whose value is used (as the literal `'value'` in a
default, check, partition bound, seed row, view, policy, index predicate, trigger condition or
SQL function body) by a change in the same migration unit, or in an earlier one. schemac puts
new enum values in a migration of their own that runs first; the rule guards that promise for
plans built or changed by other means.

## Why
PostgreSQL refuses to use an enum value in the transaction that added it
(`unsafe use of new value`, SQLSTATE 55P04): the whole migration is rolled back. Used before it
is added, the value does not exist yet (`invalid input value for enum`).

## Example
```yaml
# the last build had [draft, sent]; `paid` is new and is the new column's default
enums:
  invoice_status: [draft, sent, paid]
tables:
  invoices:
    columns:
      id: uuid
      status: {type: invoice_status, default: "'paid'"}
```

## Use instead
```yaml
# the same spec: schemac commits `ADD VALUE 'paid'` in an earlier migration unit than the
# column that uses it; in hand-written migrations, add the value in a migration of its own
enums:
  invoice_status: [draft, sent, paid]
tables:
  invoices:
    columns:
      id: uuid
      status: {type: invoice_status, default: "'paid'"}
```
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from schemac.diagnostics import Severity
from schemac.model.names import quote_literal
from schemac.model.schema import Check, Column, Enum, Partition, SeedTable, walk_partitions
from schemac.plan import changes as c
from schemac.rules.safety.base import (
    PlanContext,
    PlanFinding,
    PlannerRule,
    display,
    finding,
    uses_type,
)


def _of_enum(column: Column, enum: Enum) -> bool:
    return uses_type(column.type, enum.schema_name, enum.name)


def _mentions(text: str | None, literal: str) -> bool:
    return text is not None and literal in text


def _column_use(table: str, column: Column, enum: Enum, literal: str) -> str | None:
    if _of_enum(column, enum) and _mentions(column.default, literal):
        return f"the default of {table}.{column.name}"
    if _mentions(column.generated, literal):
        return f"the generation expression of {table}.{column.name}"
    return None


def _bound_use(partition: Partition, value: str, literal: str) -> bool:
    bounds = [*(partition.values or ()), *(partition.range_from or ()), *(partition.range_to or ())]
    return any(b == value or literal in b for b in bounds)


def _seed_use(seed: SeedTable, types: Iterable[tuple[str, str]], enum: Enum, lit: str) -> bool:
    enum_columns = {n for n, t in types if uses_type(t, enum.schema_name, enum.name)}
    return any(
        column in enum_columns and lit in value for row in seed.rows for column, value in row
    )


def use_of(change: c.Change, enum: Enum, value: str) -> str | None:
    """What in a change uses the enum value (None when nothing does)."""
    literal = quote_literal(value)
    if isinstance(change, c.AddColumn):
        return _column_use(display(change.table.qualified_name), change.column, enum, literal)
    if isinstance(change, c.AlterColumn):
        if change.action in ("set default", "type"):
            return _column_use(display(change.table.qualified_name), change.new, enum, literal)
        return None
    if isinstance(change, c.CreateTable):
        table = change.table
        name = display(table.qualified_name)
        for column in table.columns:
            found = _column_use(name, column, enum, literal)
            if found:
                return found
        for check in table.checks:
            if _mentions(check.expression, literal):
                return f"check {check.name} of {name}"
        for _, part in walk_partitions(table):
            if _bound_use(part, value, literal):
                return f"the bound of partition {part.name}"
        return None
    if isinstance(change, c.AddConstraint) and isinstance(change.constraint, Check):
        if _mentions(change.constraint.expression, literal):
            return f"check {change.constraint.name} of {display(change.table.qualified_name)}"
        return None
    if isinstance(change, c.CreatePartition):
        if _bound_use(change.partition, value, literal):
            return f"the bound of partition {change.partition.name}"
        return None
    if isinstance(change, (c.InsertSeed, c.DeleteSeed)):
        if _seed_use(change.seed, change.column_types, enum, literal):
            return f"the seed rows of {display(f'{change.seed.table_schema}.{change.seed.table}')}"
        return None
    return _expression_use(change, literal)


def _expression_use(change: c.Change, literal: str) -> str | None:
    """Uses in free SQL text: views, policies, index predicates, triggers, SQL functions."""
    if isinstance(change, (c.CreateView, c.CreateMaterializedView)):
        if _mentions(change.view.query, literal):
            return f"the query of view {display(change.view.qualified_name)}"
    elif isinstance(change, (c.CreatePolicy, c.AlterPolicy)):
        policy = change.policy if isinstance(change, c.CreatePolicy) else change.new
        if _mentions(policy.using, literal) or _mentions(policy.with_check, literal):
            return f"policy {policy.name} of {display(change.table.qualified_name)}"
    elif isinstance(change, c.CreateIndex):
        texts = [change.index.where, *(p.expression for p in change.index.parts)]
        if any(_mentions(t, literal) for t in texts):
            return f"index {change.index.name}"
    elif isinstance(change, c.CreateTrigger):
        if _mentions(change.trigger.when, literal):
            return f"the condition of trigger {change.trigger.name}"
    elif isinstance(change, c.CreateFunction):
        fn = change.function
        if fn.language.lower() == "sql" and _mentions(fn.body, literal):
            return f"the body of function {display(fn.qualified_name)}"
    return None


def check(ctx: PlanContext) -> Iterator[PlanFinding]:
    units = ctx.plan.up
    for index, unit in enumerate(units):
        for added in unit.changes:
            if not isinstance(added, c.AddEnumValue):
                continue
            enum_name = display(added.enum.qualified_name)
            for earlier, other in enumerate(units[: index + 1]):
                for change in other.changes:
                    if isinstance(change, c.AddEnumValue):
                        continue
                    used = use_of(change, added.enum, added.value)
                    if used is None:
                        continue
                    when = (
                        "in the migration unit that adds it: PostgreSQL refuses a new enum "
                        "value before it is committed (55P04)"
                        if earlier == index
                        else "before the migration unit that adds it"
                    )
                    yield finding(
                        ctx.locate(change),
                        f"value '{added.value}' of enum {enum_name} is used by {used} {when}",
                        "add the value in an earlier migration unit, committed before anything "
                        "uses it (schemac plans new enum values in a unit of their own)",
                        enum=ctx.new.enum(added.enum.qualified_name),
                    )


RULE = PlannerRule(
    code="SC511",
    name="enum-value-used-same-migration",
    severity=Severity.ERROR,
    check=check,
    doc=__doc__,
)
