"""Table-level comparison for verify/compare.py: columns, keys, checks, foreign keys, indexes,
partitioning and partitions, row-level security."""

from __future__ import annotations

from collections.abc import Sequence

from schemac.model.canonical import (
    canonical_expr,
    same_exclusion,
    same_expr,
    same_literal_sets,
    same_literals,
    zoned_keys,
)
from schemac.model.names import quote_ident
from schemac.model.schema import (
    Check,
    Column,
    Exclusion,
    ForeignKey,
    Index,
    IndexPart,
    Partition,
    Partitioning,
    Policy,
    PrimaryKey,
    SequenceOptions,
    Table,
    Unique,
)
from schemac.model.storage import COLUMN_PARAMS, INDEX_PARAMS, TABLE_PARAMS, same_options
from schemac.render.clauses import sequence_clauses
from schemac.source import Span
from schemac.verify.compare import Report, deferral, display_name, match, render_index


def compare_table(report: Report, spec: Table, db: Table) -> None:
    name = display_name(spec.schema_name, spec.name)
    report.check(f"table {name}", "description", spec.description, db.description, spec.span)
    _compare_columns(report, name, spec, db)
    _compare_keys(report, name, spec, db)
    _compare_exclusions(report, name, spec, db)
    _compare_foreign_keys(report, name, spec, db)
    compare_indexes(report, name, spec.indexes, db.indexes, spec.span)
    _compare_partitioning(report, name, spec, db)
    _compare_rls(report, name, spec, db)
    _compare_storage(report, name, spec, db)


def _compare_storage(report: Report, table: str, spec: Table, db: Table) -> None:
    what = f"table {table}"
    persistence = {False: "LOGGED", True: "UNLOGGED"}
    report.check(what, "", persistence[spec.unlogged], persistence[db.unlogged], spec.span)
    report.check(what, "replica identity", _replica(spec), _replica(db), spec.span)
    same = same_options(TABLE_PARAMS, spec.storage, db.storage)
    report.check(what, "with", _options(spec.storage), _options(db.storage), spec.span, same)


def _replica(table: Table) -> str:
    if table.replica_identity == "index":
        return f"USING INDEX {table.replica_index}"
    return (table.replica_identity or "default").upper()


def _options(pairs: tuple[tuple[str, str], ...]) -> str:
    return "(" + ", ".join(f"{name}={value}" for name, value in pairs) + ")"


def _compare_columns(report: Report, table: str, spec: Table, db: Table) -> None:
    pairs, missing, extra = match(spec.columns, db.columns, lambda c: c.name)
    for col in missing:
        report.missing(f"column {table}.{col.name}", col.span or spec.span)
    for col in extra:
        report.extra(f"column {table}.{col.name}", spec.span)
    for s, d in pairs:
        _compare_column(report, f"{table}.{s.name}", s, d, s.span or spec.span)


def _compare_column(report: Report, what: str, s: Column, d: Column, span: Span | None) -> None:
    report.check(what, "", s.type, d.type, span)
    report.check(what, "", _nullability(s), _nullability(d), span)
    report.check(what, "default", s.default, d.default, span, same_expr(s.default, d.default))
    report.check(what, "identity", s.identity, d.identity, span)
    report.check(
        what, "identity options", _sequence(s.identity_options), _sequence(d.identity_options), span
    )
    report.check(
        what, "generated", s.generated, d.generated, span, same_expr(s.generated, d.generated)
    )
    report.check(what, "collation", _collation(s.collation), _collation(d.collation), span)
    report.check(what, "description", s.description, d.description, span)
    report.check(what, "statistics", s.statistics, d.statistics, span)
    same = same_options(COLUMN_PARAMS, s.options, d.options)
    report.check(what, "options", _options(s.options), _options(d.options), span, same)


def _sequence(options: SequenceOptions | None) -> str | None:
    return None if options is None else " ".join(sequence_clauses(options))


