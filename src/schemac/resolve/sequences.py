"""Sequences of their own (`sequences:`): PostgreSQL's defaults filled in, options checked.

Codes (E200-E204):

| code | what |
|---|---|
| E200 | sequence (or identity) `increment` of 0 |
| E201 | sequence (or identity) `min`/`max` outside its type, or `min` not below `max` |
| E202 | sequence (or identity) `start` outside `min`..`max` |
| E203 | sequence `owned_by` that is not `table.column` of a table of the sequence's schema |
"""

from __future__ import annotations

from collections.abc import Callable

from schemac.load.loader import RawDoc
from schemac.model.schema import (
    SEQUENCE_TYPE_RANGE,
    Sequence,
    SequenceOptions,
    Table,
    default_sequence_options,
)
from schemac.resolve.context import Context
from schemac.source import Span
from schemac.spec.models import DocumentSpec, IdentitySpec, SequenceSpec


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
    options = sequence_options(ctx, f"sequence {name}", seq.as_, seq, at)
    if options is None:
        return None
    owner = _owner(ctx, name, seq, schema, tables, at("owned_by"))
    if seq.owned_by is not None and owner is None:
        return None
    return Sequence(
        schema_name=schema,
        name=name,
        data_type=seq.as_,
        **options.model_dump(),
        owned_by=owner,
        description=seq.description,
        span=key_span,
    )


def sequence_options(
    ctx: Context,
    what: str,
    type_: str,
    said: SequenceSpec | IdentitySpec,
    at: Callable[[str], Span | None],
) -> SequenceOptions | None:
    """The options `said` of a sequence of `type_` (`what`, for messages), PostgreSQL's defaults
    filled in; None, with an error at the option's value, when PostgreSQL would refuse them."""
    low, high = SEQUENCE_TYPE_RANGE[type_]
    if said.increment == 0:
        # PostgreSQL: INCREMENT must not be zero
        ctx.error("E200", f"{what}: increment 0", at("increment"), "use 1 or -1")
        return None
    ascending = said.increment > 0
    minimum = said.min if said.min is not None else (1 if ascending else low)
    maximum = said.max if said.max is not None else (high if ascending else -1)
    for field, value in (("min", minimum), ("max", maximum)):
        if not low <= value <= high:
            # PostgreSQL: MINVALUE (...) is out of range for sequence data type integer
            ctx.error(
                "E201",
                f"{what}: {field} {value} is out of range for {type_}",
                at(field),
                f"use a value from {low} to {high}, or `as: bigint`"
                if isinstance(said, SequenceSpec)
                else f"use a value from {low} to {high}, or a wider column type",
            )
            return None
    if minimum >= maximum:
        # PostgreSQL: MINVALUE (5) must be less than MAXVALUE (5)
        ctx.error(
            "E201",
            f"{what}: min {minimum} is not below max {maximum}",
            at("min" if said.min is not None else "max"),
            "make min smaller than max",
        )
        return None
    start = said.start if said.start is not None else (minimum if ascending else maximum)
    if not minimum <= start <= maximum:
        # PostgreSQL: START value (0) cannot be less than MINVALUE (1)
        ctx.error(
            "E202",
            f"{what}: start {start} is outside {minimum}..{maximum}",
            at("start"),
            "choose a start between min and max",
        )
        return None
    return SequenceOptions(
        start=start,
        increment=said.increment,
        min_value=minimum,
        max_value=maximum,
        cache=said.cache,
        cycle=said.cycle,
    )


def identity_options(
    ctx: Context,
    what: str,
    type_: str | None,
    said: IdentitySpec,
    at: Callable[[str], Span | None],
) -> SequenceOptions | None:
    """The options of an identity column of `type_`; None when they are PostgreSQL's defaults
    (or the type is not an integer type: that error is the column's, E042)."""
    plain = IdentitySpec(generated=said.generated)
    if type_ not in SEQUENCE_TYPE_RANGE or said == plain:
        return None
    options = sequence_options(ctx, what, type_, said, at)
    if options is None or options == default_sequence_options(type_):
        return None
    return options


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
