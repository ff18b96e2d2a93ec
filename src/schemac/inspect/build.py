"""The catalog rows of inspect/__init__.py's queries turned into schemac's Schema model.

What the model holds, and what is left out on purpose:
- objects that belong to an extension (pg_depend deptype 'e') are the extension's, not the schema's;
  plpgsql (installed in every database, like `public`) is not listed as an extension;
- partitions are listed on their parent, never as tables; the indexes, constraints and triggers
  PostgreSQL clones onto partitions are not listed at all;
- indexes backing a PRIMARY KEY / UNIQUE constraint are those constraints, not indexes;
- a column that owns its sequence and defaults to nextval() of it is reported as `serial` (or
  `bigserial`/`smallserial`) without a default, as it was written;
- a check's `column` cannot be known from the catalog and is always None.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from schemac.inspect.objects import column_type, composites, domains, sequences
from schemac.model.canonical import canonical_type_text, split_keys, without_in_modes
from schemac.model.construct import construct
from schemac.model.schema import (
    Aggregate,
    Check,
    Column,
    Enum,
    Exclusion,
    ExclusionElement,
    Extension,
    FkAction,
    ForeignKey,
    Function,
    Index,
    IndexPart,
    MaterializedView,
    Operator,
    Partition,
    Partitioning,
    Policy,
    PolicyCommand,
    PrimaryKey,
    Rls,
    Schema,
    SequenceOptions,
    Table,
    Trigger,
    Unique,
    View,
    default_sequence_options,
)

if TYPE_CHECKING:
    from schemac.inspect import Fetched

Row = dict[str, Any]
T = TypeVar("T")

_FK_ACTIONS: dict[str, FkAction] = {
    "a": "no action",
    "r": "restrict",
    "c": "cascade",
    "n": "set null",
    "d": "set default",
}
_POLICY_COMMANDS: dict[str, PolicyCommand] = {
    "*": "all",
    "r": "select",
    "a": "insert",
    "w": "update",
    "d": "delete",
}
_STRATEGIES: dict[str, Literal["range", "list", "hash"]] = {"r": "range", "l": "list", "h": "hash"}
_SERIALS = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}
_INDEX_METHODS = ("btree", "hash", "gin", "gist", "brin", "spgist")

# pg_trigger.tgtype bits (src/include/catalog/pg_trigger.h)
_TG_ROW, _TG_BEFORE, _TG_INSTEAD = 1 << 0, 1 << 1, 1 << 6
_TG_EVENTS: tuple[tuple[int, Literal["insert", "update", "delete", "truncate"]], ...] = (
    (1 << 2, "insert"),
    (1 << 4, "update"),
    (1 << 3, "delete"),
    (1 << 5, "truncate"),
)
_TRIGGER_WHEN = re.compile(r"\bWHEN \((.*)\) EXECUTE (?:FUNCTION|PROCEDURE) ", re.DOTALL)


def build_schema(selected: list[str], fetched: Fetched) -> Schema:
    """The Schema of the `selected` schemas from the rows inspect.fetch read."""
    extensions = tuple(
        Extension(name=r["name"], schema_name=r["schema_name"]) for r in fetched["extensions"]
    )
    enums = tuple(
        Enum(
            schema_name=r["schema_name"],
            name=r["name"],
            values=tuple(r["values"]),
            description=r["description"],
        )
        for r in fetched["enums"]
    )
    indexes = _group(fetched["indexes"], _index)
    tables = _tables(
        fetched["tables"],
        columns=_group(fetched["columns"], _column),
        constraints=_by_table(fetched["constraints"]),
        indexes=indexes,
        partitions=_partitions(
            fetched["partitions"],
            _group(fetched["partition_indexes"], _index),
            _group(fetched["partition_constraints"], _foreign_key),
        ),
        policies=_group(fetched["policies"], _policy),
    )
    views, matviews = _views(fetched["views"], indexes)
    functions = tuple(_function(r) for r in fetched["functions"])
    triggers = tuple(_trigger(r) for r in fetched["triggers"])
    tables, own_sequences = sequences(fetched["sequences"], tables)
    return Schema(
        schemas=tuple(s for s in selected if s != "public"),
        extensions=extensions,
        enums=enums,
        functions=functions,
        aggregates=tuple(_aggregate(r) for r in fetched["aggregates"]),
        operators=tuple(_operator(r) for r in fetched["operators"]),
        tables=tables,
        views=views,
        materialized_views=matviews,
        triggers=triggers,
        sequences=own_sequences,
        domains=domains(fetched["domains"]),
        composites=composites(fetched["composites"]),
    )


def _by_table(rows: list[Row]) -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = defaultdict(list)
    for r in rows:
        grouped[r["table_oid"]].append(r)
    return grouped


def _group(rows: list[Row], build: Callable[[Row], T]) -> dict[int, list[T]]:
    grouped: dict[int, list[T]] = defaultdict(list)
    for r in rows:
        grouped[r["table_oid"]].append(build(r))
    return grouped


def _views(
    rows: list[Row], indexes: dict[int, list[Index]]
) -> tuple[tuple[View, ...], tuple[MaterializedView, ...]]:
    views: list[View] = []
    matviews: list[MaterializedView] = []
    for r in rows:
        query = r["query"].strip().rstrip(";").rstrip()
        common = {"schema_name": r["schema_name"], "name": r["name"], "query": query}
        if r["kind"] == "v":
            views.append(View(**common, description=r["description"]))
        else:
            matviews.append(
                MaterializedView(
                    **common,
                    description=r["description"],
                    indexes=tuple(indexes.get(r["oid"], ())),
                )
            )
    return tuple(views), tuple(matviews)


def _tables(
    rows: list[Row],
    *,
    columns: dict[int, list[Column]],
    constraints: dict[int, list[Row]],
    indexes: dict[int, list[Index]],
    partitions: dict[int, list[Partition]],
    policies: dict[int, list[Policy]],
) -> tuple[Table, ...]:
    tables = []
    for r in rows:
        oid = r["oid"]
        cons = constraints.get(oid, [])
        pk = next((c for c in cons if c["kind"] == "p"), None)
        partitioning = None
        if r["partition_strategy"] is not None:
            partitioning = _partitioning(r)
        tables.append(
            Table(
                schema_name=r["schema_name"],
                name=r["name"],
                description=r["description"],
                columns=tuple(columns.get(oid, ())),
                primary_key=PrimaryKey(
                    name=pk["name"], columns=tuple(pk["columns"]), description=pk["description"]
                )
                if pk
                else None,
                uniques=tuple(
                    Unique(
                        name=c["name"],
                        columns=tuple(c["columns"]),
                        deferrable=c["deferrable"],
                        initially_deferred=c["initially_deferred"],
                        description=c["description"],
                    )
                    for c in cons
                    if c["kind"] == "u"
                ),
                checks=tuple(
                    Check(
                        name=c["name"],
                        expression=c["expression"],
                        valid=c["valid"],
                        description=c["description"],
                    )
                    for c in cons
                    if c["kind"] == "c"
                ),
                exclusions=tuple(_exclusion(c) for c in cons if c["kind"] == "x"),
                foreign_keys=tuple(_foreign_key(c) for c in cons if c["kind"] == "f"),
                indexes=tuple(indexes.get(oid, ())),
                partitioning=partitioning,
                partitions=tuple(partitions.get(oid, ())),
                rls=Rls(
                    enabled=r["rls_enabled"],
                    force=r["rls_force"],
                    policies=tuple(policies.get(oid, ())),
                ),
                unlogged=r["unlogged"],
                **_replica_identity(r["replica_identity"], r["replica_index"]),
                storage=stored_options(r["storage"]),
            )
        )
    return tuple(tables)


def _replica_identity(kind: str, index: str | None) -> dict[str, Any]:
    """relreplident as the model holds it: `d` is the default (None); `i` whose index was
    dropped leaves the table with no identity, as NOTHING does."""
    if kind == "i" and index is not None:
        return {"replica_identity": "index", "replica_index": index}
    return {"replica_identity": {"f": "full", "n": "nothing", "i": "nothing"}.get(kind)}


def _exclusion(r: Row) -> Exclusion:
    found = r["exclusion"]
    return Exclusion(
        name=r["name"],
        method=found["method"],
        elements=tuple(
            ExclusionElement(
                column=e["column"],
                expression=e["text"],
                opclass=e["opclass"],
                operator=e["operator"],
                operator_schema=e["operator_schema"],
            )
            for e in found["elements"]
        ),
        where=found["where"],
        include=tuple(found["include"] or ()),
        deferrable=r["deferrable"],
        initially_deferred=r["initially_deferred"],
        description=r["description"],
    )


def _column(r: Row) -> Column:
    type_ = column_type(r["type"])
    default = r["default"]
    sequence = r["owned_sequence"]
    if (
        sequence is not None
        and type_ in _SERIALS
        and default == f"nextval('{sequence.replace(chr(39), chr(39) * 2)}'::regclass)"
    ):
        type_, default = _SERIALS[type_], None
    # columns are the bulk of a large catalog and their values come straight from it: no
    # validation, and the cheaper constructor (pydantic's model_construct costs 4x more)
    return construct(
        Column,
        name=r["name"],
        type=type_,
        nullable=r["nullable"],
        default=default,
        identity=r["identity"],
        identity_options=_identity_options(r, type_) if r["identity"] is not None else None,
        generated=r["generated"],
        collation=r["collation"],
        description=r["description"],
        statistics=r["statistics"],
        options=stored_options(r["options"]),
    )


def _identity_options(r: Row, type_: str) -> SequenceOptions | None:
    """An identity's sequence options, None when they are PostgreSQL's for the type."""
    if r["identity_start"] is None:  # no sequence found: the column's options are unknown
        return None
    options = SequenceOptions(
        start=r["identity_start"],
        increment=r["identity_increment"],
        min_value=r["identity_min"],
        max_value=r["identity_max"],
        cache=r["identity_cache"],
        cycle=r["identity_cycle"],
    )
    return None if options == default_sequence_options(type_) else options


def stored_options(texts: list[str] | None) -> tuple[tuple[str, str], ...]:
    """reloptions / attoptions (`{fillfactor=50}`) as (name, text) pairs, in the catalog's
    order (pg_dump's)."""
    if not texts:
        return ()
    pairs = (t.partition("=") for t in texts)
    return tuple((name, value) for name, _, value in pairs)


def _foreign_key(r: Row) -> ForeignKey:
    return ForeignKey(
        name=r["name"],
        columns=tuple(r["columns"]),
        ref_schema=r["ref_schema"],
        ref_table=r["ref_table"],
        ref_columns=tuple(r["ref_columns"]),
        on_delete=_FK_ACTIONS[r["on_delete"]],
        on_update=_FK_ACTIONS[r["on_update"]],
        deferrable=r["deferrable"],
        initially_deferred=r["initially_deferred"],
        valid=r["valid"],
        description=r["description"],
    )


def _index(r: Row) -> Index:
    parts: list[IndexPart] = []
    include: list[str] = []
    for k, p in enumerate(r["parts"]):
        if k >= r["key_count"]:
            include.append(p["column"])
            continue
        descending = bool(p["option"] & 1)
        nulls_first = bool(p["option"] & 2)
        # the default is NULLS LAST ascending and NULLS FIRST descending: only a deviation is kept
        nulls: Literal["first", "last"] | None = None
        if nulls_first != descending:
            nulls = "first" if nulls_first else "last"
        parts.append(
            IndexPart(
                column=p["column"],
                expression=None if p["column"] is not None else p["text"],
                opclass=p["opclass"],
                descending=descending,
                nulls=nulls,
            )
        )
    method = r["method"] if r["method"] in _INDEX_METHODS else "btree"
    return Index(
        name=r["name"],
        parts=tuple(parts),
        unique=r["is_unique"],
        method=cast(Literal["btree", "hash", "gin", "gist", "brin", "spgist"], method),
        where=r["predicate"],
        include=tuple(include),
        storage=stored_options(r["storage"]),
        statistics=tuple((int(a), int(b)) for a, b in r["statistics"] or ()),
    )


def _partitions(
    rows: list[Row], indexes: dict[int, list[Index]], foreign_keys: dict[int, list[ForeignKey]]
) -> dict[int, list[Partition]]:
    """Partitions by parent table, each with the indexes and foreign keys declared on it alone
    and, when it is partitioned itself, its key and its own partitions (nested)."""
    grouped: dict[int, list[tuple[int, Partition]]] = defaultdict(list)
    for r in rows:
        part = _partition(r)
        oid = r["partition_oid"]
        update: dict[str, Any] = {}
        if oid in indexes or oid in foreign_keys:
            update["indexes"] = tuple(indexes.get(oid, ()))
            update["foreign_keys"] = tuple(foreign_keys.get(oid, ()))
        if r["partition_strategy"] is not None:
            update["partitioning"] = _partitioning(r)
        if update:
            part = part.model_copy(update=update)
        grouped[r["table_oid"]].append((oid, part))

    def nested(oid: int, part: Partition) -> Partition:
        if oid not in grouped:
            return part
        return part.model_copy(update={"partitions": tuple(nested(o, p) for o, p in grouped[oid])})

    children = {oid for parts in grouped.values() for oid, _ in parts}
    return {
        parent: [nested(oid, part) for oid, part in parts]
        for parent, parts in grouped.items()
        if parent not in children
    }


def _partitioning(r: Row) -> Partitioning:
    """The key of a partitioned table or partition, from pg_get_partkeydef."""
    key_text = r["partition_key"]
    inner = key_text[key_text.index("(") + 1 : key_text.rindex(")")]
    return Partitioning(strategy=_STRATEGIES[r["partition_strategy"]], keys=split_keys(inner))


def _partition(r: Row) -> Partition:
    return parse_partition_bound(r["name"], r["bound"])


def parse_partition_bound(name: str, bound: str) -> Partition:
    """A Partition from pg_get_expr(relpartbound): FOR VALUES FROM/TO, IN, WITH, or DEFAULT."""
    from pglast import ast, parser
    from pglast.stream import RawStream

    parsed: Any = parser.parse_sql(f"CREATE TABLE p PARTITION OF t {bound}")
    spec = parsed[0].stmt.partbound

    def literals(datums: Any) -> tuple[str, ...]:
        out = []
        for d in datums or ():
            if isinstance(d, ast.ColumnRef):  # MINVALUE / MAXVALUE parse as bare names
                out.append(str(RawStream()(d)).upper())
            else:
                out.append(str(RawStream()(d)))
        return tuple(out)

    if spec.is_default:
        return Partition(name=name, default=True)
    if spec.strategy == "h":
        return Partition(name=name, modulus=spec.modulus, remainder=spec.remainder)
    if spec.strategy == "l":
        return Partition(name=name, values=literals(spec.listdatums))
    return Partition(
        name=name, range_from=literals(spec.lowerdatums), range_to=literals(spec.upperdatums)
    )


def _policy(r: Row) -> Policy:
    return Policy(
        name=r["name"],
        command=_POLICY_COMMANDS[r["command"]],
        permissive=r["permissive"],
        roles=tuple(r["roles"]),
        using=r["using"],
        with_check=r["with_check"],
        description=r["description"],
    )


def _function(r: Row) -> Function:
    arguments = without_in_modes(r["arguments"]) if r["procedure"] else r["arguments"]
    return Function(
        schema_name=r["schema_name"],
        name=r["name"],
        arguments=arguments,
        returns=canonical_type_text(r["returns"]),
        language=r["language"],
        body=r["body"],
        volatility=r["volatility"],
        security_definer=r["security_definer"],
        strict=r["strict"],
        leakproof=r["leakproof"],
        parallel=_PARALLEL[r["parallel"]],
        cost=float(r["cost"]) if r["cost"] is not None else None,
        rows=float(r["rows"]) if r["rows"] is not None else None,
        settings=tuple(_setting(s) for s in r["settings"]),
        verbatim=True,
        kind="procedure" if r["procedure"] else "function",
        description=r["description"],
    )


_PARALLEL: dict[str, Literal["unsafe", "restricted", "safe"]] = {
    "u": "unsafe",
    "r": "restricted",
    "s": "safe",
}


def _aggregate(r: Row) -> Aggregate:
    return Aggregate(
        schema_name=r["schema_name"],
        name=r["name"],
        arguments=r["arguments"],
        sfunc_schema=r["sfunc_schema"],
        sfunc=r["sfunc"],
        stype=canonical_type_text(r["stype"]),
        finalfunc_schema=r["finalfunc_schema"],
        finalfunc=r["finalfunc"],
        initcond=r["initcond"],
        parallel=_PARALLEL[r["parallel"]],
        description=r["description"],
    )


def _operator(r: Row) -> Operator:
    def operand(text: str | None) -> str | None:
        return None if text is None else canonical_type_text(text)

    return Operator(
        schema_name=r["schema_name"],
        name=r["name"],
        function_schema=r["function_schema"],
        function=r["function"],
        leftarg=operand(r["leftarg"]),
        rightarg=operand(r["rightarg"]),
        commutator_schema=r["commutator_schema"],
        commutator=r["commutator"],
        negator_schema=r["negator_schema"],
        negator=r["negator"],
        restrict_schema=r["restrict_schema"],
        restrict=r["restrict"],
        join_schema=r["join_schema"],
        join=r["join"],
        hashes=r["hashes"],
        merges=r["merges"],
        description=r["description"],
    )


def _setting(entry: str) -> tuple[str, str]:
    name, _, value = entry.partition("=")
    return name, value


def _trigger_arguments(r: Row) -> tuple[str, ...]:
    # tgargs holds each argument followed by a NUL byte
    raw = bytes(r["args"] or b"")
    return tuple(part.decode() for part in raw.split(b"\x00")[: r["nargs"]])


def _trigger(r: Row) -> Trigger:
    tgtype = r["tgtype"]
    timing: Literal["before", "after", "instead of"] = "after"
    if tgtype & _TG_BEFORE:
        timing = "before"
    elif tgtype & _TG_INSTEAD:
        timing = "instead of"
    when = None
    if r["definition"]:
        match = _TRIGGER_WHEN.search(r["definition"])
        when = match.group(1) if match else None
    return Trigger(
        name=r["name"],
        table_schema=r["table_schema"],
        table=r["table_name"],
        timing=timing,
        events=tuple(event for bit, event in _TG_EVENTS if tgtype & bit),
        for_each="row" if tgtype & _TG_ROW else "statement",
        function_schema=r["function_schema"],
        function=r["function_name"],
        arguments=_trigger_arguments(r),
        update_of=tuple(r["update_of"]),
        old_table=r["old_table"],
        new_table=r["new_table"],
        when=when,
        description=r["description"],
        constraint=r["is_constraint"],
        deferrable=r["deferrable"],
        initially_deferred=r["initially_deferred"],
    )
