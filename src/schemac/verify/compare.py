"""Compare the spec's Schema with an introspected database's Schema, object by object.

Every difference is one Diagnostic located at the spec object that declared the thing (for
something only the database has: the spec table it sits on, or no location for a whole extra
object):

- V001 missing: the spec declares it, the database does not have it;
- V002 extra: the database has it, the spec does not declare it;
- V003 differs: both have it, one property differs (one diagnostic per property).

Expressions (defaults, checks, policies, index keys and predicates, trigger conditions) are compared
in canonical form (model/canonical.py), so only PostgreSQL's own rewrites are forgiven. View bodies
are compared as PostgreSQL prints them: `view_sql` turns a spec query into that form (normally
`canonical_view_sql` bound to the verification connection); without it the query texts are compared
through the expression normaliser, which cannot see through `*` expansion. Partition bounds are
compared as values (`'2026-01-01'` == `'2026-01-01 00:00:00+00'`, see canonical.literal_value).
Column order, seeds and the spec-only fields (traits, renames, lint settings) are not compared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from schemac.diagnostics import Diagnostic, error
from schemac.model.canonical import (
    argument_types,
    canonical_arguments,
    canonical_expr,
    canonical_type_text,
    same_expr,
    same_text,
    squash,
)
from schemac.model.names import quote_ident
from schemac.model.schema import (
    Aggregate,
    Enum,
    Extension,
    Function,
    Index,
    IndexPart,
    MaterializedView,
    Operator,
    Schema,
    Table,
    Trigger,
    View,
)
from schemac.source import Span

MISSING, EXTRA, DIFFERS = "V001", "V002", "V003"
_HELP = {
    MISSING: "the migrations do not create it: rebuild them from the specs and verify again",
    EXTRA: "the migrations create it but no spec declares it (or a down migration left it)",
    DIFFERS: "the migrations create it differently from the spec: rebuild them and verify again",
}
T = TypeVar("T")
#: values longer than this are cut in messages
_LONGEST = 160


def display_name(schema: str, name: str) -> str:
    """How objects are named in messages: unqualified in `public`, `schema.name` elsewhere."""
    return name if schema == "public" else f"{schema}.{name}"


@dataclass
class Report:
    """Collects the diagnostics of one comparison."""

    #: (query, schema of the view) -> the body as the server prints it
    view_sql: Callable[[str, str], str] | None = None
    #: (schema, table, check expression) -> the expression as the server stores it on that table
    check_sql: Callable[[str, str, str], str] | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def missing(self, what: str, span: Span | None) -> None:
        self._add(MISSING, f"{what}: missing from the database", span)

    def extra(self, what: str, span: Span | None) -> None:
        self._add(EXTRA, f"{what}: in the database, not in the spec", span)

    def differs(self, what: str, spec: str, db: str, span: Span | None) -> None:
        self._add(DIFFERS, f"{what}: spec says {spec}, database has {db}", span)

    def fails(self, what: str, reason: str, span: Span | None) -> None:
        self._add(DIFFERS, f"{what}: {reason}", span)

    def check(
        self, what: str, label: str, spec: Any, db: Any, span: Span | None, same: bool | None = None
    ) -> None:
        """One V003 when `spec` and `db` differ (or when `same` says so), rendered with `label`."""
        if same is None:
            same = spec == db
        if same:
            return
        if isinstance(spec, str) and isinstance(db, str) and max(len(spec), len(db)) > _LONGEST:
            spec, db = _excerpts(spec, db)
        self.differs(what, _render(label, spec), _render(label, db), span)

    def _add(self, code: str, message: str, span: Span | None) -> None:
        self.diagnostics.append(error(code, message, span, _HELP[code]))


def _render(label: str, value: Any) -> str:
    if value is None or value == ():
        return f"no {label}" if label else "nothing"
    if isinstance(value, bool):
        return f"{label} {'yes' if value else 'no'}" if label else str(value).lower()
    if isinstance(value, tuple):
        value = "(" + ", ".join(map(str, value)) + ")"
    elif isinstance(value, str) and label in ("description",):
        value = "'" + value.replace("'", "''") + "'"
    return f"{label} {value}" if label else str(value)


def _excerpts(a: str, b: str) -> tuple[str, str]:
    """Long texts (bodies, view queries) cut to the stretch around their first difference."""
    start = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    begin = max(0, start - _LONGEST // 4)

    def cut(text: str) -> str:
        piece = text[begin : begin + _LONGEST]
        return ("..." if begin else "") + piece + ("..." if begin + _LONGEST < len(text) else "")

    return cut(a), cut(b)


def match(
    spec: Iterable[T], db: Iterable[T], key: Callable[[T], Any]
) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pairs with equal keys, spec-only items and database-only items (in their own orders)."""
    db_by_key = {key(d): d for d in db}
    pairs: list[tuple[T, T]] = []
    missing: list[T] = []
    for s in spec:
        found = db_by_key.pop(key(s), None)
        if found is None:
            missing.append(s)
        else:
            pairs.append((s, found))
    return pairs, missing, list(db_by_key.values())


