"""Partitioning: the partition key, explicit partitions and generated ones, at every level (a
partition with its own `partition_by` is sub-partitioned). E240: own indexes or foreign keys on
a partitioned partition or a sub-partition (not in the format)."""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any

from schemac.model.construct import construct
from schemac.model.schema import Partition, Partitioning, PrimaryKey, Unique
from schemac.resolve import expressions
from schemac.resolve.context import Context, Located, TableDraft
from schemac.spec.models import (
    GeneratedPartitionsSpec,
    GenerateSpec,
    PartitionBySpec,
    PartitionSpec,
)

_BOUND_KEYWORDS = {"minvalue": "MINVALUE", "maxvalue": "MAXVALUE"}


def resolve_partitions(
    ctx: Context, draft: TableDraft, columns: set[str], pk: PrimaryKey | None, uniques: list[Unique]
) -> tuple[Partitioning | None, tuple[Partition, ...]]:
    spec = draft.spec
    return _level(ctx, draft, spec.partition_by, spec.partitions, columns, pk, uniques, sub=False)


def _level(
    ctx: Context,
    draft: TableDraft,
    by: PartitionBySpec | None,
    specs: list[PartitionSpec] | GeneratedPartitionsSpec | None,
    columns: set[str],
    pk: PrimaryKey | None,
    uniques: list[Unique],
    *,
    sub: bool,
) -> tuple[Partitioning | None, tuple[Partition, ...]]:
    """One level of partitioning: the table's (`draft`), or a partition's (`sub`: `draft` named
    after the partition and located at its entry), recursively."""
    where, table = draft.where, draft.name
    owner = f"partition {table}" if sub else f"table {table}"
    if by is None:
        if specs is not None:
            ctx.error(
                "E050",
                f"{owner} has partitions but no partition_by",
                where.key_span("partitions"),
                "add 'partition_by: {range: [column]}' (or list / hash)",
            )
        return None, ()
    chosen = [
        (k, v) for k, v in (("range", by.range_), ("list", by.list_), ("hash", by.hash_)) if v
    ]
    if len(chosen) != 1:
        ctx.error(
            "E050",
            f"{owner}: partition_by needs exactly one of range, list, hash",
            where.span("partition_by"),
        )
        return None, ()
    strategy, keys = chosen[0]
    for key in keys:
        if key.isidentifier() and key not in columns:
            ctx.error(
                "E035",
                f"{owner}: partition key '{key}' is not a column",
                where.span("partition_by", strategy),
            )
    plain_keys = [k for k in keys if k.isidentifier()]
    constraints: list[tuple[str, tuple[str, ...], Any]] = []
    if pk is not None:
        constraints.append(("primary key", pk.columns, pk.span))
    constraints += [("unique constraint " + u.name, u.columns, u.span) for u in uniques]
    for what, cols, span in constraints:
        missing = [k for k in plain_keys if k not in cols]
        missing = [k for k in missing if k in columns] if sub else missing  # E035's otherwise
        if missing and sub:
            # unique constraint on partitioned table must include all partitioning columns: the
            # parent's keys are cloned onto the partition, so they hold its key too
            ctx.error(
                "E096",
                f"{owner} is partitioned by {', '.join(missing)}, which the table's {what} "
                "does not include (PostgreSQL requires it in every unique key, at every level)",
                where.span("partition_by"),
                f"add {', '.join(missing)} to the table's {what}, or partition by its columns",
            )
        elif missing:
            ctx.error(
                "SC304",
                f"table {table}: the {what} must include the partition key ({', '.join(missing)})",
                span,
                f"add {', '.join(missing)} to it, "
                f"e.g. primary_key: [{', '.join((*cols, *missing))}]",
            )
    partitioning = construct(
        Partitioning, strategy=strategy, keys=tuple(keys), span=where.span("partition_by")
    )
    partitions: list[Partition] = []
    if isinstance(specs, GeneratedPartitionsSpec):
        partitions = _generate(ctx, draft, strategy, specs.generate, by.modulus)
    elif specs:
        for i, p in enumerate(specs):
            span = where.span("partitions", i)
            ctx.register("relation", draft.schema_name, p.name, span, "partition")
            ctx.check_length(p.name, "partition", span, derived=False)
            shape = _explicit_shape(p.default, p.from_, p.to, p.values, p.modulus, p.remainder)
            if shape != strategy and shape != "default":
                ctx.error(
                    "E051",
                    f"partition {p.name}: a {strategy} partition needs "
                    + {"range": "from and to", "list": "values", "hash": "modulus and remainder"}[
                        strategy
                    ],
                    span,
                )
                continue
            own = [k for k in ("indexes", "foreign_keys") if getattr(p, k)]
            if own and (sub or p.partition_by is not None):
                ctx.error(
                    "E240",
                    f"partition {p.name}: {own[0].replace('_', ' ')} of its own are not "
                    + ("supported on a sub-partition" if sub else "supported on a partition "
                       "that is itself partitioned"),
                    where.span("partitions", i, own[0]),
                    "declare them on the table, whose indexes and foreign keys every partition "
                    "gets",
                )  # fmt: skip
            inner = replace(draft, name=p.name, where=sub_where(where, i))
            sub_by, sub_parts = _level(
                ctx, inner, p.partition_by, p.partitions, columns, pk, uniques, sub=True
            )
            partitions.append(
                construct(
                    Partition,
                    name=p.name,
                    default=p.default,
                    range_from=_bound(p.from_) if strategy == "range" and not p.default else None,
                    range_to=_bound(p.to) if strategy == "range" and not p.default else None,
                    values=tuple(expressions.literal(v) for v in (p.values or []))
                    if strategy == "list" and not p.default
                    else None,
                    modulus=p.modulus,
                    remainder=p.remainder,
                    partitioning=sub_by,
                    partitions=sub_parts,
                    span=span,
                )
            )
    return partitioning, tuple(partitions)


