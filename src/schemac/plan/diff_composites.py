"""Composite types in the one differ: created with the types (before the tables and functions
that use them), dropped after them and after removed functions (before removed extensions);
attributes added or dropped in place.

An attribute whose type or collation changes, or a reordering, drops the type and creates it
again with the functions that take or return it (and what calls them: indexes, views), as
crates.io's own migrations do; any change of a composite type a table column uses is not
planned (PostgreSQL refuses ALTER TYPE then, and CASCADE would change the stored rows' type
under the application).
"""

from __future__ import annotations

from schemac.model.schema import Composite
from schemac.plan import changes as c
from schemac.plan.diff import COMMENTS, DROP_DEPENDENTS, DROPS, TYPES, Diff


def diff_composites(d: Diff) -> None:
    old = {x.qualified_name: x for x in d.old.composites}
    for composite in d.new.composites:
        before = old.get(composite.qualified_name)
        if before is None:
            d.add(TYPES, c.CreateComposite(composite, span=composite.span))
            if composite.description is not None:
                d.add(COMMENTS, _comment(composite, None, covered=True))
            continue
        if before.attributes != composite.attributes:
            _attributes(d, before, composite)
        if before.spelled in d.recreated_types:
            continue  # its comment is written again with it
        if before.description != composite.description:
            d.add(COMMENTS, _comment(composite, before.description))
    new_names = {x.qualified_name for x in d.new.composites}
    for composite in reversed(d.old.composites):
        if composite.qualified_name not in new_names:
            restore: tuple[c.Change, ...] = (c.CreateComposite(composite),)
            if composite.description is not None:
                restore += (_comment(composite, None),)
            d.add(
                DROPS + 1,
                c.Drop(
                    "type",
                    composite.schema_name,
                    composite.name,
                    restore=restore,
                    destructive=True,
                    live=True,
                ),
            )


def recreated_composites(d: Diff) -> set[str]:
    """Composite types whose attributes change in a way ALTER TYPE cannot make (a new type, a
    new order) and that no table column uses: they are dropped and created again, with the
    functions taking or returning them (and those functions' dependents) around them."""
    old = {x.qualified_name: x for x in d.old.composites}
    out = set()
    for composite in d.new.composites:
        before = old.get(composite.qualified_name)
        if before is None or before.attributes == composite.attributes:
            continue
        if _in_place(before, composite) or _used_by_columns(d, before):
            continue
        out.add(before.spelled)
    return out


def _in_place(before: Composite, composite: Composite) -> bool:
    old = {a.name: a for a in before.attributes}
    new = {a.name: a for a in composite.attributes}
    kept_old = [a.name for a in before.attributes if a.name in new]
    kept_new = [a.name for a in composite.attributes if a.name in old]
    changed = [n for n in kept_new if old[n] != new[n]]
    return not changed and kept_old == kept_new and not _inserted(before, composite)


def _recreate(d: Diff, before: Composite, composite: Composite) -> None:
    restore: tuple[c.Change, ...] = (c.CreateComposite(before),)
    if before.description is not None:
        restore += (_comment(before, None),)
    # after the functions that take or return it are dropped (DROP_DEPENDENTS + 1)
    d.add(
        DROP_DEPENDENTS + 1,
        c.Drop("type", before.schema_name, before.name, restore=restore, live=True),
    )
    d.add(TYPES, c.CreateComposite(composite, span=composite.span, live=True))
    if composite.description is not None:
        d.add(COMMENTS, _comment(composite, None, covered=True))


def _attributes(d: Diff, before: Composite, composite: Composite) -> None:
    help = (
        "declare a new composite type, move its users to it (expand/contract), then remove the "
        "old one"
    )
    used = _used_by_columns(d, before)
    if used:
        d.problem(
            f"composite type {composite.name} changes while {used} uses it: not planned",
            composite.span,
            help,
        )
        return
    if before.spelled in d.recreated_types:
        _recreate(d, before, composite)
        return
    old = {a.name: a for a in before.attributes}
    new = {a.name: a for a in composite.attributes}
    for attr in before.attributes:
        if attr.name not in new:
            d.add(
                TYPES,
                c.DropAttribute(composite, attr, destructive=True, span=composite.span, live=True),
            )
    for attr in composite.attributes:
        if attr.name not in old:
            d.add(TYPES, c.AddAttribute(composite, attr, span=composite.span, live=True))


def _inserted(before: Composite, composite: Composite) -> bool:
    """True when a new attribute comes before a kept one (ADD ATTRIBUTE appends)."""
    old = {a.name for a in before.attributes}
    seen_new = False
    for attr in composite.attributes:
        if attr.name not in old:
            seen_new = True
        elif seen_new:
            return True
    return False


def _used_by_columns(d: Diff, composite: Composite) -> str | None:
    spelled = composite.spelled
    for table in d.old.tables:
        for col in table.columns:
            if col.type.rstrip("[]") == spelled:
                return f"{table.name}.{col.name}"
    return None


def _comment(composite: Composite, previous: str | None, *, covered: bool = False) -> c.Comment:
    return c.Comment(
        "type",
        composite.schema_name,
        composite.name,
        composite.description,
        previous=previous,
        span=composite.span,
        covered=covered,
    )