def compare(
    spec: Schema,
    db: Schema,
    *,
    view_sql: Callable[[str, str], str] | None = None,
    check_sql: Callable[[str, str, str], str] | None = None,
) -> list[Diagnostic]:
    """Every difference between the spec and the database, one diagnostic each.

    `view_sql` and `check_sql` let the server print the spec's view bodies and check
    expressions as it stores them (see canonical.py); without them text normalisation is used.
    """
    from schemac.verify.compare_tables import compare_indexes, compare_table

    report = Report(view_sql=view_sql, check_sql=check_sql)
    _compare_schemas(report, spec, db)
    _compare_extensions(report, spec.extensions, db.extensions)
    _compare_enums(report, spec.enums, db.enums)
    _compare_functions(report, spec.functions, db.functions)
    _compare_aggregates(report, spec.aggregates, db.aggregates)
    _compare_operators(report, spec.operators, db.operators)

    pairs, missing, extra = match(spec.tables, db.tables, _qualified)
    for table in missing:
        report.missing(f"table {_name(table)}", table.span)
    for table in extra:
        report.extra(f"table {_name(table)}", None)
    for s_table, d_table in pairs:
        compare_table(report, s_table, d_table)

    view_pairs, v_missing, v_extra = match(spec.views, db.views, _qualified)
    for view in v_missing:
        report.missing(f"view {_name(view)}", view.span)
    for view in v_extra:
        report.extra(f"view {_name(view)}", None)
    for s_view, d_view in view_pairs:
        _compare_view(report, "view", s_view, d_view)

    mv_pairs, mv_missing, mv_extra = match(
        spec.materialized_views, db.materialized_views, _qualified
    )
    for mv in mv_missing:
        report.missing(f"materialized view {_name(mv)}", mv.span)
    for mv in mv_extra:
        report.extra(f"materialized view {_name(mv)}", None)
    for s_mv, d_mv in mv_pairs:
        _compare_view(report, "materialized view", s_mv, d_mv)
        compare_indexes(report, _name(s_mv), s_mv.indexes, d_mv.indexes, s_mv.span)

    _compare_triggers(report, spec.triggers, db.triggers)
    from schemac.verify.compare_objects import (
        compare_composites,
        compare_domains,
        compare_sequences,
    )

    compare_sequences(report, spec.sequences, db.sequences)
    compare_domains(report, spec.domains, db.domains)
    compare_composites(report, spec.composites, db.composites)
    return report.diagnostics


def _qualified(obj: Table | View | MaterializedView | Enum) -> tuple[str, str]:
    return (obj.schema_name, obj.name)


def _name(obj: Table | View | MaterializedView | Enum | Function) -> str:
    return display_name(obj.schema_name, obj.name)


def _compare_schemas(report: Report, spec: Schema, db: Schema) -> None:
    # public exists in every database: it is never created, so never compared
    for name in spec.schemas:
        if name not in db.schemas and name != "public":
            # a schema has no span of its own: point at the first table that lives in it
            span = next((t.span for t in spec.tables if t.schema_name == name), None)
            report.missing(f"schema {name}", span)
    for name in db.schemas:
        if name not in spec.schemas and name != "public":
            report.extra(f"schema {name}", None)


def _compare_extensions(report: Report, spec: Sequence[Extension], db: Sequence[Extension]) -> None:
    pairs, missing, extra = match(spec, db, lambda e: e.name)
    for ext in missing:
        report.missing(f"extension {ext.name}", ext.span)
    for ext in extra:
        report.extra(f"extension {ext.name}", None)
    for s, d in pairs:
        if s.schema_name is not None:
            report.check(f"extension {s.name}", "schema", s.schema_name, d.schema_name, s.span)


def _compare_enums(report: Report, spec: Sequence[Enum], db: Sequence[Enum]) -> None:
    pairs, missing, extra = match(spec, db, _qualified)
    for enum in missing:
        report.missing(f"enum {_name(enum)}", enum.span)
    for enum in extra:
        report.extra(f"enum {_name(enum)}", None)
    for s, d in pairs:
        what = f"enum {_name(s)}"
        report.check(what, "values", s.values, d.values, s.span)
        report.check(what, "description", s.description, d.description, s.span)


