"""Sequences of their own in the one differ: created with the types (column defaults call them),
owned once their tables exist, altered in place, dropped after the tables.

A sequence owned by a column is dropped with that column or table (PostgreSQL's auto
dependency), so a sequence whose owner goes away loses its owner first (OWNED BY NONE, whose
inverse owns it again after the down re-created the owner); the drop of a removed sequence runs
after the tables' drops, when no default calls it any more.
"""

from __future__ import annotations

from schemac.model.schema import Sequence
from schemac.plan import changes as c
from schemac.plan.diff import COMMENTS, CONSTRAINTS, DROP_DEPENDENTS, DROPS, TYPES, Diff

#: the options ALTER SEQUENCE can change in place
_OPTIONS = ("data_type", "start", "increment", "min_value", "max_value", "cache", "cycle")


def diff_sequences(d: Diff) -> None:
    old = {s.qualified_name: s for s in d.old.sequences}
    for seq in d.new.sequences:
        before = old.get(seq.qualified_name)
        if before is None:
            d.add(TYPES, c.CreateSequence(seq, span=seq.span))
            if seq.owned_by is not None:
                d.add(CONSTRAINTS, c.SetSequenceOwner(seq, None, span=seq.span, covered=True))
            if seq.description is not None:
                d.add(COMMENTS, _comment(seq, None, covered=True))
            continue
        if any(getattr(seq, o) != getattr(before, o) for o in _OPTIONS):
            d.add(TYPES, c.AlterSequence(seq, before, span=seq.span, live=True))
        if seq.owned_by != before.owned_by:
            # OWNED BY NONE before the old owner may be dropped; a new owner once it exists
            bucket = DROP_DEPENDENTS if seq.owned_by is None else CONSTRAINTS
            d.add(bucket, c.SetSequenceOwner(seq, before.owned_by, span=seq.span, live=True))
        elif seq.owned_by is not None and _owner_goes(d, before):
            # the owning column is dropped (and added again): keep the sequence through it
            free = seq.model_copy(update={"owned_by": None})
            d.add(DROP_DEPENDENTS, c.SetSequenceOwner(free, seq.owned_by, live=True))
            d.add(CONSTRAINTS, c.SetSequenceOwner(seq, None, live=True))
        if seq.description != before.description:
            d.add(COMMENTS, _comment(seq, before.description))
    new_names = {s.qualified_name for s in d.new.sequences}
    for seq in reversed(d.old.sequences):
        if seq.qualified_name in new_names:
            continue
        restore: tuple[c.Change, ...] = (c.CreateSequence(seq),)
        if _owner_goes(d, seq):
            # freed first, so that dropping its owner leaves it to its own drop (and the down
            # owns it again once the owner is back)
            free = seq.model_copy(update={"owned_by": None})
            d.add(DROP_DEPENDENTS, c.SetSequenceOwner(free, seq.owned_by, live=True))
        elif seq.owned_by is not None:
            restore += (c.SetSequenceOwner(seq, None),)
        if seq.description is not None:
            restore += (_comment(seq, None),)
        d.add(
            DROPS,
            c.Drop(
                "sequence",
                seq.schema_name,
                seq.name,
                restore=restore,
                destructive=True,
                live=True,
            ),
        )


def _owner_goes(d: Diff, seq: Sequence) -> bool:
    """True when the old owner (table or column) of `seq` does not survive the migration."""
    if seq.owned_by is None:
        return False
    table_name, column = seq.owned_by
    qualified = f"{seq.schema_name}.{table_name}"
    new_name = d.table_map.get(qualified)
    if new_name is None or new_name != qualified:
        return True
    return column in d.reshaped_columns.get(qualified, set()) - _kept(d, qualified, column)


def _kept(d: Diff, qualified: str, column: str) -> set[str]:
    # a column that is only retyped keeps its dependents (ALTER COLUMN TYPE)
    table = d.new.table(qualified)
    dropped = d.regenerated_columns.get(qualified, set())
    if table is not None and table.column(column) is not None and column not in dropped:
        return {column}
    return set()


def _comment(seq: Sequence, previous: str | None, *, covered: bool = False) -> c.Comment:
    return c.Comment(
        "sequence",
        seq.schema_name,
        seq.name,
        seq.description,
        previous=previous,
        span=seq.span,
        covered=covered,
    )
