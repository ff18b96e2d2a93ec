"""Render examples of the sequence and domain changes (one golden each, see test_render.py)."""

from __future__ import annotations

from schemac.model.schema import Attribute, Composite, Domain, DomainCheck, Sequence
from schemac.plan import changes as c

ORDER_NO = Sequence(
    name="order_no",
    data_type="integer",
    start=1000,
    min_value=1,
    max_value=2**31 - 1,
    cache=5,
)
#: a name that needs quoting, in another schema, counting down and cycling
COUNTDOWN = Sequence(
    schema_name="billing",
    name="Count Down",
    data_type="smallint",
    increment=-1,
    min_value=-(2**15),
    max_value=-1,
    start=-1,
    cycle=True,
    owned_by=("Invoices", "no"),
)


def object_examples() -> dict[str, list[c.Change]]:
    bigger = ORDER_NO.model_copy(update={"data_type": "bigint", "max_value": 2**63 - 1})
    return {
        "create_sequence": [c.CreateSequence(ORDER_NO), c.CreateSequence(COUNTDOWN)],
        "alter_sequence": [
            c.AlterSequence(bigger, ORDER_NO, live=True),
            c.AlterSequence(
                ORDER_NO.model_copy(update={"start": 5, "cache": 1, "cycle": True}),
                ORDER_NO,
                live=True,
            ),
        ],
        "set_sequence_owner": [
            c.SetSequenceOwner(COUNTDOWN, None),
            c.SetSequenceOwner(COUNTDOWN.model_copy(update={"owned_by": None}), ("Invoices", "no")),
        ],
    }


YEAR = Domain(
    name="year",
    type="integer",
    checks=(DomainCheck(name="year_check", expression="VALUE >= 1901 AND VALUE <= 2155"),),
)
#: a name with non-ASCII letters (quoted), NOT NULL, a default and a collation
WIDE = Domain(
    schema_name="billing",
    name="bıgınt",
    type="text",
    not_null=True,
    default="'it''s'",
    collation="C",
    checks=(DomainCheck(name="Not Empty", expression="VALUE <> ''"),),
)


def domain_examples() -> dict[str, list[c.Change]]:
    later = DomainCheck(name="year_recent", expression="VALUE >= 1950")
    return {
        "create_domain": [c.CreateDomain(YEAR), c.CreateDomain(WIDE)],
        "alter_domain": [
            c.AlterDomain(YEAR.model_copy(update={"default": "2000"}), "set default", live=True),
            c.AlterDomain(YEAR, "drop default", "2000", live=True),
            c.AlterDomain(YEAR, "set not null", tables=("public.films",), live=True),
            c.AlterDomain(YEAR, "drop not null", live=True),
        ],
        "add_domain_check": [
            c.AddDomainCheck(YEAR, later, not_valid=True, live=True),
            c.AddDomainCheck(WIDE, DomainCheck(name="short", expression="length(VALUE) < 9")),
        ],
        "validate_domain_check": [
            c.ValidateDomainCheck(YEAR, "year_recent", tables=("public.films",), live=True)
        ],
        "drop_domain_check": [c.DropDomainCheck(WIDE, "Not Empty")],
    }


SEMVER = Composite(
    name="semver_triple",
    attributes=(
        Attribute(name="major", type="numeric"),
        Attribute(name="minor", type="numeric"),
        Attribute(name="Label", type="text", collation="C"),
    ),
)


def composite_examples() -> dict[str, list[c.Change]]:
    teeny = Attribute(name="teeny", type="numeric")
    return {
        "create_composite": [c.CreateComposite(SEMVER)],
        "add_attribute": [c.AddAttribute(SEMVER, teeny, live=True)],
        "drop_attribute": [c.DropAttribute(SEMVER, SEMVER.attributes[2], destructive=True)],
    }
