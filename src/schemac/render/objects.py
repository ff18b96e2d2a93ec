"""Context builders for sequences of their own and domains (object kinds that are not tables):
the same rules as render/sql.py, every name through qualify/quote_ident."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemac.model.names import qualify, quote_ident
from schemac.model.schema import SEQUENCE_TYPE_RANGE, Attribute, Domain, DomainCheck, Sequence
from schemac.model.types import sql_type
from schemac.plan import changes as c
from schemac.render import clauses as cl

Context = dict[str, str]


def _name(seq: Sequence) -> str:
    return qualify(seq.schema_name, seq.name)


def sequence_options(seq: Sequence, before: Sequence | None) -> str:
    """The clauses of CREATE SEQUENCE (before None: every one that is not PostgreSQL's default
    for the type and direction) or of ALTER SEQUENCE (those that differ from `before`)."""
    if before is None:
        ascending = seq.increment > 0
        low, high = SEQUENCE_TYPE_RANGE[seq.data_type]
        before = Sequence(
            name=seq.name,
            data_type=seq.data_type,
            min_value=1 if ascending else low,
            max_value=high if ascending else -1,
            start=seq.min_value if ascending else seq.max_value,
        )
        clauses = [f"AS {seq.data_type}"]
    else:
        clauses = [f"AS {seq.data_type}"] if seq.data_type != before.data_type else []
    # a new type moves bounds that were the old type's own: both are always said
    retyped = seq.data_type != before.data_type
    clauses += cl.sequence_clauses(seq, before, said=("min_value", "max_value") if retyped else ())
    return "".join(f" {clause}" for clause in clauses)


def _create_sequence(ch: c.CreateSequence) -> Context:
    return {"name": _name(ch.sequence), "options": sequence_options(ch.sequence, None)}


def _alter_sequence(ch: c.AlterSequence) -> Context:
    return {"name": _name(ch.sequence), "options": sequence_options(ch.sequence, ch.previous)}


def _set_sequence_owner(ch: c.SetSequenceOwner) -> Context:
    seq = ch.sequence
    owner = "NONE"
    if seq.owned_by is not None:
        table, column = seq.owned_by
        owner = f"{qualify(seq.schema_name, table)}.{quote_ident(column)}"
    return {"name": _name(seq), "owner": owner}


# --- domains ----------------------------------------------------------------------------------


def _domain(domain: Domain) -> str:
    return qualify(domain.schema_name, domain.name)


def _check(check: DomainCheck) -> str:
    return f"CONSTRAINT {quote_ident(check.name)} CHECK ({cl.fragment(check.expression)})"


def _create_domain(ch: c.CreateDomain) -> Context:
    d = ch.domain
    return {
        "name": _domain(d),
        "type": sql_type(d.type),
        "collation": f" COLLATE {cl.dotted(d.collation)}" if d.collation is not None else "",
        "default": f" DEFAULT {cl.fragment(d.default)}" if d.default is not None else "",
        "not_null": " NOT NULL" if d.not_null else "",
        # a NOT VALID check can only be added to a domain that exists (AddDomainCheck after it)
        "checks": "".join(f" {_check(check)}" for check in d.checks if check.valid),
    }


def _alter_domain(ch: c.AlterDomain) -> Context:
    action = ch.action.upper()
    if ch.action == "set default":
        action += f" {cl.fragment(ch.domain.default or 'NULL')}"
    return {"name": _domain(ch.domain), "action": action}


def _add_domain_check(ch: c.AddDomainCheck) -> Context:
    return {
        "name": _domain(ch.domain),
        "check": _check(ch.check),
        "not_valid": " NOT VALID" if ch.not_valid else "",
    }


def _validate_domain_check(ch: c.ValidateDomainCheck) -> Context:
    return {"name": _domain(ch.domain), "check": quote_ident(ch.name)}


def _drop_domain_check(ch: c.DropDomainCheck) -> Context:
    return {"name": _domain(ch.domain), "check": quote_ident(ch.name)}


# --- composite types --------------------------------------------------------------------------


def _attribute(attr: Attribute) -> str:
    text = f"{quote_ident(attr.name)} {sql_type(attr.type)}"
    if attr.collation is not None:
        text += f" COLLATE {cl.dotted(attr.collation)}"
    return text


def _create_composite(ch: c.CreateComposite) -> Context:
    comp = ch.composite
    return {
        "name": qualify(comp.schema_name, comp.name),
        "attributes": ",\n".join(f"    {_attribute(a)}" for a in comp.attributes),
    }


def _add_attribute(ch: c.AddAttribute) -> Context:
    comp = ch.composite
    return {"name": qualify(comp.schema_name, comp.name), "attribute": _attribute(ch.attribute)}


def _drop_attribute(ch: c.DropAttribute) -> Context:
    comp = ch.composite
    return {
        "name": qualify(comp.schema_name, comp.name),
        "attribute": quote_ident(ch.attribute.name),
    }


OBJECT_BUILDERS: dict[str, Callable[[Any], Context]] = {
    c.CreateComposite.kind: _create_composite,
    c.AddAttribute.kind: _add_attribute,
    c.DropAttribute.kind: _drop_attribute,
    c.CreateDomain.kind: _create_domain,
    c.AlterDomain.kind: _alter_domain,
    c.AddDomainCheck.kind: _add_domain_check,
    c.ValidateDomainCheck.kind: _validate_domain_check,
    c.DropDomainCheck.kind: _drop_domain_check,
    c.CreateSequence.kind: _create_sequence,
    c.AlterSequence.kind: _alter_sequence,
    c.SetSequenceOwner.kind: _set_sequence_owner,
}