def _nullability(col: Column) -> str:
    return "NULL" if col.nullable else "NOT NULL"


def _collation(name: str | None) -> str | None:
    # the spec may quote it as in SQL (`"C"`); the catalog holds the bare name
    return name.strip('"') if name is not None else None


def _compare_keys(report: Report, table: str, spec: Table, db: Table) -> None:
    s_pk, d_pk = spec.primary_key, db.primary_key
    if s_pk is not None and d_pk is None:
        report.missing(f"primary key {s_pk.name} on {table}", s_pk.span or spec.span)
    elif s_pk is None and d_pk is not None:
        report.extra(f"primary key {d_pk.name} on {table}", spec.span)
    elif s_pk is not None and d_pk is not None:
        span = s_pk.span or spec.span
        report.check(f"primary key of {table}", "name", s_pk.name, d_pk.name, span)
        report.check(f"primary key {s_pk.name} on {table}", "", s_pk.columns, d_pk.columns, span)
        _compare_constraint_facts(report, f"primary key {s_pk.name} on {table}", s_pk, d_pk, span)

    pairs, missing, extra = match(spec.uniques, db.uniques, lambda u: u.name)
    for u in missing:
        report.missing(f"unique constraint {u.name} on {table}", u.span or spec.span)
    for u in extra:
        report.extra(f"unique constraint {u.name} on {table}", spec.span)
    for s, d in pairs:
        what, span = f"unique constraint {s.name} on {table}", s.span or spec.span
        report.check(what, "", s.columns, d.columns, span)
        _compare_constraint_facts(report, what, s, d, span)
        report.check(
            what,
            "",
            deferral(s.deferrable, s.initially_deferred),
            deferral(d.deferrable, d.initially_deferred),
            span,
        )

    c_pairs, c_missing, c_extra = match(spec.checks, db.checks, lambda c: c.name)
    for c in c_missing:
        report.missing(f"check {c.name} on {table}", c.span or spec.span)
    for c in c_extra:
        report.extra(f"check {c.name} on {table}", spec.span)
    for s_c, d_c in c_pairs:
        same = same_expr(s_c.expression, d_c.expression)
        if not same and report.check_sql is not None:
            # PostgreSQL stores implicit casts of column references (`quantity::numeric`) that
            # no text normalisation can know: ask the server how it stores the spec's version
            same = same_expr(
                report.check_sql(spec.schema_name, spec.name, s_c.expression), d_c.expression
            )
        report.check(
            f"check {s_c.name} on {table}",
            "",
            s_c.expression,
            d_c.expression,
            s_c.span or spec.span,
            same,
        )
        _compare_constraint_facts(
            report, f"check {s_c.name} on {table}", s_c, d_c, s_c.span or spec.span
        )


def _compare_exclusions(report: Report, table: str, spec: Table, db: Table) -> None:
    pairs, missing, extra = match(spec.exclusions, db.exclusions, lambda x: x.name)
    for x in missing:
        report.missing(f"exclusion constraint {x.name} on {table}", x.span or spec.span)
    for x in extra:
        report.extra(f"exclusion constraint {x.name} on {table}", spec.span)
    for s, d in pairs:
        what, span = f"exclusion constraint {s.name} on {table}", s.span or spec.span
        same = same_exclusion(s, d)
        report.check(what, "", _exclusion_text(s), _exclusion_text(d), span, same)
        _compare_constraint_facts(report, what, s, d, span)


def _exclusion_text(ex: Exclusion) -> str:
    """The constraint as a message shows it (its deferral included)."""
    elements = []
    for e in ex.elements:
        key = quote_ident(e.column) if e.column is not None else f"({e.expression})"
        opclass = f" {e.opclass}" if e.opclass else ""
        elements.append(f"{key}{opclass} WITH {e.operator_text}")
    text = f"EXCLUDE USING {ex.method} ({', '.join(elements)})"
    if ex.include:
        text += f" INCLUDE ({', '.join(ex.include)})"
    if ex.where is not None:
        text += f" WHERE ({ex.where})"
    return f"{text} {deferral(ex.deferrable, ex.initially_deferred)}"