def _compare_view(
    report: Report, kind: str, spec: View | MaterializedView, db: View | MaterializedView
) -> None:
    what = f"{kind} {_name(spec)}"
    if report.view_sql is not None:
        try:
            expected = report.view_sql(spec.query, spec.schema_name)
        except Exception as exc:  # the server rejected the spec query: that is the difference
            report.fails(what, f"PostgreSQL rejects the spec query ({exc})", spec.span)
            return
        else:
            report.check(
                what,
                "query",
                squash(expected),
                squash(db.query),
                spec.span,
                same=same_text(expected, db.query),
            )
    else:
        report.check(
            what,
            "query",
            squash(spec.query),
            squash(db.query),
            spec.span,
            same=same_text(spec.query, db.query) or _same_query(spec.query, db.query),
        )
    report.check(what, "description", spec.description, db.description, spec.span)


def _same_query(a: str, b: str) -> bool:
    """Without a server: both texts through the expression normaliser, as scalar subqueries."""
    return canonical_expr(f"({a.strip().rstrip(';')})") == canonical_expr(
        f"({b.strip().rstrip(';')})"
    )


def _signature(fn: Function) -> tuple[str, str, str]:
    return (fn.schema_name, fn.name, argument_types(fn.arguments, outs=fn.is_procedure))


def _compare_functions(report: Report, spec: Sequence[Function], db: Sequence[Function]) -> None:
    pairs, missing, extra = match(spec, db, _signature)
    # one function on each side under the same name: its argument list changed
    for s in list(missing):
        same_name = [d for d in extra if (d.schema_name, d.name) == (s.schema_name, s.name)]
        others = [m for m in missing if (m.schema_name, m.name) == (s.schema_name, s.name)]
        if len(same_name) == 1 and len(others) == 1:
            missing.remove(s)
            extra.remove(same_name[0])
            pairs.append((s, same_name[0]))
    for fn in missing:
        report.missing(f"{fn.kind} {_name(fn)}({fn.arguments})", fn.span)
    for fn in extra:
        report.extra(f"{fn.kind} {_name(fn)}({fn.arguments})", None)
    for s, d in pairs:
        what = f"{s.kind} {_name(s)}"
        report.check(what, "kind", s.kind, d.kind, s.span)
        args_s, args_d = canonical_arguments(s.arguments), canonical_arguments(d.arguments)
        report.check(what, "arguments", f"({args_s})", f"({args_d})", s.span)
        report.check(
            what, "returns", canonical_type_text(s.returns), canonical_type_text(d.returns), s.span
        )
        report.check(what, "language", s.language.lower(), d.language.lower(), s.span)
        shown = (squash(s.body), squash(d.body))
        if shown[0] == shown[1]:
            # only white space differs: show it
            shown = (repr(s.source), repr(d.source))
        report.check(what, "body", *shown, s.span, same=s.source == d.source)
        report.check(what, "volatility", s.volatility, d.volatility, s.span)
        report.check(what, "security definer", s.security_definer, d.security_definer, s.span)
        report.check(what, "strict", s.strict, d.strict, s.span)
        report.check(what, "leakproof", s.leakproof, d.leakproof, s.span)
        report.check(what, "parallel", s.parallel, d.parallel, s.span)
        report.check(what, "cost", s.cost, d.cost, s.span)
        report.check(what, "rows", s.rows, d.rows, s.span)
        report.check(what, "settings", dict(s.settings), dict(d.settings), s.span)
        report.check(what, "description", s.description, d.description, s.span)


def _compare_aggregates(report: Report, spec: Sequence[Aggregate], db: Sequence[Aggregate]) -> None:
    def key(a: Aggregate) -> tuple[str, str, str]:
        return (a.schema_name, a.name, argument_types(a.arguments))

    pairs, missing, extra = match(spec, db, key)
    for agg in missing:
        report.missing(
            f"aggregate {display_name(agg.schema_name, agg.name)}({agg.arguments})", agg.span
        )
    for agg in extra:
        report.extra(f"aggregate {display_name(agg.schema_name, agg.name)}({agg.arguments})", None)
    for s, d in pairs:
        what = f"aggregate {display_name(s.schema_name, s.name)}"
        report.check(
            what, "sfunc", f"{s.sfunc_schema}.{s.sfunc}", f"{d.sfunc_schema}.{d.sfunc}", s.span
        )
        report.check(
            what, "stype", canonical_type_text(s.stype), canonical_type_text(d.stype), s.span
        )
        report.check(
            what,
            "finalfunc",
            s.finalfunc and f"{s.finalfunc_schema}.{s.finalfunc}",
            d.finalfunc and f"{d.finalfunc_schema}.{d.finalfunc}",
            s.span,
        )
        report.check(what, "initcond", s.initcond, d.initcond, s.span)
        report.check(what, "parallel", s.parallel, d.parallel, s.span)
        report.check(what, "description", s.description, d.description, s.span)


