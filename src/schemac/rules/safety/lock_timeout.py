"""A migration that takes ACCESS EXCLUSIVE locks on existing tables sets a lock_timeout.

## What it does
Reports a planned migration that takes an ACCESS EXCLUSIVE lock on a relation that existed
before it (even a brief one, for a catalog-only `ALTER TABLE`) while `lock_timeout` is not set
(or is 0) in the configuration. With `lock_timeout` set, schemac writes
`SET lock_timeout = ...` at the top of every migration.

## Why
An `ALTER TABLE` that only changes the catalog still has to wait for the ACCESS EXCLUSIVE lock,
and while it waits behind one long-running query every new query on the table queues behind
it: a millisecond change becomes an outage that lasts as long as the slowest transaction. With
a `lock_timeout` the migration gives up instead and can simply be retried.

## Example
```toml
[tool.schemac]
lock_timeout = "0"
```

## Use instead
```toml
[tool.schemac]
lock_timeout = "5s"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.plan import changes as c
from schemac.rules.safety.base import PlanContext, PlanFinding, PlannerRule, display, finding

#: how many relations the message names before "and N more"
SHOWN = 5
#: drops whose `locks` name an object that is not a relation (no table queues behind them)
NOT_RELATIONS = frozenset({"type", "function", "schema", "extension"})


def check(ctx: PlanContext) -> Iterator[PlanFinding]:
    if ctx.lock_timeout_set:
        return
    relations: list[str] = []
    first: c.Change | None = None
    for change in ctx.changes():
        if isinstance(change, c.Drop) and change.object_type in NOT_RELATIONS:
            continue
        for lock in change.locks:
            if lock.mode != c.ACCESS_EXCLUSIVE:
                continue
            first = first or change
            name = display(lock.relation)
            if name not in relations:
                relations.append(name)
    if first is None:
        return
    named = ", ".join(relations[:SHOWN])
    if len(relations) > SHOWN:
        named += f" and {len(relations) - SHOWN} more"
    yield finding(
        ctx.locate(first),
        f"the migration takes ACCESS EXCLUSIVE locks on {named} without a lock_timeout: "
        "waiting for a lock queues every other query on the table behind it",
        'set lock_timeout in the configuration ([tool.schemac] lock_timeout = "5s"): a blocked '
        "migration then fails fast and can be retried",
    )


RULE = PlannerRule(
    code="SC509",
    name="lock-timeout",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