def _compare_foreign_keys(report: Report, table: str, spec: Table, db: Table) -> None:
    pairs, missing, extra = match(spec.foreign_keys, db.foreign_keys, lambda f: f.name)
    for fk in missing:
        report.missing(f"foreign key {fk.name} on {table}", fk.span or spec.span)
    for fk in extra:
        report.extra(f"foreign key {fk.name} on {table}", spec.span)
    for s, d in pairs:
        what, span = f"foreign key {s.name} on {table}", s.span or spec.span
        report.check(what, "columns", s.columns, d.columns, span)
        report.check(what, "references", _target(s), _target(d), span)
        report.check(what, "on delete", s.on_delete, d.on_delete, span)
        report.check(what, "on update", s.on_update, d.on_update, span)
        report.check(
            what,
            "",
            deferral(s.deferrable, s.initially_deferred),
            deferral(d.deferrable, d.initially_deferred),
            span,
        )
        _compare_constraint_facts(report, what, s, d, span)


def _compare_constraint_facts(
    report: Report,
    what: str,
    spec: PrimaryKey | Unique | Check | Exclusion | ForeignKey,
    db: PrimaryKey | Unique | Check | Exclusion | ForeignKey,
    span: Span | None,
) -> None:
    """What every constraint kind has: its comment, and (checks, foreign keys) NOT VALID."""
    if isinstance(spec, Check | ForeignKey) and isinstance(db, Check | ForeignKey):
        report.check(what, "", _validity(spec.valid), _validity(db.valid), span)
    report.check(what, "description", spec.description, db.description, span)


def _validity(valid: bool) -> str:
    return "VALID" if valid else "NOT VALID"


def _target(fk: ForeignKey) -> str:
    return f"{display_name(fk.ref_schema, fk.ref_table)}({', '.join(fk.ref_columns)})"


def compare_indexes(
    report: Report,
    owner: str,
    spec: Sequence[Index],
    db: Sequence[Index],
    owner_span: Span | None,
) -> None:
    """Indexes of a table or materialized view (`owner` as it is named in messages)."""
    pairs, missing, extra = match(spec, db, lambda i: i.name)
    for index in missing:
        report.missing(f"index {index.name} on {owner}", index.span or owner_span)
    for index in extra:
        report.extra(f"index {index.name} on {owner}", owner_span)
    for s, d in pairs:
        what, span = f"index {s.name} on {owner}", s.span or owner_span
        same_parts = len(s.parts) == len(d.parts) and all(
            _part_key(a) == _part_key(b) for a, b in zip(s.parts, d.parts, strict=True)
        )
        report.check(what, "keys", render_index(s), render_index(d), span, same_parts)
        report.check(what, "unique", s.unique, d.unique, span)
        report.check(what, "method", s.method, d.method, span)
        report.check(what, "where", s.where, d.where, span, same_expr(s.where, d.where))
        report.check(what, "include", s.include, d.include, span)
        known = INDEX_PARAMS.get(s.method, {})
        same = same_options(known, s.storage, d.storage)
        report.check(what, "with", _options(s.storage), _options(d.storage), span, same)
        report.check(what, "statistics", s.statistics, d.statistics, span)


def _part_key(part: IndexPart) -> tuple[str, str | None, bool, str]:
    expr = quote_ident(part.column) if part.column is not None else (part.expression or "")
    nulls = part.nulls or ("first" if part.descending else "last")
    opclass = part.opclass.lower() if part.opclass else None
    return (canonical_expr(expr), opclass, part.descending, nulls)


