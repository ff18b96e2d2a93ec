"""The resolved Schema: one model for specs, snapshots and introspected databases.

Every value is frozen. Spans (where the user wrote the object) are carried for diagnostics but
never take part in equality and are never serialised into snapshots. Names are final (derived
names already computed), types are canonical spellings (see model/types.py), references bound to
qualified table names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from schemac.model.classification import Classification
from schemac.source import Span

FkAction = Literal["cascade", "restrict", "set null", "set default", "no action"]
PolicyCommand = Literal["all", "select", "insert", "update", "delete"]


class Node(BaseModel):
    """Base of every model value: frozen, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _span() -> Span | None:
    """A span field: carried for diagnostics, never serialised or shown in repr."""
    span: Span | None = Field(default=None, exclude=True, repr=False)
    return span


def _description() -> str | None:
    """A constraint's comment: left out of snapshots when None (snapshots written before the
    field read the same)."""
    description: str | None = Field(default=None, exclude_if=lambda value: value is None)
    return description


#: storage parameters or attribute options as (name, stored text) pairs, in the order written
#: (PostgreSQL keeps it; the order is no difference between two sides)
Options = tuple[tuple[str, str], ...]


def _options() -> Options:
    """Options field: left out of snapshots when empty."""
    options: Options = Field(default=(), exclude_if=lambda value: not value)
    return options


def _valid() -> bool:
    """False for a constraint added NOT VALID and never validated (left out when true)."""
    valid: bool = Field(default=True, exclude_if=lambda value: value is True)
    return valid


class SequenceOptions(Node):
    """The options of an identity column's sequence, every one concrete (as the catalog holds
    them). A column says them only when one differs from what PostgreSQL gives its type."""

    start: int
    increment: int
    min_value: int
    max_value: int
    cache: int
    cycle: bool


#: the range of each integer type a sequence or an identity column can have
SEQUENCE_TYPE_RANGE = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}


def default_sequence_options(type_: str, increment: int = 1) -> SequenceOptions:
    """What PostgreSQL gives a sequence of `type_` with nothing but `increment` said."""
    low, high = SEQUENCE_TYPE_RANGE.get(type_, SEQUENCE_TYPE_RANGE["bigint"])
    minimum, maximum = (1, high) if increment > 0 else (low, -1)
    return SequenceOptions(
        start=minimum if increment > 0 else maximum,
        increment=increment,
        min_value=minimum,
        max_value=maximum,
        cache=1,
        cycle=False,
    )


class Column(Node):
    """A table column. `type` is canonical (model/types.py); NOT NULL unless `nullable`."""

    name: str
    type: str
    nullable: bool = False
    #: SQL expression exactly as it is emitted (`now()`, `'free'`, `'{}'::jsonb`)
    default: str | None = None
    identity: Literal["always", "by_default"] | None = None
    #: the identity's sequence options; None (left out of snapshots): PostgreSQL's for the type
    #: (identity_sequence gives them concrete)
    identity_options: SequenceOptions | None = Field(
        default=None, exclude_if=lambda value: value is None
    )
    #: expression of a GENERATED ALWAYS AS (...) STORED column
    generated: str | None = None
    collation: str | None = None
    description: str | None = None
    #: previous name, for the planner (never compared with the database)
    renamed_from: str | None = Field(default=None, exclude=True)
    #: USING expression for a change of this column's type (planner only)
    using: str | None = Field(default=None, exclude=True)
    #: SET STATISTICS target (None: never set)
    statistics: int | None = Field(default=None, exclude_if=lambda value: value is None)
    #: attribute options (n_distinct)
    options: Options = _options()
    #: the trait that supplied the column (None when written in the table)
    trait: str | None = Field(default=None, exclude=True)
    #: lint codes/names suppressed on this column
    lint_ignore: tuple[str, ...] = Field(default=(), exclude=True)
    #: what the column holds (spec-only: never in the snapshot, never a migration)
    classification: Classification | None = Field(default=None, exclude=True)
    span: Span | None = _span()

    @property
    def identity_sequence(self) -> SequenceOptions:
        """The identity's sequence options, every one concrete (PostgreSQL's for the type when
        the column says none)."""
        return self.identity_options or default_sequence_options(self.type)


