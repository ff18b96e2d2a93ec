"""The contract of a migration-safety rule and what every rule reads: the planned migration.

A planner rule is a plain value like a lint rule (`RULE = PlannerRule(...)` in its own module,
the module docstring is its documentation in the same fixed sections), but its check reads a
`PlanContext`: the typed changes of an incremental build (`Plan.up`), the schema before and
after, and the build's options. Rules reason over the changes' facts (`live`, `safety`,
`locks`, `stage`, ...), never over rendered SQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from schemac.diagnostics import Severity
from schemac.model.schema import Column, Enum, Schema, Table, walk_partitions
from schemac.model.types import TypeSyntaxError, parse_type
from schemac.plan import changes as c
from schemac.rules.base import sections
from schemac.source import Span

#: what `scope` says of every planner rule (lint rules say "schema", "resolver" or "lint")
PLANNER_SCOPE = "planner"

ChangeT = TypeVar("ChangeT", bound=c.Change)


@dataclass(frozen=True, slots=True)
class PlanFinding:
    """One change (or the plan as a whole) breaking a rule, before severity and suppressions.

    `severity` overrides the rule's default (SC503 under `--allow-destructive`); `table`,
    `column` and `enum` are objects of the new schema whose `lint: {ignore: [...]}` may
    suppress the finding.
    """

    message: str
    span: Span | None
    help: str
    severity: Severity | None = None
    table: Table | None = None
    column: Column | None = None
    enum: Enum | None = None


PlanCheck = Callable[["PlanContext"], Iterable[PlanFinding]]


@dataclass(frozen=True)
class PlannerRule:
    """A migration-safety rule (SC5xx): checked on a planned migration, never by `lint`.

    It has the same documentation attributes as a lint `Rule` (`code`, `name`, `severity`,
    `doc`, `summary`, `section()`, `scope`), so listings and rule pages can show both.
    `gate` rules (destructive changes) are lifted only by `--allow-destructive`: spec and
    config suppressions and severity overrides do not apply to them.
    """

    code: str
    name: str
    severity: Severity
    check: PlanCheck
    doc: str | None
    gate: bool = False

    @property
    def scope(self) -> str:
        return PLANNER_SCOPE

    @property
    def summary(self) -> str:
        """The first line of the docs: the one-line description used in listings."""
        return (self.doc or "").strip().splitlines()[0] if self.doc and self.doc.strip() else ""

    def section(self, title: str) -> str:
        """The text of one `## title` section of the docs ("" when absent)."""
        return sections(self.doc or "").get(title, "")


@dataclass(frozen=True)
class Located:
    """Where a change points in the new specs, and the new-schema table it belongs to."""

    span: Span | None
    table: Table | None
    #: the object is gone from the new specs (a drop of something the specs removed)
    removed: bool = False


@dataclass(frozen=True)
class PlanContext:
    """The planned migration and what rules share about it (computed once, on demand)."""

    plan: c.Plan
    old: Schema
    new: Schema
    lock_timeout: str | None = None
    allow_destructive: bool = False

    # --- walking the plan ----------------------------------------------------------------

    def changes(self) -> Iterator[c.Change]:
        """Every up change in migration order."""
        for unit in self.plan.up:
            yield from unit.changes

    def changes_of(self, kind: type[ChangeT]) -> Iterator[ChangeT]:
        for change in self.changes():
            if isinstance(change, kind):
                yield change

    @cached_property
    def lock_timeout_set(self) -> bool:
        """A lock_timeout that limits the wait (PostgreSQL reads 0 as "wait forever")."""
        value = (self.lock_timeout or "").strip().strip("'\"").strip()
        if not value:
            return False
        number = re.match(r"\d+(\.\d*)?", value)
        return number is None or float(number.group()) != 0

    # --- enum type swaps -----------------------------------------------------------------

    @cached_property
    def swapped_enums(self) -> dict[tuple[str, str], c.Rename]:
        """(schema, name the enum has during the swap) -> the Rename that set it aside.

        The planner rebuilds an enum that loses or reorders values: the old type is renamed to
        `<name>_old`, a new type is created, the columns move to it, and the old one is dropped.
        """
        renames = {
            (r.schema_name, r.new): r for r in self.changes_of(c.Rename) if r.target == "type"
        }
        found: dict[tuple[str, str], c.Rename] = {}
        for drop in self.changes_of(c.Drop):
            if drop.object_type != "type":
                continue
            key = (drop.schema_name or "public", drop.name)
            if key in renames:
                found[key] = renames[key]
        return found

    def swap_of(self, drop: c.Drop) -> c.Rename | None:
        """The Rename of an enum type swap whose aside type this drop removes."""
        if drop.object_type != "type":
            return None
        return self.swapped_enums.get((drop.schema_name or "public", drop.name))

    # --- new-schema lookups --------------------------------------------------------------

    def new_table(self, qualified: str) -> Table | None:
        """The new-schema table of a qualified name of either side (follows table renames)."""
        found = self.new.table(qualified)
        if found is not None:
            return found
        for table in self.new.tables:
            source = table.renamed_from
            if source is None:
                continue
            source = source if "." in source else f"{table.schema_name}.{source}"
            if source == qualified:
                return table
        return None

    def parent_of_partition(self, schema: str, name: str) -> Table | None:
        """The new-schema table that has (or, in the old schema, had) this partition."""
        for side in (self.new, self.old):
            for table in side.tables:
                if table.schema_name == schema and any(
                    p.name == name for _, p in walk_partitions(table)
                ):
                    return self.new_table(table.qualified_name)
        return None

    def table_of_index(self, schema: str, name: str) -> Table | None:
        for side in (self.new, self.old):
            for table in side.tables:
                if table.schema_name == schema and any(i.name == name for i in table.indexes):
                    return self.new_table(table.qualified_name)
        return None

    @cached_property
    def new_paths(self) -> frozenset[str]:
        """The spec files of the new schema (a span elsewhere is one of the old specs)."""
        new = self.new
        nodes = [
            *new.extensions,
            *new.enums,
            *new.functions,
            *new.tables,
            *new.views,
            *new.materialized_views,
            *new.triggers,
            *new.seeds,
        ]
        spans = (getattr(node, "span", None) for node in nodes)
        paths = {span.path for span in spans if isinstance(span, Span)}
        return frozenset(paths | {doc.path for doc in new.documents})

    def locate(self, change: c.Change) -> Located:
        """The spec span of a change: its own, else the new table's; for an object the specs
        removed, the span of the table it was on (None when that is gone too). A span into
        the old specs (a change built from the old column) is not shown."""
        table = self._table_of(change)
        removed = self._removed(change)
        span = change.span
        if span is not None and span.path not in self.new_paths:
            span = None
        if span is None and table is not None:
            span = table.span
        return Located(span, table, removed)

    def _table_of(self, change: c.Change) -> Table | None:
        if isinstance(change, c.SetSchema):
            return self.new_table(f"{change.new_schema}.{change.name}") or self.parent_of_partition(
                change.new_schema, change.name
            )
        if isinstance(change, c.Rename):
            if change.target in ("column", "constraint"):
                return self.new_table(f"{change.schema_name}.{change.name}")
            if change.target == "table":
                return self.new_table(f"{change.schema_name}.{change.new}")
            if change.target == "index":
                return self.table_of_index(change.schema_name, change.new)
            return None
        if isinstance(change, c.Drop):
            schema = change.schema_name or "public"
            if change.on is not None:
                return self.new_table(f"{schema}.{change.on}")
            if change.object_type == "table":
                return self.new_table(f"{schema}.{change.name}") or self.parent_of_partition(
                    schema, change.name
                )
            if change.object_type == "index":
                return self.table_of_index(schema, change.name)
            return None
        if isinstance(change, c.CreateIndex):
            return self.new_table(
                f"{change.schema_name}.{change.table}"
            ) or self.parent_of_partition(change.schema_name, change.table)
        if isinstance(change, (c.InsertSeed, c.DeleteSeed)):
            return self.new_table(f"{change.seed.table_schema}.{change.seed.table}")
        if isinstance(change, c.CreateTrigger):
            return self.new_table(f"{change.trigger.table_schema}.{change.trigger.table}")
        table = getattr(change, "table", None)
        if isinstance(table, Table):
            return self.new_table(table.qualified_name)
        return None

    def _removed(self, change: c.Change) -> bool:
        if isinstance(change, c.DropColumn):
            table = self.new_table(change.table.qualified_name)
            return table is None or table.column(change.column.name) is None
        if isinstance(change, c.Drop) and change.destructive:
            return self.swap_of(change) is None
        return False


# --- small helpers shared by the rules --------------------------------------------------------


def display(qualified: str) -> str:
    """A qualified name as messages show it: `public.` is left out."""
    return qualified.removeprefix("public.")


def uses_type(type_text: str, schema: str, name: str) -> bool:
    """True when a column type (or an array of it) is the named type."""
    try:
        ref = parse_type(type_text)
    except TypeSyntaxError:
        return False
    return ref.base == name and (ref.schema or "public") == schema


def finding(
    where: Located,
    message: str,
    help: str,
    *,
    severity: Severity | None = None,
    column: Column | None = None,
    enum: Enum | None = None,
) -> PlanFinding:
    """A finding at a located change (suppressible on its table, column and enum)."""
    return PlanFinding(message, where.span, help, severity, where.table, column, enum)


def locks_text(change: c.Change) -> str:
    """The locks of a change as a phrase ("ACCESS EXCLUSIVE on users (scan/rewrite)")."""
    return ", ".join(
        f"{lock.mode} on {display(lock.relation)}" + ("" if lock.brief else " (scan/rewrite)")
        for lock in change.locks
    )