def _compare_partitioning(
    report: Report, table: str, spec: Table, db: Table, what: str = "table"
) -> None:
    """The key and the partitions of a table, or of a partition (`what`), recursively."""
    s_p, d_p = spec.partitioning, db.partitioning
    span = (s_p.span if s_p else None) or spec.span
    same = (s_p is None and d_p is None) or (
        s_p is not None
        and d_p is not None
        and s_p.strategy == d_p.strategy
        and [canonical_expr(k) for k in s_p.keys] == [canonical_expr(k) for k in d_p.keys]
    )
    report.check(f"{what} {table}", "", _partitioning(s_p), _partitioning(d_p), span, same)

    pairs, missing, extra = match(spec.partitions, db.partitions, lambda p: p.name)
    for part in missing:
        report.missing(f"partition {part.name} of {table}", part.span or span)
    for part in extra:
        report.extra(f"partition {part.name} of {table}", span)
    # a timestamptz bound is an instant: the catalog prints it in the session's TimeZone
    zoned = zoned_keys(spec)
    for s, d in pairs:
        same_bound = (
            s.default == d.default
            and same_literals(s.range_from, d.range_from, zoned)
            and same_literals(s.range_to, d.range_to, zoned)
            and same_literal_sets(s.values, d.values, zoned)
            and (s.modulus, s.remainder) == (d.modulus, d.remainder)
        )
        report.check(
            f"partition {s.name} of {table}", "", _bound(s), _bound(d), s.span or span, same_bound
        )
        if s.foreign_keys or d.foreign_keys or s.indexes or d.indexes:
            own, found = s.as_table(spec), d.as_table(db)
            name = display_name(spec.schema_name, s.name)
            _compare_foreign_keys(report, name, own, found)
            compare_indexes(report, name, own.indexes, found.indexes, s.span or span)
        if s.partitioning is not None or d.partitioning is not None:
            name = display_name(spec.schema_name, s.name)
            _compare_partitioning(report, name, s.as_table(spec), d.as_table(db), "partition")


def _partitioning(p: Partitioning | None) -> str:
    if p is None:
        return "not partitioned"
    return f"partitioned by {p.strategy} ({', '.join(p.keys)})"


def _bound(p: Partition) -> str:
    if p.default:
        return "DEFAULT"
    if p.modulus is not None:
        return f"FOR VALUES WITH (MODULUS {p.modulus}, REMAINDER {p.remainder})"
    if p.values is not None:
        return f"FOR VALUES IN ({', '.join(p.values)})"
    return f"FOR VALUES FROM ({', '.join(p.range_from or ())}) TO ({', '.join(p.range_to or ())})"


def _compare_rls(report: Report, table: str, spec: Table, db: Table) -> None:
    span = spec.rls.span or spec.span
    report.check(f"table {table}", "row level security", spec.rls.enabled, db.rls.enabled, span)
    report.check(f"table {table}", "forced row level security", spec.rls.force, db.rls.force, span)
    pairs, missing, extra = match(spec.rls.policies, db.rls.policies, lambda p: p.name)
    for pol in missing:
        report.missing(f"policy {pol.name} on {table}", pol.span or span)
    for pol in extra:
        report.extra(f"policy {pol.name} on {table}", span)
    for s, d in pairs:
        _compare_policy(report, f"policy {s.name} on {table}", s, d, s.span or span)


def _compare_policy(report: Report, what: str, s: Policy, d: Policy, span: Span | None) -> None:
    report.check(what, "command", s.command, d.command, span)
    report.check(what, "", _kind(s), _kind(d), span)
    report.check(what, "roles", tuple(sorted(s.roles)), tuple(sorted(d.roles)), span)
    report.check(what, "using", s.using, d.using, span, same_expr(s.using, d.using))
    report.check(
        what, "with check", s.with_check, d.with_check, span, same_expr(s.with_check, d.with_check)
    )
    report.check(what, "description", s.description, d.description, span)


def _kind(policy: Policy) -> str:
    return "PERMISSIVE" if policy.permissive else "RESTRICTIVE"
