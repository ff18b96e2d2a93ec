"""Exclusion constraints of a live table, for plan/diff_tables.py: renamed, commented, or
dropped and added again (PostgreSQL alters none of their parts in place, and adds them only by
building their index and checking every row under ACCESS EXCLUSIVE)."""

from __future__ import annotations

from collections.abc import Callable

from schemac.model.canonical import same_exclusion
from schemac.model.schema import Exclusion, Index, IndexPart, Table
from schemac.plan import changes as c
from schemac.plan.diff import CONSTRAINTS, DROP_DEPENDENTS, LATE_INDEXES, TABLES, Diff, mentions

Follow = Callable[[tuple[str, ...]], tuple[str, ...]]


def exclusion_is_late(d: Diff, ex: Exclusion) -> bool:
    """The constraint compares with an operator of the specs, or its expressions call a
    function created after the tables: CREATE TABLE cannot hold it."""
    from schemac.plan.diff_tables import _calls_late_function, _uses_operator

    symbols = {op.name for op in d.new.operators}
    if any(e.operator in symbols for e in ex.elements):
        return True
    index = Index(name=ex.name, parts=_exclusion_parts(ex), where=ex.where)
    return _uses_operator(d, index) or _calls_late_function(d, index)


def _exclusion_parts(ex: Exclusion) -> tuple[IndexPart, ...]:
    return tuple(
        IndexPart(column=e.column, expression=e.expression, opclass=e.opclass) for e in ex.elements
    )


def diff_exclusions(
    d: Diff, old: Table, new: Table, derived: Callable[[str], str], follow: Follow
) -> None:
    """Exclusion constraints: renamed, or dropped and added again when anything but the name
    and the comment changed (PostgreSQL alters none of their parts in place)."""
    from schemac.plan.diff_tables import _comment_changed, _rename_constraint, pair

    pairs, added, removed = pair(
        old.exclusions, new.exclusions, lambda x: x.name, lambda x: x.renamed_from, derived
    )
    # one whose name alone changed (a derived name following a renamed column, an imported
    # name adopted) is renamed, not rebuilt under ACCESS EXCLUSIVE
    for after in list(added):
        before = next(
            (x for x in removed if same_exclusion(_followed_exclusion(x, follow), after)), None
        )
        if before is not None:
            removed.remove(before)
            added.remove(after)
            pairs.append((before, after))
    for before, after in pairs:
        texts = [e.expression for e in before.elements] + [before.where]
        recreated = any(mentions(t, d.recreated_functions) for t in texts if t)
        if not recreated and same_exclusion(_followed_exclusion(before, follow), after):
            if before.name != after.name:
                d.add(TABLES, _rename_constraint(new, before.name, after.name))
            _comment_changed(d, new, after, before.description)
            continue
        d.add(DROP_DEPENDENTS, _drop_exclusion(old, before))
        added.append(after)
    for ex in added:
        bucket = LATE_INDEXES if exclusion_is_late(d, ex) else CONSTRAINTS
        d.add(bucket, c.AddConstraint(new, ex, live=True, span=ex.span))
        _comment_changed(d, new, ex, None)
    for ex in removed:
        d.add(DROP_DEPENDENTS, _drop_exclusion(old, ex))


def _drop_exclusion(table: Table, ex: Exclusion) -> c.DropConstraint:
    """DROP CONSTRAINT, whose down adds the constraint back with its comment."""
    from schemac.plan.diff_tables import constraint_comment

    restore: tuple[c.Change, ...] = (c.AddConstraint(table, ex, live=True),)
    if ex.description:
        restore += (constraint_comment(table, ex, None, live=True),)
    return c.DropConstraint(table, ex.name, restore=restore, live=True)


def _followed_exclusion(ex: Exclusion, follow: Follow) -> Exclusion:
    """The constraint with its columns under their new names (PostgreSQL keeps it on a renamed
    column)."""
    elements = tuple(
        e if e.column is None else e.model_copy(update={"column": follow((e.column,))[0]})
        for e in ex.elements
    )
    return ex.model_copy(update={"elements": elements, "include": follow(ex.include)})