class PrimaryKey(Node):
    name: str
    columns: tuple[str, ...]
    description: str | None = _description()
    renamed_from: str | None = Field(default=None, exclude=True)
    span: Span | None = _span()


class Unique(Node):
    """A UNIQUE constraint (unique indexes are Index values with unique=True)."""

    name: str
    columns: tuple[str, ...]
    deferrable: bool = False
    initially_deferred: bool = False
    description: str | None = _description()
    renamed_from: str | None = Field(default=None, exclude=True)
    span: Span | None = _span()


class Check(Node):
    name: str
    expression: str
    #: the column the check was written on, when it was a column check
    column: str | None = None
    valid: bool = _valid()
    description: str | None = _description()
    renamed_from: str | None = Field(default=None, exclude=True)
    span: Span | None = _span()


class ExclusionElement(Node):
    """One element of an exclusion constraint: a column name, or an SQL expression (then
    `column` is None), compared with `operator`."""

    column: str | None = None
    expression: str | None = None
    opclass: str | None = None
    #: the operator's symbol, checked (names.operator_name_problem)
    operator: str
    #: the operator's schema when it is written OPERATOR(schema.op); None: found on the
    #: search path (pg_catalog, public)
    operator_schema: str | None = None

    @property
    def operator_text(self) -> str:
        """The operator as SQL and the specs write it: `&&`, or `OPERATOR("Geo".&&)`."""
        from schemac.model.names import quote_ident

        if self.operator_schema is None:
            return self.operator
        return f"OPERATOR({quote_ident(self.operator_schema)}.{self.operator})"


class Exclusion(Node):
    """An exclusion constraint: EXCLUDE USING method (element WITH operator, ...)."""

    name: str
    method: Literal["gist", "spgist", "btree", "hash"] = "gist"
    elements: tuple[ExclusionElement, ...]
    where: str | None = None
    include: tuple[str, ...] = ()
    deferrable: bool = False
    initially_deferred: bool = False
    description: str | None = _description()
    renamed_from: str | None = Field(default=None, exclude=True)
    span: Span | None = _span()


class ForeignKey(Node):
    name: str
    columns: tuple[str, ...]
    ref_schema: str
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: FkAction = "no action"
    on_update: FkAction = "no action"
    deferrable: bool = False
    initially_deferred: bool = False
    valid: bool = _valid()
    description: str | None = _description()
    renamed_from: str | None = Field(default=None, exclude=True)
    span: Span | None = _span()


class IndexPart(Node):
    """One key of an index: a column name, or an SQL expression (then `column` is None)."""

    column: str | None = None
    expression: str | None = None
    opclass: str | None = None
    descending: bool = False
    nulls: Literal["first", "last"] | None = None


class Index(Node):
    name: str
    #: previous name, for the planner (never compared with the database)
    renamed_from: str | None = Field(default=None, exclude=True)
    parts: tuple[IndexPart, ...]
    unique: bool = False
    method: Literal["btree", "hash", "gin", "gist", "brin", "spgist"] = "btree"
    where: str | None = None
    include: tuple[str, ...] = ()
    #: storage parameters (WITH)
    storage: Options = _options()
    #: (key position, SET STATISTICS target) of expression keys, by position
    statistics: tuple[tuple[int, int], ...] = Field(default=(), exclude_if=lambda value: not value)
    span: Span | None = _span()


class Partitioning(Node):
    strategy: Literal["range", "list", "hash"]
    #: partition key: column names or expressions
    keys: tuple[str, ...]
    span: Span | None = _span()


