"""Comparison of sequences of their own (object kinds that are not tables)."""

from __future__ import annotations

from collections.abc import Sequence as Items

from schemac.model.schema import Sequence
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
