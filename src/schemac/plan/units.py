"""Ordered changes to migration units, and each unit's down derived from the inverses.

Units follow the stages of plan/changes.py. Every tool of the three layouts runs one file in one
transaction (Flyway, dbmate) or as one query (golang-migrate), and PostgreSQL refuses
CREATE INDEX CONCURRENTLY in a transaction or a multi-statement query, so each
non-transactional change is a unit of its own; a new enum value is committed in an earlier unit
than its first use (55P04); a NOT VALID constraint is validated in a later transaction.
"""

from __future__ import annotations

from schemac.plan import changes as c

_STAGE_NAMES = {
    c.STAGE_ENUM_VALUES: "enum_values",
    c.STAGE_MAIN: "",
    c.STAGE_VALIDATE: "validate",
    c.STAGE_FINISH: "finish",
}


def _alone_name(change: c.Change) -> str:
    if isinstance(change, c.CreateIndex):
        return f"create_index_{change.index.name}"
    if isinstance(change, c.Drop):
        return f"drop_{change.object_type.replace(' ', '_')}_{change.name}"
    if isinstance(change, c.DetachPartition):
        return f"detach_{change.partition.name}"
    return change.kind


def down_of(unit: c.Unit) -> c.Unit:
    """The unit that undoes `unit`: inverses in reverse order, a note where there is none."""
    changes: list[c.Change] = []
    for change in reversed(unit.changes):
        if change.covered:
            continue
        if change.reversibility == "irreversible":
            changes.append(c.Irreversible(change.describe(), change.reason or "cannot be undone"))
        changes.extend(change.inverse())
    signatures = {
        (
            ch.function.schema_name,
            ch.function.name,
        ): f"{ch.function.arguments} {ch.function.returns}"
        for ch in unit.changes
        if isinstance(ch, c.CreateFunction)
    }
    ordered = _functions_after_tables(changes, signatures)
    return c.Unit(tuple(ordered), unit.transactional, unit.name)


def _functions_after_tables(
    changes: list[c.Change], signatures: dict[tuple[str, str], str]
) -> list[c.Change]:
    """A table may depend on a function (a default, a check, an index expression, a trigger's
    WHEN) that was created after it, so undoing in reverse would drop the function first: each
    function drop moves after the table drops that follow it, never past a re-creation, nor
    past the drop of a table whose row type the function takes or returns (it depends on it)."""
    from schemac.plan.diff import mentions

    out = list(changes)
    i = len(out) - 1
    while i >= 0:
        change = out[i]
        if isinstance(change, c.Drop) and change.object_type == "function":
            target = i
            signature = signatures.get((change.schema_name or "public", change.name), "")
            signature = signature or _signature_text(change)
            for j in range(i + 1, len(out)):
                later = out[j]
                if isinstance(later, c.CreateFunction):
                    break
                if isinstance(later, c.Drop) and later.object_type == "table":
                    if mentions(signature, [later.name]):
                        break
                    target = j
            if target != i:
                out.insert(target, out.pop(i))
        i -= 1
    return out


def _signature_text(drop: c.Drop) -> str:
    """The argument list and return type of a dropped function, from what restores it."""
    for restore in drop.restore:
        if isinstance(restore, c.CreateFunction):
            return f"{restore.function.arguments} {restore.function.returns}"
    return ""


def cut_units(changes: list[c.Change]) -> c.Plan:
    """Units in stage order; ties keep the differ's dependency order."""
    stages: dict[int, list[c.Change]] = {}
    for change in changes:
        stages.setdefault(change.stage, []).append(change)
    up: list[c.Unit] = []
    several = len(stages) > 1
    for stage in sorted(stages):
        group = stages[stage]
        if stage == c.STAGE_VALIDATE:
            # every validation scan first, before this transaction takes ACCESS EXCLUSIVE on a
            # table (SET NOT NULL, a helper check's drop): under it the scan would block traffic
            first = [ch for ch in group if isinstance(ch, c.ValidateConstraint)]
            group = first + [ch for ch in group if not isinstance(ch, c.ValidateConstraint)]
        together = [ch for ch in group if ch.transactional]
        if together:
            name = _STAGE_NAMES.get(stage, f"stage_{stage}") if several else ""
            up.append(c.Unit(tuple(together), True, name))
        up += [c.Unit((ch,), False, _alone_name(ch)) for ch in group if not ch.transactional]
    return c.Plan(up=tuple(up), down=tuple(down_of(u) for u in up))