class Partition(Node):
    """A partition of a partitioned table, with its bound in one of the four shapes."""

    name: str
    default: bool = False
    #: range bound: SQL literals (already quoted) for FROM (...) TO (...)
    range_from: tuple[str, ...] | None = None
    range_to: tuple[str, ...] | None = None
    #: list bound: SQL literals
    values: tuple[str, ...] | None = None
    modulus: int | None = None
    remainder: int | None = None
    #: declared on this partition alone (the parent's are cloned by PostgreSQL, not listed)
    foreign_keys: tuple[ForeignKey, ...] = Field(default=(), exclude_if=lambda value: not value)
    indexes: tuple[Index, ...] = Field(default=(), exclude_if=lambda value: not value)
    #: a sub-partitioned partition: its own partition key and its partitions (PARTITION BY)
    partitioning: Partitioning | None = Field(default=None, exclude_if=lambda value: value is None)
    partitions: tuple[Partition, ...] = Field(default=(), exclude_if=lambda value: not value)
    span: Span | None = _span()

    def as_table(self, parent: Table) -> Table:
        """The partition as a table of its own: its name and schema, the parent's columns,
        its own foreign keys and indexes, its own partitioning and partitions (for the planner,
        verify and import)."""
        return Table(
            schema_name=parent.schema_name,
            name=self.name,
            columns=parent.columns,
            foreign_keys=self.foreign_keys,
            indexes=self.indexes,
            partitioning=self.partitioning,
            partitions=self.partitions,
            span=self.span,
        )


def walk_partitions(table: Table) -> Iterator[tuple[Table, Partition]]:
    """Every partition of a table, sub-partitions included, with the table it is a partition of
    (a sub-partition's: its parent partition as a table), parents before their partitions."""
    for part in table.partitions:
        yield table, part
        if part.partitions:
            yield from walk_partitions(part.as_table(table))


class Policy(Node):
    name: str
    command: PolicyCommand = "all"
    permissive: bool = True
    roles: tuple[str, ...] = ("public",)
    using: str | None = None
    with_check: str | None = None
    description: str | None = Field(default=None, exclude_if=lambda value: value is None)
    span: Span | None = _span()


class Rls(Node):
    enabled: bool = False
    force: bool = False
    policies: tuple[Policy, ...] = ()
    span: Span | None = _span()


class Table(Node):
    schema_name: str = "public"
    name: str
    description: str | None = None
    columns: tuple[Column, ...] = ()
    primary_key: PrimaryKey | None = None
    uniques: tuple[Unique, ...] = ()
    checks: tuple[Check, ...] = ()
    #: left out of snapshots when empty (snapshots written before the field read the same)
    exclusions: tuple[Exclusion, ...] = Field(default=(), exclude_if=lambda value: not value)
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[Index, ...] = ()
    partitioning: Partitioning | None = None
    partitions: tuple[Partition, ...] = ()
    rls: Rls = Rls()
    unlogged: bool = Field(default=False, exclude_if=lambda value: value is False)
    #: REPLICA IDENTITY FULL / NOTHING / USING INDEX (replica_index); None: DEFAULT
    replica_identity: Literal["full", "nothing", "index"] | None = Field(
        default=None, exclude_if=lambda value: value is None
    )
    replica_index: str | None = Field(default=None, exclude_if=lambda value: value is None)
    #: storage parameters (WITH)
    storage: Options = _options()
    traits: tuple[str, ...] = Field(default=(), exclude=True)
    renamed_from: str | None = Field(default=None, exclude=True)
    lint_ignore: tuple[str, ...] = Field(default=(), exclude=True)
    #: the spec document (path) that declared the table
    document: str | None = Field(default=None, exclude=True)
    span: Span | None = _span()

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}"

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


class Enum(Node):
    schema_name: str = "public"
    name: str
    values: tuple[str, ...]
    description: str | None = None
    #: (new value, old value) pairs from `renamed_from` in the specs (planner only)
    renamed_values: tuple[tuple[str, str], ...] = Field(default=(), exclude=True)
    lint_ignore: tuple[str, ...] = Field(default=(), exclude=True)
    span: Span | None = _span()

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}"


class Sequence(Node):
    """A sequence of its own (not the one a serial or identity column implies). Every option
    is concrete: the resolver fills in PostgreSQL's defaults, the catalog holds them."""

    schema_name: str = "public"
    name: str
    data_type: Literal["smallint", "integer", "bigint"] = "bigint"
    start: int = 1
    increment: int = 1
    min_value: int = 1
    max_value: int = 2**63 - 1
    cache: int = 1
    cycle: bool = False
    #: (table, column) of the sequence's schema whose column owns it (OWNED BY)
    owned_by: tuple[str, str] | None = None
    description: str | None = None
    span: Span | None = _span()

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}"


