"""Which spec object a migration statement came from, for messages about server errors.

A statement the planner emitted for the current specs is found through its change: the changes
of a fresh build (and of the build being verified, when there is one) are rendered, statement
by statement, and a failing statement equal to one of them (comments and spacing aside) is
reported as that change, at the spec span that caused it. A statement no change of these
specs renders (an older migration of the history, a hand-written one) is matched by its
leading words to the object of that name, when the specs still have it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from schemac.model.schema import Schema, walk_partitions
from schemac.source import Span

if TYPE_CHECKING:
    from schemac.config import Settings
    from schemac.plan.changes import Change

#: normalised statement text -> the change that renders it
Sources = Mapping[str, "Change"]

_NAME = r'((?:"[^"]+"|[A-Za-z_][\w$]*)(?:\.(?:"[^"]+"|[A-Za-z_][\w$]*))?)'
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE | re.DOTALL))
    for kind, pattern in (
        ("partition", rf"^\s*CREATE\s+TABLE\s+{_NAME}\s+PARTITION\s+OF\s+{_NAME}"),
        ("table", rf"^\s*CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}"),
        (
            "index",
            rf"^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?{_NAME}\s+ON\s+{_NAME}",
        ),
        ("constraint", rf"^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?{_NAME}\s+ADD\s+CONSTRAINT\s+{_NAME}"),
        ("table", rf"^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?{_NAME}"),
        ("view", rf"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:MATERIALIZED\s+)?VIEW\s+{_NAME}"),
        ("type", rf"^\s*CREATE\s+TYPE\s+{_NAME}"),
        ("function", rf"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+{_NAME}"),
        ("trigger", rf"^\s*CREATE\s+TRIGGER\s+{_NAME}\s+.*?\bON\s+{_NAME}"),
        ("policy", rf"^\s*CREATE\s+POLICY\s+{_NAME}\s+ON\s+{_NAME}"),
        ("seed", rf"^\s*INSERT\s+INTO\s+{_NAME}"),
        ("column", r'^\s*COMMENT\s+ON\s+COLUMN\s+(?:(?:"[^"]+"|\w+)\.)?("[^"]+"|\w+)\.'),
        (
            "comment",
            rf"^\s*COMMENT\s+ON\s+(?:TABLE|(?:MATERIALIZED\s+)?VIEW|TYPE|FUNCTION)\s+{_NAME}",
        ),
    )
)


def _bare(name: str) -> str:
    return name.rsplit(".", 1)[-1].strip('"')


def locate(
    schema: Schema, statement: str, sources: Sources | None = None
) -> tuple[str, Span | None] | None:
    """What in the specs caused a statement, and where: its change when one of `sources`
    renders it, else the object its leading words name."""
    change = sources.get(_normal(statement)) if sources else None
    if change is None:
        return spec_object(schema, statement)
    if change.span is not None:
        return change.describe(), change.span
    found = spec_object(schema, statement)
    return change.describe(), found[1] if found else None


def statement_sources(changes: Iterable[Change], settings: Settings) -> dict[str, Change]:
    """Each statement the changes render (normalised), mapped to its change."""
    from schemac.render.environment import make_environment
    from schemac.render.sql import render_change
    from schemac.verify.apply import split_statements

    env = make_environment(settings.templates_dir)
    sources: dict[str, Change] = {}
    for change in changes:
        sql = render_change(change, env)
        for statement in split_statements(sql):
            sources.setdefault(_normal(statement.text), change)
    return sources


def fresh_sources(schema: Schema, settings: Settings) -> dict[str, Change]:
    """The statement sources of a fresh build of the schema (up and down)."""
    from schemac.plan.diff import fresh_plan

    plan = fresh_plan(schema)
    return statement_sources(
        (change for unit in (*plan.up, *plan.down) for change in unit.changes), settings
    )


def _normal(statement: str) -> str:
    """A statement without comments, trailing `;` and differences in spacing."""
    text = " ".join(line for line in statement.splitlines() if not line.lstrip().startswith("--"))
    return " ".join(text.split()).rstrip(";").rstrip()


def spec_object(schema: Schema, statement: str) -> tuple[str, Span | None] | None:
    """A description of the spec object behind a statement and where it was declared."""
    text = "\n".join(line for line in statement.splitlines() if not line.lstrip().startswith("--"))
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            return _find(schema, kind, [_bare(g) for g in match.groups()])
    return None


def _find(schema: Schema, kind: str, names: list[str]) -> tuple[str, Span | None] | None:
    first = names[0]
    if kind == "partition":
        table = schema.table(names[1])
        part = next((p for p in table.partitions if p.name == first), None) if table else None
        if table is None:  # a sub-partition: its parent is a partition
            part = next(
                (
                    p
                    for t in schema.tables
                    for parent, p in walk_partitions(t)
                    if p.name == first and parent.name == names[1]
                ),
                None,
            )
        return (
            f"partition {first} of {names[1]}",
            part.span if part else table.span if table else None,
        )
    if kind in ("table", "seed", "comment", "column"):
        table = schema.table(first)
        if table is not None:
            return f"table {first}", table.span
        seed = next((s for s in schema.seeds if s.table == first), None)
        return (f"seed of {first}", seed.span) if seed else _view(schema, first)
    if kind == "index":
        owner = schema.table(names[1])
        indexes = (
            owner.indexes
            if owner
            else next((m.indexes for m in schema.materialized_views if m.name == names[1]), ())
        )
        index = next((i for i in indexes if i.name == first), None)
        return f"index {first} on {names[1]}", index.span if index else None
    if kind == "constraint":
        table = schema.table(first)
        fk = next((f for f in table.foreign_keys if f.name == names[1]), None) if table else None
        return (
            f"foreign key {names[1]} on {first}",
            fk.span if fk else table.span if table else None,
        )
    if kind == "view":
        return _view(schema, first)
    if kind == "type":
        enum = schema.enum(first)
        return (f"enum {first}", enum.span) if enum else None
    if kind == "function":
        fn = next((f for f in schema.functions if f.name == first), None)
        return (f"function {first}", fn.span) if fn else None
    if kind == "trigger":
        trig = next((t for t in schema.triggers if t.name == first and t.table == names[1]), None)
        return (f"trigger {first} on {names[1]}", trig.span) if trig else None
    if kind == "policy":
        table = schema.table(names[1])
        pol = next((p for p in table.rls.policies if p.name == first), None) if table else None
        return (f"policy {first} on {names[1]}", pol.span if pol else None) if table else None
    return None


def _view(schema: Schema, name: str) -> tuple[str, Span | None] | None:
    for view in schema.views:
        if view.name == name:
            return f"view {name}", view.span
    for matview in schema.materialized_views:
        if matview.name == name:
            return f"materialized view {name}", matview.span
    return None
