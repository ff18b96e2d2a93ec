"""Comparison of sequences of their own and domains (object kinds that are not tables)."""

from __future__ import annotations

from collections.abc import Sequence as Items

from schemac.model.canonical import same_expr
from schemac.model.schema import Composite, Domain, DomainCheck, Sequence
from schemac.verify.compare import Report, display_name, match

#: option fields of a sequence and how messages name them
_SEQUENCE_OPTIONS = (
    ("data_type", "type"),
    ("start", "start"),
    ("increment", "increment"),
    ("min_value", "min"),
    ("max_value", "max"),
    ("cache", "cache"),
    ("cycle", "cycle"),
    ("owned_by", "owned by"),
    ("description", "description"),
)


def compare_sequences(report: Report, spec: Items[Sequence], db: Items[Sequence]) -> None:
    pairs, missing, extra = match(spec, db, lambda s: (s.schema_name, s.name))
    for seq in missing:
        report.missing(f"sequence {display_name(seq.schema_name, seq.name)}", seq.span)
    for seq in extra:
        report.extra(f"sequence {display_name(seq.schema_name, seq.name)}", None)
    for s, d in pairs:
        what = f"sequence {display_name(s.schema_name, s.name)}"
        for field, label in _SEQUENCE_OPTIONS:
            report.check(what, label, getattr(s, field), getattr(d, field), s.span)


def compare_domains(report: Report, spec: Items[Domain], db: Items[Domain]) -> None:
    pairs, missing, extra = match(spec, db, lambda x: (x.schema_name, x.name))
    for domain in missing:
        report.missing(f"domain {display_name(domain.schema_name, domain.name)}", domain.span)
    for domain in extra:
        report.extra(f"domain {display_name(domain.schema_name, domain.name)}", None)
    for s, d in pairs:
        what = f"domain {display_name(s.schema_name, s.name)}"
        report.check(what, "type", s.type, d.type, s.span)
        report.check(what, "not null", s.not_null, d.not_null, s.span)
        report.check(what, "default", s.default, d.default, s.span, same_expr(s.default, d.default))
        report.check(what, "collation", s.collation, d.collation, s.span)
        report.check(what, "description", s.description, d.description, s.span)
        s_checks = {check.name: check.expression for check in s.checks}
        d_checks = {check.name: check.expression for check in d.checks}
        report.check(what, "checks", sorted(s_checks), sorted(d_checks), s.span)
        for name in sorted(set(s_checks) & set(d_checks)):
            report.check(
                what,
                f"check {name}",
                s_checks[name],
                d_checks[name],
                s.span,
                same_expr(s_checks[name], d_checks[name]),
            )
        s_valid = {check.name: _validity(check) for check in s.checks}
        d_valid = {check.name: _validity(check) for check in d.checks}
        for name in sorted(set(s_valid) & set(d_valid)):
            report.check(what, f"check {name}", s_valid[name], d_valid[name], s.span)


def _validity(check: DomainCheck) -> str:
    return "valid" if check.valid else "NOT VALID"


def compare_composites(report: Report, spec: Items[Composite], db: Items[Composite]) -> None:
    pairs, missing, extra = match(spec, db, lambda x: (x.schema_name, x.name))
    for comp in missing:
        report.missing(f"composite type {display_name(comp.schema_name, comp.name)}", comp.span)
    for comp in extra:
        report.extra(f"composite type {display_name(comp.schema_name, comp.name)}", None)
    for s, d in pairs:
        what = f"composite type {display_name(s.schema_name, s.name)}"
        report.check(
            what,
            "attributes",
            [(a.name, a.type, a.collation) for a in s.attributes],
            [(a.name, a.type, a.collation) for a in d.attributes],
            s.span,
        )
        report.check(what, "description", s.description, d.description, s.span)