def domain_type_name(schema: str, name: str) -> str:
    """The canonical type of a column typed with the domain `schema.name`."""
    from schemac.model.names import qualify
    from schemac.model.types import TypeSyntaxError, canonical_type

    spelled = qualify(schema, name)
    try:
        return canonical_type(spelled)
    except TypeSyntaxError:
        return spelled


class DomainCheck(Node):
    name: str
    #: boolean expression over VALUE, as emitted inside CHECK (...)
    expression: str
    #: False: NOT VALID (the values stored before it was added are not checked)
    valid: bool = Field(default=True, exclude_if=lambda value: value is True)


class Domain(Node):
    """A domain: columns whose type is it hold `type` values that pass its checks."""

    schema_name: str = "public"
    name: str
    #: the base type, canonical (model/types.py)
    type: str
    not_null: bool = False
    default: str | None = None
    checks: tuple[DomainCheck, ...] = ()
    collation: str | None = None
    description: str | None = None
    span: Span | None = _span()

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}"

    @property
    def spelled(self) -> str:
        """How a column's type names it: format_type's spelling (search_path = public), in
        the canonical form of model/types.py."""
        return domain_type_name(self.schema_name, self.name)


class Attribute(Node):
    name: str
    #: canonical (model/types.py)
    type: str
    collation: str | None = None


class Composite(Node):
    """A composite type: a row of named attributes (also a pg_class entry, like a table's)."""

    schema_name: str = "public"
    name: str
    attributes: tuple[Attribute, ...]
    description: str | None = None
    span: Span | None = _span()

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}"

    @property
    def spelled(self) -> str:
        return domain_type_name(self.schema_name, self.name)


class Extension(Node):
    name: str
    schema_name: str | None = None
    span: Span | None = _span()


class View(Node):
    schema_name: str = "public"
    name: str
    query: str
    description: str | None = None
    #: qualified names of the tables/views the query reads (from parsing the SQL); kept in the
    #: snapshot so the planner knows what an old view reads without re-parsing it
    depends_on: tuple[str, ...] = ()
    span: Span | None = _span()

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}"


class Refresh(Node):
    """A materialized view's refresh policy (`refresh:`), and what schemac emits to run it."""

    every: str | None = None
    #: as the spec says it (SC305 checks it has a unique index to work with)
    concurrently: bool = False
    max_staleness: str | None = None
    #: the pg_cron schedule (`schedule:` as written, or the cron form of `every`); None: no job
    schedule: str | None = None
    #: the function that refreshes the view, in the view's schema (refresh_<view>)
    function: str | None = None
    #: whether that function refreshes CONCURRENTLY (the view has a plain-column unique index)
    refreshes_concurrently: bool = False


class MaterializedView(Node):
    schema_name: str = "public"
    name: str
    query: str
    description: str | None = None
    indexes: tuple[Index, ...] = ()
    refresh: Refresh | None = None
    depends_on: tuple[str, ...] = ()
    span: Span | None = _span()

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}"


