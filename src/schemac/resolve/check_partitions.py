"""Partitioned tables PostgreSQL refuses: the key, keys of unique indexes, and explicit bounds.

Bounds are judged with resolve/values.py, which only claims what is certain: bounds of a text
key are never ordered (that is the collation's business), only found equal. Generated partitions
are schemac's own and consistent by construction; only explicit ones are compared, sorted once.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from typing import Any

from schemac.model.schema import Partition, Partitioning, Table
from schemac.resolve import value_order, values
from schemac.resolve.check_tables import MAX_KEYS
from schemac.resolve.context import Context, Located, TableDraft
from schemac.resolve.partitions import sub_where
from schemac.source import Span
from schemac.spec.models import PartitionSpec

_ENDS = ("minvalue", "maxvalue")


def check_partitioned(
    ctx: Context, draft: TableDraft, table: Table, enums: dict[str, tuple[str, ...]]
) -> None:
    if table.partitioning is None:
        return
    _check_level(
        ctx, table, f"table {table.name}", draft.where, table.partitioning, draft.spec.partitions,
        table.partitions, enums,
    )  # fmt: skip


def _check_level(
    ctx: Context,
    table: Table,
    owner: str,
    where: Located,
    partitioning: Partitioning,
    specs: object,
    partitions: tuple[Partition, ...],
    enums: dict[str, tuple[str, ...]],
) -> None:
    """The key and the explicit bounds of one level: the table's, then each partition's own
    (sub-partitions, judged against that partition's key)."""
    _check_key(ctx, table, owner, partitioning)
    if not isinstance(specs, list):
        return
    types = [_key_type(table, k, enums) for k in partitioning.keys]
    _check_explicit(ctx, where, partitioning.strategy, types, specs)
    resolved = {p.name: p for p in partitions}
    for i, spec in enumerate(specs):
        part = resolved.get(spec.name)
        if part is not None and part.partitioning is not None:
            _check_level(
                ctx, table, f"partition {part.name}", sub_where(where, i), part.partitioning,
                spec.partitions, part.partitions, enums,
            )  # fmt: skip


def _key_type(table: Table, key: str, enums: dict[str, tuple[str, ...]]) -> values.ValueType:
    column = table.column(key)
    if column is None:  # an expression: judged by nothing but literal equality
        return values.ValueType(key, "")
    return values.value_type(column.type, enums)


def _check_key(ctx: Context, table: Table, owner: str, partitioning: Partitioning) -> None:
    keys, span = partitioning.keys, partitioning.span
    if len(keys) > MAX_KEYS:
        ctx.error(
            "E098",
            f"{owner} is partitioned by {len(keys)} columns; PostgreSQL allows at "
            f"most {MAX_KEYS} (cannot partition using more than 32 columns)",
            span,
            "partition by fewer columns",
        )
    if partitioning.strategy == "list" and len(keys) > 1:
        ctx.error(
            "E098",
            f"{owner}: list partitioning takes one column, not {len(keys)} "
            '(cannot use "list" partition strategy with more than one column)',
            span,
            "partition by one column, or use range partitioning",
        )
    plain = [k for k in keys if k.isidentifier()]
    if len(plain) < len(keys):
        # unsupported PRIMARY KEY constraint with partition key definition: PRIMARY KEY (and
        # UNIQUE) constraints cannot be used when partition keys include expressions
        keyed = [(f"unique constraint {u.name}", u.span) for u in table.uniques]
        keyed += [(f"unique index {i.name}", i.span) for i in table.indexes if i.unique]
        if table.primary_key is not None:
            keyed.insert(0, ("primary key", table.primary_key.span))
        for what, at in keyed:
            ctx.error(
                "E096",
                f"{owner}: the {what} cannot exist, the partition key holds an "
                "expression (PostgreSQL allows unique keys only over plain key columns)",
                at,
                "partition by plain columns, or drop the unique key",
            )
        return
    # primary keys and unique constraints are SC304's (resolve/partitions.py); unique indexes:
    # unique constraint on partitioned table must include all partitioning columns
    for index in table.indexes:
        if not index.unique:
            continue
        covered = {p.column for p in index.parts if p.column is not None}
        missing = [k for k in plain if k not in covered]
        if missing:
            ctx.error(
                "E096",
                f"{owner}: unique index {index.name} must include the partition "
                f"key ({', '.join(missing)})",
                index.span,
                f"add {', '.join(missing)} to its columns",
            )


class _Bound:
    """One explicit partition as written, with the spans its problems are reported at."""

    def __init__(self, where: Located, index: int, spec: PartitionSpec) -> None:
        self.where, self.index, self.spec = where, index, spec

    def span(self, *keys: str | int) -> Span | None:
        return self.where.span("partitions", self.index, *keys)


def _check_explicit(
    ctx: Context,
    where: Located,
    strategy: str,
    types: list[values.ValueType],
    specs: Sequence[PartitionSpec],
) -> None:
    bounds = [_Bound(where, i, p) for i, p in enumerate(specs)]
    defaults = [b for b in bounds if b.spec.default]
    for extra in defaults[1:] if strategy != "hash" else defaults:
        ctx.error(
            "E097",
            f"partition {extra.spec.name}: "
            + (
                "a hash-partitioned table may not have a default partition"
                if strategy == "hash"
                else f"{defaults[0].spec.name} is already the default partition (partition "
                f'"{extra.spec.name}" conflicts with existing default partition)'
            ),
            extra.span("default"),
            "keep one default partition" if strategy != "hash" else "remove default: true",
        )
    bounded = [b for b in bounds if not b.spec.default]
    if strategy == "range":
        _check_ranges(ctx, types, bounded)
    elif strategy == "list" and len(types) == 1:
        _check_lists(ctx, types[0], bounded)
    elif strategy == "hash":
        _check_hashes(ctx, bounded)


# --- range --------------------------------------------------------------------------------


def _as_tuple(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _check_ranges(ctx: Context, types: list[values.ValueType], bounds: list[_Bound]) -> None:
    valid: list[tuple[_Bound, list[Any], list[Any]]] = []
    for b in bounds:
        if b.spec.from_ is None or b.spec.to is None:
            continue  # E051
        lo, hi = _as_tuple(b.spec.from_), _as_tuple(b.spec.to)
        if not (_side_ok(ctx, b, "from", lo, types) and _side_ok(ctx, b, "to", hi, types)):
            continue
        order = _compare_bounds(types, lo, hi)
        if order is not None and order >= 0:
            # empty range bound specified for partition "t_a": lower bound >= upper bound
            ctx.error(
                "E090",
                f"partition {b.spec.name}: the range is empty, from {_shown(lo)} is not below "
                f"to {_shown(hi)}",
                b.span("to"),
                "a range partition holds from <= key < to: make to greater than from",
            )
            continue
        valid.append((b, lo, hi))
    _check_overlaps(ctx, types, valid)


def _side_ok(
    ctx: Context, b: _Bound, side: str, bound: list[Any], types: list[values.ValueType]
) -> bool:
    name = b.spec.name
    if len(bound) != len(types):
        ctx.error(
            "E092",
            f"partition {name}: {side} has {len(bound)} value(s) for a key of {len(types)} "
            f"column(s) ({side.upper()} must specify exactly one value per partitioning column)",
            b.span(side),
            f"give one value per key column: [{', '.join('...' for _ in types)}]",
        )
        return False
    listed = isinstance(b.spec.from_ if side == "from" else b.spec.to, list)
    end: str | None = None
    for i, (value, vt) in enumerate(zip(bound, types, strict=True)):
        at = b.span(side, i) if listed else b.span(side)
        word = value.lower() if isinstance(value, str) and value.lower() in _ENDS else None
        if end is not None and word != end:
            ctx.error(
                "E092",
                f"partition {name}: every bound following {end.upper()} must also be {end.upper()}",
                at,
                f"write {end.upper()} for the remaining columns",
            )
            return False
        if word is not None:
            end = word
            continue
        problem = values.problem(vt, value)
        if problem is None and value is None:
            problem = "NULL cannot be a range bound"  # cannot specify NULL in range bound
        if problem is not None:
            # specified value cannot be cast to type date for column "d" / invalid input
            # syntax for type integer: "a"
            ctx.error(
                "E092",
                f"partition {name}: {side} bound {_shown([value])} does not fit the partition key "
                f"({vt.canonical}): {problem}",
                at,
                f"write a value of type {vt.canonical} (quote dates and text)",
            )
            return False
    return True


def _compare_bounds(types: list[values.ValueType], a: list[Any], b: list[Any]) -> int | None:
    """Range bounds compared column by column, as partition_rbound_cmp does: a MINVALUE or
    MAXVALUE decides (every later column is one too)."""
    for vt, x, y in zip(types, a, b, strict=True):
        order = value_order.compare(vt, x, y)
        if order is None or order != 0:
            return order
        if isinstance(x, str) and x.lower() in _ENDS:
            return 0
    return 0


class _Uncertain(Exception):
    pass


def _check_overlaps(
    ctx: Context,
    types: list[values.ValueType],
    ranges: list[tuple[_Bound, list[Any], list[Any]]],
) -> None:
    """Sorted by lower bound, a range overlaps an earlier one when it starts below the highest
    upper bound so far. Skipped when some bounds cannot be ordered for certain."""

    def by_lower(
        a: tuple[_Bound, list[Any], list[Any]], b: tuple[_Bound, list[Any], list[Any]]
    ) -> int:
        order = _compare_bounds(types, a[1], b[1])
        if order is None:
            raise _Uncertain
        return order or (a[0].index > b[0].index) - (a[0].index < b[0].index)

    try:
        ordered = sorted(ranges, key=functools.cmp_to_key(by_lower))
        reach: tuple[_Bound, list[Any], list[Any]] | None = None
        for current in ordered:
            if reach is not None:
                order = _compare_bounds(types, reach[2], current[1])
                if order is None:
                    raise _Uncertain
                if order > 0:
                    first, second = sorted((reach[0], current[0]), key=lambda b: b.index)
                    # partition "t_b" would overlap partition "t_a"
                    ctx.error(
                        "E091",
                        f"partition {second.spec.name} overlaps partition {first.spec.name}",
                        second.span("from"),
                        "make the ranges meet without overlapping (to of one = from of the next)",
                    )
                    continue
                if _compare_bounds(types, current[2], reach[2]) in (None, 1):
                    reach = current
            else:
                reach = current
    except _Uncertain:
        return


def _shown(bound: list[Any]) -> str:
    return ", ".join(_value(v) for v in bound)


def _value(value: Any) -> str:
    if value is None:
        return "NULL"
    return f"'{value}'" if isinstance(value, str) and value.lower() not in _ENDS else str(value)


# --- list ---------------------------------------------------------------------------------


def _check_lists(ctx: Context, vt: values.ValueType, bounds: list[_Bound]) -> None:
    seen: dict[value_order.Key | None, _Bound] = {}
    for b in bounds:
        mine: set[value_order.Key | None] = set()
        for i, value in enumerate(b.spec.values or []):
            at = b.span("values", i)
            problem = values.problem(vt, value)
            if problem is not None:
                ctx.error(
                    "E092",
                    f"partition {b.spec.name}: value {_value(value)} does not fit the partition "
                    f"key ({vt.canonical}): {problem}",
                    at,
                    f"write a value of type {vt.canonical}",
                )
                continue
            k = None if value is None else value_order.key(vt, value)
            if k in mine:
                # PostgreSQL takes FOR VALUES IN ('eu', 'eu') and keeps one: the catalog
                # would never match the spec
                ctx.error(
                    "E093",
                    f"partition {b.spec.name} lists the value {_value(value)} twice",
                    at,
                    "list each value once",
                )
            elif k in seen:
                # partition "t_b" would overlap partition "t_a"
                ctx.error(
                    "E091",
                    f"partition {b.spec.name}: the value {_value(value)} is already in partition "
                    f"{seen[k].spec.name}",
                    at,
                    "a value belongs to one list partition only; remove it from one of them",
                )
            mine.add(k)
        for k in mine:
            seen.setdefault(k, b)


# --- hash ---------------------------------------------------------------------------------


def _check_hashes(ctx: Context, bounds: list[_Bound]) -> None:
    moduli: list[int] = []  # sorted, distinct
    taken: dict[int, dict[int, _Bound]] = {}  # modulus -> remainder -> partition
    for b in bounds:
        modulus, remainder = b.spec.modulus, b.spec.remainder
        if modulus is None or remainder is None:
            continue  # E051
        if remainder >= modulus:
            ctx.error(
                "E094",
                f"partition {b.spec.name}: remainder {remainder} is not below modulus {modulus} "
                "(remainder for hash partition must be less than modulus)",
                b.span("remainder"),
                f"use a remainder from 0 to {modulus - 1}",
            )
            continue
        at = bisect.bisect_left(moduli, modulus)
        known = at < len(moduli) and moduli[at] == modulus
        lower = moduli[at - 1] if at > 0 and not known else None
        upper = moduli[at] if at < len(moduli) and not known else None
        other = (
            lower
            if lower is not None and modulus % lower
            else upper
            if upper is not None and upper % modulus
            else None
        )
        if other is not None:
            ctx.error(
                "E095",
                f"partition {b.spec.name}: modulus {modulus} and modulus {other} of another "
                "partition do not divide one another (every hash partition modulus must be a "
                "factor of the next larger modulus)",
                b.span("modulus"),
                "use moduli that divide each other, e.g. 4, 8 and 16",
            )
            continue
        clash = _hash_overlap(taken, modulus, remainder)
        if clash is not None:
            ctx.error(
                "E091",
                f"partition {b.spec.name} (modulus {modulus}, remainder {remainder}) overlaps "
                f"partition {clash.spec.name}",
                b.span("remainder"),
                "give each partition a remainder no other partition covers",
            )
            continue
        if modulus not in taken:
            moduli.insert(at, modulus)
        taken.setdefault(modulus, {})[remainder] = b


def _hash_overlap(
    taken: dict[int, dict[int, _Bound]], modulus: int, remainder: int
) -> _Bound | None:
    """Hash partitions (m1, r1) and (m2, r2) with m1 dividing m2 share rows when r2 % m1 == r1.
    A table has a handful of distinct moduli, so this is a few lookups per partition."""
    for other, remainders in taken.items():
        if modulus % other == 0:
            found = remainders.get(remainder % other)
            if found is not None:
                return found
        else:  # other is the larger modulus
            for r, found in remainders.items():
                if r % modulus == remainder:
                    return found
    return None