def _compare_operators(report: Report, spec: Sequence[Operator], db: Sequence[Operator]) -> None:
    def key(o: Operator) -> tuple[str, str, str | None, str | None]:
        return (o.schema_name, o.name, o.leftarg, o.rightarg)

    def ref(schema: str | None, name: str | None) -> str | None:
        return None if name is None else f"{schema}.{name}"

    pairs, missing, extra = match(spec, db, key)
    for op in missing:
        report.missing(f"operator {op.qualified_name}({op.arguments})", op.span)
    for op in extra:
        report.extra(f"operator {op.qualified_name}({op.arguments})", None)
    for s, d in pairs:
        what = f"operator {s.qualified_name}({s.arguments})"
        for label, a, b in (
            ("function", ref(s.function_schema, s.function), ref(d.function_schema, d.function)),
            (
                "commutator",
                ref(s.commutator_schema, s.commutator),
                ref(d.commutator_schema, d.commutator),
            ),
            ("negator", ref(s.negator_schema, s.negator), ref(d.negator_schema, d.negator)),
            ("restrict", ref(s.restrict_schema, s.restrict), ref(d.restrict_schema, d.restrict)),
            ("join", ref(s.join_schema, s.join), ref(d.join_schema, d.join)),
        ):
            report.check(what, label, a, b, s.span)
        report.check(what, "hashes", s.hashes, d.hashes, s.span)
        report.check(what, "merges", s.merges, d.merges, s.span)
        report.check(what, "description", s.description, d.description, s.span)


def _compare_triggers(report: Report, spec: Sequence[Trigger], db: Sequence[Trigger]) -> None:
    def key(t: Trigger) -> tuple[str, str, str]:
        return (t.table_schema, t.table, t.name)

    pairs, missing, extra = match(spec, db, key)
    for trig in missing:
        report.missing(
            f"trigger {trig.name} on {display_name(trig.table_schema, trig.table)}", trig.span
        )
    for trig in extra:
        report.extra(f"trigger {trig.name} on {display_name(trig.table_schema, trig.table)}", None)
    for s, d in pairs:
        what = f"trigger {s.name} on {display_name(s.table_schema, s.table)}"
        report.check(what, "timing", s.timing, d.timing, s.span)
        report.check(what, "events", tuple(sorted(s.events)), tuple(sorted(d.events)), s.span)
        report.check(what, "for each", s.for_each, d.for_each, s.span)
        report.check(what, "arguments", s.arguments, d.arguments, s.span)
        report.check(what, "update of", s.update_of, d.update_of, s.span)
        report.check(what, "old table", s.old_table, d.old_table, s.span)
        report.check(what, "new table", s.new_table, d.new_table, s.span)
        report.check(
            what,
            "function",
            display_name(s.function_schema, s.function),
            display_name(d.function_schema, d.function),
            s.span,
        )
        report.check(what, "when", s.when, d.when, s.span, same=same_expr(s.when, d.when))
        report.check(what, "kind", _trigger_kind(s), _trigger_kind(d), s.span)
        report.check(what, "description", s.description, d.description, s.span)


def _trigger_kind(trig: Trigger) -> str:
    if not trig.constraint:
        return "trigger"
    if trig.deferrable:
        return f"constraint trigger {deferral(True, trig.initially_deferred)}"
    return "constraint trigger"


def deferral(deferrable: bool, initially_deferred: bool) -> str:
    """A constraint's deferral as messages say it."""
    if not deferrable:
        return "NOT DEFERRABLE"
    return "DEFERRABLE INITIALLY " + ("DEFERRED" if initially_deferred else "IMMEDIATE")


def render_part(part: IndexPart) -> str:
    """An index key as it reads in CREATE INDEX (for messages)."""
    text = quote_ident(part.column) if part.column is not None else (part.expression or "")
    if part.opclass:
        text += f" {part.opclass}"
    if part.descending:
        text += " DESC"
    if part.nulls:
        text += f" NULLS {part.nulls.upper()}"
    return text


def render_index(index: Index) -> str:
    return "(" + ", ".join(render_part(p) for p in index.parts) + ")"
