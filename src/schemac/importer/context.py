"""What the writers of one import share: the catalog, lookups over it, and the gaps they find."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemac.importer.catalog import Catalog, Gap, SequenceInfo
from schemac.model.names import MAX_IDENTIFIER_BYTES, quote_ident
from schemac.model.schema import Table

#: the integer types serial columns stand for
SERIALS = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}


@dataclass
class Context:
    catalog: Catalog
    gaps: list[Gap] = field(default_factory=list)
    #: qualified names of the tables written
    tables: set[str] = field(default_factory=set)
    #: qualified names of the functions written
    functions: set[str] = field(default_factory=set)
    #: qualified names of the procedures written (beside the functions: one namespace)
    procedures: set[str] = field(default_factory=set)
    #: qualified names of the enums of the model
    enums: set[str] = field(default_factory=set)
    extensions: set[str] = field(default_factory=set)
    #: domains as columns spell them (canonical)
    domains: set[str] = field(default_factory=set)
    #: composite types as columns spell them (canonical)
    composites: set[str] = field(default_factory=set)
    #: (schema, table, column) -> the sequence the column owns
    owned: dict[tuple[str, str, str], SequenceInfo] = field(default_factory=dict)
    #: qualified sequence name (as regclass prints it) -> the sequence
    sequences: dict[str, SequenceInfo] = field(default_factory=dict)

    @classmethod
    def of(cls, catalog: Catalog) -> Context:
        ctx = cls(catalog)
        schema = catalog.schema
        ctx.tables = {t.qualified_name for t in schema.tables}
        ctx.enums = {e.qualified_name for e in schema.enums}
        ctx.extensions = {e.name for e in schema.extensions}
        ctx.domains = {d.spelled for d in schema.domains}
        ctx.composites = {c.spelled for c in schema.composites}
        for seq in catalog.sequences:
            ctx.sequences[regclass_text(seq.schema, seq.name)] = seq
            if seq.owner_kind is not None and seq.table is not None and seq.column is not None:
                ctx.owned[(seq.table_schema or "", seq.table, seq.column)] = seq
        return ctx

    def gap(
        self, kind: str, schema: str | None, name: str, detail: str, *, whole: bool = False
    ) -> None:
        self.gaps.append(Gap(kind, schema, name, whole, detail))

    def owned_sequence(self, table: Table, column: str) -> SequenceInfo | None:
        return self.owned.get((table.schema_name, table.name, column))


def regclass_text(schema: str, name: str) -> str:
    """A relation name as `::regclass::text` prints it with search_path = public (PostgreSQL
    quotes identifiers by the same rule as quote_ident)."""
    return quote_ident(name) if schema == "public" else f"{quote_ident(schema)}.{quote_ident(name)}"


def fits(name: str) -> bool:
    """True when PostgreSQL keeps the name as it is (at most 63 bytes)."""
    return len(name.encode("utf-8")) <= MAX_IDENTIFIER_BYTES


def object_name(name1: str, name2: str | None, label: str) -> str:
    """The name PostgreSQL's makeObjectName() derives (`{table}_{column}_seq`, ...): both parts
    cut, the longer first, until the whole fits in 63 bytes."""
    overhead = len(label.encode()) + 1 + (1 if name2 is not None else 0)
    available = MAX_IDENTIFIER_BYTES - overhead
    first, second = name1.encode(), (name2 or "").encode()
    n1, n2 = len(first), len(second)
    while n1 + n2 > available:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    head = _clip(first, n1)
    if name2 is None:
        return f"{head}_{label}"
    return f"{head}_{_clip(second, n2)}_{label}"


def _clip(data: bytes, length: int) -> str:
    """The longest prefix of at most `length` bytes that ends on a character boundary."""
    return data[:length].decode("utf-8", errors="ignore")
