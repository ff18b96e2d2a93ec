"""Domains in the one differ: created with the types (before the tables and functions that use
them), dropped after the tables; on a live database a new check is added NOT VALID and
validated in a later transaction, a default or NOT NULL is altered in place.

Removed domains are dropped after the tables and after the removed functions (which may
take or return them), before removed extensions.

A new base type or collation is not planned: PostgreSQL cannot alter either (a new domain and
an expand/contract of the columns is the way, as the problem's help says).
"""

from __future__ import annotations

from dataclasses import replace

from schemac.model.canonical import same_expr
from schemac.model.schema import Domain, DomainCheck
from schemac.plan import changes as c
from schemac.plan.diff import (
    COMMENTS,
    CONSTRAINTS,
    DROP_DEPENDENTS,
    DROPS,
    TABLES,
    TYPES,
    Diff,
)


def diff_domains(d: Diff) -> None:
    _constrained_columns(d)
    old = {x.qualified_name: x for x in d.old.domains}
    for domain in d.new.domains:
        before = old.get(domain.qualified_name)
        if before is None:
            d.add(TYPES, c.CreateDomain(domain, span=domain.span))
            for check in _not_valid(domain):
                d.add(TYPES, c.AddDomainCheck(domain, check, not_valid=True, span=domain.span))
            if domain.description is not None:
                d.add(COMMENTS, _comment(domain, None, covered=True))
            continue
        _changed(d, before, domain)
    new_names = {x.qualified_name for x in d.new.domains}
    for domain in reversed(d.old.domains):
        if domain.qualified_name not in new_names:
            restore: tuple[c.Change, ...] = (c.CreateDomain(domain),)
            restore += tuple(
                c.AddDomainCheck(domain, check, not_valid=True) for check in _not_valid(domain)
            )
            if domain.description is not None:
                restore += (_comment(domain, None),)
            d.add(
                DROPS + 1,
                c.Drop(
                    "domain",
                    domain.schema_name,
                    domain.name,
                    restore=restore,
                    destructive=True,
                    live=True,
                ),
            )


def _changed(d: Diff, before: Domain, domain: Domain) -> None:
    what = f"domain {domain.name}"
    for field, label in (("type", "base type"), ("collation", "collation")):
        if getattr(before, field) != getattr(domain, field):
            d.problem(
                f"{what}: a new {label} ({getattr(before, field)} -> {getattr(domain, field)}) "
                "is not planned (PostgreSQL cannot alter it)",
                domain.span,
                "declare a new domain, move the columns to it (expand/contract), then remove "
                "the old one",
            )
            return
    tables = _tables_using(d, domain)
    if not same_expr(before.default, domain.default):
        d.add(
            TYPES,
            c.AlterDomain(
                domain,
                "drop default" if domain.default is None else "set default",
                before.default,
                span=domain.span,
                live=True,
            ),
        )
    if before.not_null != domain.not_null:
        if domain.not_null:
            d.add(
                CONSTRAINTS,
                c.AlterDomain(
                    domain,
                    "set not null",
                    tables=tables,
                    span=domain.span,
                    live=True,
                    stage=c.STAGE_VALIDATE,
                ),
            )
        else:
            d.add(TYPES, c.AlterDomain(domain, "drop not null", span=domain.span, live=True))
    old_checks = {check.name: check for check in before.checks}
    new_checks = {check.name: check for check in domain.checks}
    for name, check in old_checks.items():
        kept = new_checks.get(name)
        if kept is None or _replaced(check, kept):
            restore: tuple[c.Change, ...] = (
                c.AddDomainCheck(before, check, not_valid=True, live=True),
            )
            if check.valid:  # the down migration gives the check back as it was: validated
                restore += (c.ValidateDomainCheck(before, name, tables=tables, live=True),)
            d.add(
                DROP_DEPENDENTS,
                c.DropDomainCheck(domain, name, restore=restore, span=domain.span, live=True),
            )
    for name, check in new_checks.items():
        previous = old_checks.get(name)
        added = previous is None or _replaced(previous, check)
        if added:
            d.add(
                TYPES,
                c.AddDomainCheck(
                    domain, check, not_valid=True, tables=tables, span=domain.span, live=True
                ),
            )
        # `valid: false` leaves the values stored before the check unchecked
        if check.valid and (added or (previous is not None and not previous.valid)):
            d.add(
                CONSTRAINTS,
                c.ValidateDomainCheck(
                    domain,
                    name,
                    tables=tables,
                    unvalidated=None if added else previous,
                    span=domain.span,
                    live=True,
                    stage=c.STAGE_VALIDATE,
                ),
            )
    if before.description != domain.description:
        d.add(COMMENTS, _comment(domain, before.description))


def _not_valid(domain: Domain) -> tuple[DomainCheck, ...]:
    """The NOT VALID checks of a domain: CREATE DOMAIN cannot say them, ALTER DOMAIN adds them."""
    return tuple(check for check in domain.checks if not check.valid)


def _replaced(old: DomainCheck, new: DomainCheck) -> bool:
    """The check is dropped and added again: a new expression, or a validated check made NOT
    VALID (PostgreSQL cannot take the validation back)."""
    return not same_expr(old.expression, new.expression) or (old.valid and not new.valid)


def _constrained_columns(d: Diff) -> None:
    """Columns added to live tables with a domain that has a check or NOT NULL: PostgreSQL
    rewrites the table to check every row's (NULL or default) value, so the change says so."""
    constrained = {x.spelled for x in d.new.domains if x.checks or x.not_null}
    changes = d.buckets.get(TABLES, [])
    for i, ch in enumerate(changes):
        if isinstance(ch, c.AddColumn) and ch.column.type.rstrip("[]") in constrained:
            changes[i] = replace(ch, constrained_domain=True)


def _tables_using(d: Diff, domain: Domain) -> tuple[str, ...]:
    """The tables of both schemas with a column of the domain (those holding rows)."""
    spelled = domain.spelled
    live = {t.qualified_name for t in d.old.tables}
    return tuple(
        t.qualified_name
        for t in d.new.tables
        if t.qualified_name in live and any(col.type.rstrip("[]") == spelled for col in t.columns)
    )


def _comment(domain: Domain, previous: str | None, *, covered: bool = False) -> c.Comment:
    return c.Comment(
        "domain",
        domain.schema_name,
        domain.name,
        domain.description,
        previous=previous,
        span=domain.span,
        covered=covered,
    )


def extensions_last(d: Diff) -> None:
    """The drops of removed functions, domains and composite types (bucket DROPS + 1) run
    before those of removed extensions, whose types they may use (a domain over citext)."""
    items = d.buckets.get(DROPS + 1, [])
    extensions: list[c.Change] = [
        ch for ch in items if isinstance(ch, c.Drop) and ch.object_type == "extension"
    ]
    d.buckets[DROPS + 1] = [ch for ch in items if ch not in extensions] + extensions