def sub_where(where: Located, index: int) -> Located:
    """Where the partition at `index` of `where`'s partitions is written."""
    return replace(where, path=(*where.path, "partitions", index))


def _explicit_shape(
    default: bool, lo: Any, hi: Any, values: Any, modulus: Any, remainder: Any
) -> str:
    if default:
        return "default"
    if lo is not None and hi is not None:
        return "range"
    if values:
        return "list"
    if modulus is not None and remainder is not None:
        return "hash"
    return "none"


def _bound(value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    return tuple(
        _BOUND_KEYWORDS.get(v.lower(), expressions.literal(v))
        if isinstance(v, str)
        else expressions.literal(v)
        for v in values
    )


def _generate(
    ctx: Context, draft: TableDraft, strategy: str, gen: GenerateSpec, modulus: int | None
) -> list[Partition]:
    where, table = draft.where, draft.name
    span = where.span("partitions", "generate")
    out: list[Partition] = []
    if strategy == "hash":
        total = gen.modulus or modulus
        if total is None:
            ctx.error(
                "E051",
                f"table {table}: generated hash partitions need a modulus",
                span,
                "write partitions: {generate: {modulus: 8}}",
            )
            return []
        for n in range(total):
            out.append(_named(ctx, draft, f"{table}_p{n}", span, modulus=total, remainder=n))
        return out
    if strategy != "range" or gen.interval is None or gen.start is None or gen.count is None:
        ctx.error(
            "E051",
            f"table {table}: generated partitions need a range key with interval, start "
            "and count (or a hash key with modulus)",
            span,
        )
        return []
    start = gen.start
    for _ in range(gen.count):
        try:
            end = _step(start, gen.interval)
        except (ValueError, OverflowError):  # past 9999-12-31, where Python's dates end
            ctx.error(
                "E099",
                f"table {table}: generated partitions would run past the year 9999, which "
                "schemac cannot compute",
                where.span("partitions", "generate", "count"),
                "lower count (or start), or write the later partitions out explicitly",
            )
            return out
        out.append(
            _named(
                ctx,
                draft,
                _period_name(table, start, gen.interval),
                span,
                range_from=(expressions.literal(start),),
                range_to=(expressions.literal(end),),
            )
        )
        start = end
    if gen.default:
        out.append(_named(ctx, draft, f"{table}_default", span, default=True))
    return out


def _named(ctx: Context, draft: TableDraft, name: str, span: Any, **bound: Any) -> Partition:
    ctx.register("relation", draft.schema_name, name, span, "partition")
    ctx.check_length(name, "generated partition", span, derived=True)
    return construct(
        Partition,
        name=name,
        default=bound.get("default", False),
        range_from=bound.get("range_from"),
        range_to=bound.get("range_to"),
        values=None,
        modulus=bound.get("modulus"),
        remainder=bound.get("remainder"),
        span=span,
    )


def _step(day: datetime.date, interval: str) -> datetime.date:
    if interval == "day":
        return day + datetime.timedelta(days=1)
    if interval == "week":
        return day + datetime.timedelta(weeks=1)
    if interval == "month":
        return (
            datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
            if day.day == 1
            else (datetime.date(day.year + (day.month // 12), day.month % 12 + 1, day.day))
        )
    return datetime.date(day.year + 1, day.month, day.day)


def _period_name(table: str, day: datetime.date, interval: str) -> str:
    if interval == "day":
        return f"{table}_{day:%Y_%m_%d}"
    if interval == "week":
        iso = day.isocalendar()
        return f"{table}_{iso.year}_w{iso.week:02d}"
    if interval == "month":
        return f"{table}_{day:%Y_%m}"
    return f"{table}_{day:%Y}"