class Function(Node):
    schema_name: str = "public"
    name: str
    #: argument list as written between the parentheses ("" for none)
    arguments: str = ""
    returns: str
    language: str = "plpgsql"
    body: str
    volatility: Literal["volatile", "stable", "immutable"] = "volatile"
    security_definer: bool = False
    # the attributes below are left out of snapshots at their defaults, so that snapshots
    # written before they existed read the same
    #: RETURNS NULL ON NULL INPUT
    strict: bool = Field(default=False, exclude_if=lambda value: not value)
    leakproof: bool = Field(default=False, exclude_if=lambda value: not value)
    parallel: Literal["unsafe", "restricted", "safe"] = Field(
        default="unsafe", exclude_if=lambda value: value == "unsafe"
    )
    #: COST, None for PostgreSQL's default (100 for the languages a spec can write)
    cost: float | None = Field(default=None, exclude_if=lambda value: value is None)
    #: ROWS of a set-returning function, None for the default (1000)
    rows: float | None = Field(default=None, exclude_if=lambda value: value is None)
    #: SET name = value, as pg_proc.proconfig holds them (name, value), in the authors' order
    settings: tuple[tuple[str, str], ...] = Field(default=(), exclude_if=lambda value: not value)
    #: True when `body` is the source exactly (prosrc); False when the migration writes it
    #: between two line breaks (the body of a `|` block reads as it is written)
    verbatim: bool = Field(default=False, exclude_if=lambda value: not value)
    #: "procedure" for CREATE PROCEDURE (pg_proc.prokind 'p'): called with CALL, no return type
    #: (`returns` is ""), and none of the attributes above but security_definer and settings.
    #: Procedures and functions share pg_proc's namespace, so they share this collection
    kind: Literal["function", "procedure"] = Field(
        default="function", exclude_if=lambda value: value == "function"
    )
    description: str | None = None
    span: Span | None = _span()

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}"

    @property
    def is_procedure(self) -> bool:
        return self.kind == "procedure"

    @property
    def source(self) -> str:
        """The text between the dollar quotes of CREATE FUNCTION: pg_proc.prosrc."""
        return self.body if self.verbatim else "\n" + self.body.strip("\n") + "\n"


class Aggregate(Node):
    """CREATE AGGREGATE of an ordinary aggregate: a state function over a state type."""

    schema_name: str = "public"
    name: str
    #: the argument list as written between the parentheses
    arguments: str
    sfunc_schema: str = "pg_catalog"
    sfunc: str
    #: the state's type, canonical (model/types.py)
    stype: str
    finalfunc_schema: str | None = None
    finalfunc: str | None = None
    initcond: str | None = None
    parallel: Literal["unsafe", "restricted", "safe"] = "unsafe"
    description: str | None = None
    span: Span | None = _span()

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}"


class Operator(Node):
    """CREATE OPERATOR: a function called as a binary or prefix operator."""

    schema_name: str = "public"
    #: the operator's symbol, e.g. `~<<` (checked by names.operator_name_problem)
    name: str
    function_schema: str = "pg_catalog"
    function: str
    #: the operand types, canonical (model/types.py); no leftarg for a prefix operator
    leftarg: str | None = None
    rightarg: str | None = None
    #: (schema, symbol) of the commutator and negator operators
    commutator_schema: str | None = None
    commutator: str | None = None
    negator_schema: str | None = None
    negator: str | None = None
    #: (schema, name) of the selectivity estimators
    restrict_schema: str | None = None
    restrict: str | None = None
    join_schema: str | None = None
    join: str | None = None
    hashes: bool = False
    merges: bool = False
    description: str | None = None
    span: Span | None = _span()

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}"

    @property
    def arguments(self) -> str:
        """The operand types as DROP and COMMENT ON OPERATOR take them: `text, text`."""
        return f"{self.leftarg or 'NONE'}, {self.rightarg or 'NONE'}"


class Trigger(Node):
    name: str
    table_schema: str = "public"
    table: str
    timing: Literal["before", "after", "instead of"]
    events: tuple[Literal["insert", "update", "delete", "truncate"], ...]
    for_each: Literal["row", "statement"] = "row"
    function_schema: str = "public"
    function: str
    #: the strings passed to the function (TG_ARGV); left out of snapshots when empty, as are
    #: the fields below at their defaults
    arguments: tuple[str, ...] = Field(default=(), exclude_if=lambda value: not value)
    #: UPDATE OF these columns
    update_of: tuple[str, ...] = Field(default=(), exclude_if=lambda value: not value)
    #: REFERENCING OLD TABLE AS / NEW TABLE AS (transition tables of an AFTER trigger)
    old_table: str | None = Field(default=None, exclude_if=lambda value: value is None)
    new_table: str | None = Field(default=None, exclude_if=lambda value: value is None)
    when: str | None = None
    description: str | None = None
    #: CREATE CONSTRAINT TRIGGER, and its deferral
    constraint: bool = Field(default=False, exclude_if=lambda value: not value)
    deferrable: bool = Field(default=False, exclude_if=lambda value: not value)
    initially_deferred: bool = Field(default=False, exclude_if=lambda value: not value)
    span: Span | None = _span()


