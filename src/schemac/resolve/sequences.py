"""Sequences of their own (`sequences:`): PostgreSQL's defaults filled in, options checked.

Codes (E200-E204):

| code | what |
|---|---|
| E200 | sequence `increment` of 0 |
| E201 | sequence `min`/`max` outside its type, or `min` not below `max` |
| E202 | sequence `start` outside `min`..`max` |
| E203 | sequence `owned_by` that is not `table.column` of a table of the sequence's schema |
"""

from __future__ import annotations

from schemac.load.loader import RawDoc
from schemac.model.schema import Sequence, Table
from schemac.resolve.context import Context
from schemac.source import Span
from schemac.spec.models import DocumentSpec, SequenceSpec

#: the range of each sequence type
TYPE_RANGE = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}


def register_sequences(
    ctx: Context, documents: list[tuple[RawDoc, DocumentSpec]], schemas: list[str]
) -> None:
    """Claim the sequences' names among the relations (a sequence is a relation)."""
    for raw, spec in documents:
        for name, seq in spec.sequences.items():
            schema = seq.schema_ or spec.schema_ or "public"
            ctx.register("relation", schema, name, raw.spans.key(("sequences", name)), "sequence")
            if schema != "public" and schema not in schemas:
                schemas.append(schema)


def resolve_sequences(
    ctx: Context, documents: list[tuple[RawDoc, DocumentSpec]], tables: dict[str, Table]
) -> list[Sequence]:
    resolved = []
    for raw, spec in documents:
        for name, seq in spec.sequences.items():
            schema = seq.schema_ or spec.schema_ or "public"
            built = _sequence(ctx, raw, name, seq, schema, tables)
            if built is not None:
                resolved.append(built)
    return resolved


def _sequence(
    ctx: Context,
    raw: RawDoc,
    name: str,
    seq: SequenceSpec,
    schema: str,
    tables: dict[str, Table],
) -> Sequence | None:
    def at(field: str) -> Span | None:
        return raw.spans.value(("sequences", name, field)) or raw.spans.key(("sequences", name))

    key_span = raw.spans.key(("sequences", name))
    ctx.check_length(name, f"sequence {name}", key_span, derived=False)
    low, high = TYPE_RANGE[seq.as_]
    if seq.increment == 0:
        # PostgreSQL: INCREMENT must not be zero
        ctx.error("E200", f"sequence {name}: increment 0", at("increment"), "use 1 or -1")
        return None
    ascending = seq.increment > 0
    minimum = seq.min if seq.min is not None else (1 if ascending else low)
    maximum = seq.max if seq.max is not None else (high if ascending else -1)
    for field, value in (("min", minimum), ("max", maximum)):
        if not low <= value <= high:
            # PostgreSQL: MINVALUE (...) is out of range for sequence data type integer
            ctx.error(
                "E201",
                f"sequence {name}: {field} {value} is out of range for {seq.as_}",
                at(field),
                f"use a value from {low} to {high}, or `as: bigint`",
            )
            return None
    if minimum >= maximum:
        # PostgreSQL: MINVALUE (5) must be less than MAXVALUE (5)
        ctx.error(
            "E201",
            f"sequence {name}: min {minimum} is not below max {maximum}",
            at("min" if seq.min is not None else "max"),
            "make min smaller than max",
        )
        return None
    start = seq.start if seq.start is not None else (minimum if ascending else maximum)
    if not minimum <= start <= maximum:
        # PostgreSQL: START value (0) cannot be less than MINVALUE (1)
        ctx.error(
            "E202",
            f"sequence {name}: start {start} is outside {minimum}..{maximum}",
            at("start"),
            "choose a start between min and max",
        )
        return None
    owner = _owner(ctx, name, seq, schema, tables, at("owned_by"))
    if seq.owned_by is not None and owner is None:
        return None
    return Sequence(
        schema_name=schema,
        name=name,
        data_type=seq.as_,
        start=start,
        increment=seq.increment,
        min_value=minimum,
        max_value=maximum,
        cache=seq.cache,
        cycle=seq.cycle,
        owned_by=owner,
        description=seq.description,
        span=key_span,
    )


def _owner(
    ctx: Context,
    name: str,
    seq: SequenceSpec,
    schema: str,
    tables: dict[str, Table],
    span: Span | None,
) -> tuple[str, str] | None:
    if seq.owned_by is None:
        return None
    table_name, dot, column = seq.owned_by.rpartition(".")
    table = tables.get(f"{schema}.{table_name}") if dot else None
    if table is None:
        # PostgreSQL: sequence must be in same schema as table it is linked to
        ctx.error(
            "E203",
            f"sequence {name}: owned_by '{seq.owned_by}' is not table.column of a table in "
            f"schema {schema}",
            span,
            "write owned_by: table.column, the table in the sequence's schema",
        )
        return None
    if table.column(column) is None:
        ctx.error(
            "E203",
            f"sequence {name}: table {table_name} has no column '{column}'",
            span,
            f"name a column of {table_name}",
        )
        return None
    return (table.name, column)