class SeedTable(Node):
    """Seed rows of one table: INSERT ... ON CONFLICT [(key)] DO NOTHING|UPDATE."""

    table_schema: str = "public"
    table: str
    #: the ON CONFLICT target; () for none: ON CONFLICT DO NOTHING skips a row conflicting with
    #: any unique constraint, and a row is identified by the values it sets
    key: tuple[str, ...] = ()
    on_conflict: Literal["nothing", "update"] = "nothing"
    #: with on_conflict update: the columns DO UPDATE SET takes from the seed row, None for
    #: every column the rows set outside the key (left out of snapshots when None, so that
    #: snapshots written before the field read the same)
    update: tuple[str, ...] | None = Field(default=None, exclude_if=lambda value: value is None)
    #: each row maps column -> SQL literal (already rendered)
    rows: tuple[tuple[tuple[str, str], ...], ...]
    span: Span | None = _span()


class Database(Node):
    engine: Literal["postgresql"] = "postgresql"
    #: target major version: config `postgres_version`, else the spec's, else 16
    version: int = 16
    timezone: str | None = None
    encoding: str | None = None
    #: where the specs wrote `database.version` (None when they did not)
    span: Span | None = _span()


class Document(Node):
    """One spec file's document fields (kept for docs and lint; not compared with databases)."""

    path: str
    title: str
    owner: str | None = None
    status: str | None = None
    version: str | None = None
    domain: str
    schema_name: str = "public"
    lint_ignore: tuple[str, ...] = ()


class Schema(Node):
    """The whole resolved schema. Collections keep the authors' order (files in sorted order)."""

    database: Database = Database()
    documents: tuple[Document, ...] = Field(default=(), exclude=True)
    #: non-public namespaces to create (public always exists)
    schemas: tuple[str, ...] = ()
    extensions: tuple[Extension, ...] = ()
    enums: tuple[Enum, ...] = ()
    functions: tuple[Function, ...] = ()
    #: left out of snapshots when empty (snapshots written before aggregates read the same)
    aggregates: tuple[Aggregate, ...] = Field(default=(), exclude_if=lambda value: not value)
    #: left out of snapshots when empty, as aggregates
    operators: tuple[Operator, ...] = Field(default=(), exclude_if=lambda value: not value)
    tables: tuple[Table, ...] = ()
    views: tuple[View, ...] = ()
    materialized_views: tuple[MaterializedView, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    seeds: tuple[SeedTable, ...] = ()
    #: left out of snapshots when empty, so that snapshots written before the field read the same
    sequences: tuple[Sequence, ...] = Field(default=(), exclude_if=lambda value: not value)
    domains: tuple[Domain, ...] = Field(default=(), exclude_if=lambda value: not value)
    composites: tuple[Composite, ...] = Field(default=(), exclude_if=lambda value: not value)

    def table(self, qualified_or_name: str) -> Table | None:
        return _lookup(self, "tables", self.tables).get(qualified_or_name)

    def enum(self, qualified_or_name: str) -> Enum | None:
        return _lookup(self, "enums", self.enums).get(qualified_or_name)


_Named = TypeVar("_Named", Table, Enum)


def _lookup(schema: Schema, field: str, items: tuple[_Named, ...]) -> dict[str, _Named]:
    """By qualified and bare name, the first in order winning (what a scan would find),
    built once per collection: the index sits in the instance dict beside the tuple it was
    built from, so `model_copy(update=...)` with a new tuple never reads a stale index."""
    key = f"_index_{field}"
    cached = schema.__dict__.get(key)
    if cached is not None and cached[0] is items:
        index: dict[str, _Named] = cached[1]
        return index
    index = {}
    for item in items:
        index.setdefault(item.qualified_name, item)
        index.setdefault(item.name, item)
    schema.__dict__[key] = (items, index)
    return index
