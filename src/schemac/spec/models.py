"""Pydantic models of what users write in a spec document (SPEC_FORMAT.md).

Short forms (`email: varchar(320)`, `user_role: [a, b]`, `references: tenants`) are expanded by
`mode="before"` validators into the long forms, so one model describes both. Unknown keys are
errors (extra="forbid"); spec/parse.py maps pydantic's error paths back to source spans.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator

FkActionSpec = Literal["cascade", "restrict", "set null", "set default", "no action"]
Scalar = str | int | float | bool | datetime.date | datetime.datetime | None
#: the value of a storage parameter or attribute option (`fillfactor: 50`, `n_distinct: -0.02`)
OptionValue = StrictBool | int | float | str


class SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class LintSpec(SpecModel):
    ignore: list[str] = []


class ReferenceSpec(SpecModel):
    """`references: table`, `table.column`, or the long form."""

    table: str
    column: str | None = None
    on_delete: FkActionSpec | None = None
    on_update: FkActionSpec | None = None
    deferrable: StrictBool | Literal["initially_deferred", "initially_immediate"] = False
    name: str | None = None
    #: the constraint's previous name: the planner renames it instead of re-adding it
    renamed_from: str | None = None
    #: false: added NOT VALID (rows already there are not checked; VALIDATE CONSTRAINT later)
    valid: StrictBool = True
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        if isinstance(value, str):
            table, _, column = value.partition(".") if value.count(".") == 1 else (value, "", "")
            if value.count(".") == 2:  # schema.table.column
                schema, table, column = value.split(".")
                table = f"{schema}.{table}"
            return {"table": table, "column": column or None}
        return value

    @field_validator("on_delete", "on_update", mode="before")
    @classmethod
    def _action(cls, value: Any) -> Any:
        return value.lower().replace("_", " ") if isinstance(value, str) else value


class ClassificationSpec(SpecModel):
    """`classification: pii`, or `{level: pii, retention: "..."}` (model/classification.py)."""

    #: checked by the resolver, which can say where and suggest the closest level
    level: str = Field(
        json_schema_extra={"enum": ["public", "internal", "pii", "sensitive", "secret"]}
    )
    retention: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return {"level": value} if isinstance(value, str) else value


class IdentitySpec(SpecModel):
    """`identity: always`, or `{generated: always, start: 1000, ...}`: options left out take
    PostgreSQL's defaults for the column's type and the direction of `increment`."""

    generated: Literal["always", "by_default"]
    start: int | None = None
    increment: int = 1
    min: int | None = None
    max: int | None = None
    cache: int = Field(default=1, ge=1)
    cycle: StrictBool = False

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return {"generated": value} if isinstance(value, str) else value


class ColumnSpec(SpecModel):
    type: str
    nullable: StrictBool = False
    default: Scalar = None
    primary_key: StrictBool = False
    unique: StrictBool = False
    references: ReferenceSpec | None = None
    check: str | None = None
    identity: IdentitySpec | None = None
    generated: str | None = None
    collation: str | None = None
    description: str | None = None
    renamed_from: str | None = None
    #: SQL expression converting the old value when the column's type changes (`using`)
    using: str | None = None
    #: ALTER COLUMN ... SET STATISTICS: the planner's sample target (-1: the server default)
    statistics: int | None = Field(default=None, ge=-1, le=10000)
    #: attribute options, ALTER COLUMN ... SET (n_distinct = ...)
    options: dict[str, OptionValue] = {}
    lint: LintSpec | None = None
    classification: ClassificationSpec | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return {"type": value} if isinstance(value, str) else value


class IndexSpec(SpecModel):
    columns: list[str] = Field(min_length=1)
    name: str | None = None
    unique: StrictBool = False
    method: Literal["btree", "hash", "gin", "gist", "brin", "spgist"] = "btree"
    where: str | None = None
    include: list[str] = []
    #: one operator class for every key, or a mapping key -> operator class
    opclass: str | dict[str, str] | None = None
    #: the index's previous name: the planner renames it instead of rebuilding it
    renamed_from: str | None = None
    #: storage parameters, CREATE INDEX ... WITH (pages_per_range = 1)
    with_: dict[str, OptionValue] = Field(default={}, alias="with")
    #: key position (1-based) -> SET STATISTICS target of that expression key
    statistics: dict[int, int] = {}
    lint: LintSpec | None = None


class ForeignKeyTargetSpec(SpecModel):
    table: str
    columns: list[str] = Field(min_length=1)


class ForeignKeySpec(SpecModel):
    columns: list[str] = Field(min_length=1)
    references: ForeignKeyTargetSpec
    on_delete: FkActionSpec | None = None
    on_update: FkActionSpec | None = None
    deferrable: StrictBool | Literal["initially_deferred", "initially_immediate"] = False
    name: str | None = None
    #: the constraint's previous name: the planner renames it instead of re-adding it
    renamed_from: str | None = None
    #: false: added NOT VALID (rows already there are not checked; VALIDATE CONSTRAINT later)
    valid: StrictBool = True
    description: str | None = None

    @field_validator("on_delete", "on_update", mode="before")
    @classmethod
    def _action(cls, value: Any) -> Any:
        return value.lower().replace("_", " ") if isinstance(value, str) else value


class PartitionBySpec(SpecModel):
    range_: list[str] | None = Field(default=None, alias="range")
    list_: list[str] | None = Field(default=None, alias="list")
    hash_: list[str] | None = Field(default=None, alias="hash")
    modulus: int | None = Field(default=None, gt=0)


class PartitionSpec(SpecModel):
    name: str
    from_: list[Scalar] | Scalar = Field(default=None, alias="from")
    to: list[Scalar] | Scalar = None
    values: list[Scalar] | None = None
    modulus: int | None = Field(default=None, gt=0)
    remainder: int | None = Field(default=None, ge=0)
    default: StrictBool = False
    #: foreign keys and indexes declared on this partition alone (not on the parent)
    foreign_keys: list[ForeignKeySpec] = []
    indexes: list[IndexSpec] = []
    #: a sub-partitioned partition: its own key and partitions, as a table's
    partition_by: PartitionBySpec | None = None
    partitions: list[PartitionSpec] | GeneratedPartitionsSpec | None = None


class GenerateSpec(SpecModel):
    interval: Literal["day", "week", "month", "year"] | None = None
    start: datetime.date | None = None
    count: int | None = Field(default=None, gt=0, le=1000)
    default: StrictBool = False
    modulus: int | None = Field(default=None, gt=0, le=1024)


class GeneratedPartitionsSpec(SpecModel):
    generate: GenerateSpec


PartitionSpec.model_rebuild()


class PolicySpec(SpecModel):
    command: Literal["all", "select", "insert", "update", "delete"] = "all"
    using: str | None = None
    with_check: str | None = None
    #: PostgreSQL: a policy applies to at least one role (PUBLIC is every role)
    roles: list[str] = Field(default=["public"], min_length=1)
    permissive: StrictBool = True
    description: str | None = None


class RlsSpec(SpecModel):
    enabled: StrictBool = True
    force: StrictBool = False
    policies: dict[str, PolicySpec] = {}


class CheckSpec(SpecModel):
    """A named table check: `name: expression`, or the long form."""

    expression: str
    #: the constraint's previous name: the planner renames it instead of re-adding it
    renamed_from: str | None = None
    #: false: added NOT VALID (rows already there are not checked; VALIDATE CONSTRAINT later)
    valid: StrictBool = True
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return {"expression": value} if isinstance(value, str) else value


class PrimaryKeySpec(SpecModel):
    """The table's `primary_key: [columns]`, or the long form with a name of its own."""

    columns: list[str] = Field(min_length=1)
    #: the constraint's name when it is not the derived `{table}_pkey`
    name: str | None = None
    #: the constraint's previous name: the planner renames it instead of re-adding it
    renamed_from: str | None = None
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return {"columns": value} if isinstance(value, list) else value


class UniqueSpec(SpecModel):
    """One entry of the table's `unique:`: a list of columns, or the long form."""

    columns: list[str] = Field(min_length=1)
    #: the constraint's name when it is not the derived `uq_{table}_{cols}`
    name: str | None = None
    deferrable: StrictBool | Literal["initially_deferred", "initially_immediate"] = False
    #: the constraint's previous name: the planner renames it instead of re-adding it
    renamed_from: str | None = None
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return {"columns": value} if isinstance(value, list) else value


class ReplicaIndexSpec(SpecModel):
    """`replica_identity: {index: name}`: REPLICA IDENTITY USING INDEX."""

    index: str


class ExclusionElementSpec(SpecModel):
    """One element of an exclusion constraint: a column or an expression, compared WITH an
    operator (`{column: room_id, with: "="}`)."""

    column: str | None = None
    expression: str | None = None
    with_: str = Field(alias="with")
    opclass: str | None = None


class ExclusionSpec(SpecModel):
    """One entry of the table's `excludes:` (EXCLUDE USING method (element WITH op, ...))."""

    elements: list[ExclusionElementSpec] = Field(min_length=1)
    #: gin and brin cannot enforce exclusion (no amgettuple)
    using: Literal["gist", "spgist", "btree", "hash"] = "gist"
    where: str | None = None
    include: list[str] = []
    #: the constraint's name when it is not the derived `excl_{table}_{cols}`
    name: str | None = None
    deferrable: StrictBool | Literal["initially_deferred", "initially_immediate"] = False
    #: the constraint's previous name: the planner renames it instead of re-adding it
    renamed_from: str | None = None
    description: str | None = None


class TableSpec(SpecModel):
    description: str | None = None
    traits: list[str] = []
    columns: dict[str, ColumnSpec] = {}
    primary_key: PrimaryKeySpec | None = None
    unique: list[UniqueSpec] = []
    checks: dict[str, CheckSpec] = {}
    excludes: list[ExclusionSpec] = []
    foreign_keys: list[ForeignKeySpec] = []
    indexes: list[IndexSpec] = []
    partition_by: PartitionBySpec | None = None
    partitions: list[PartitionSpec] | GeneratedPartitionsSpec | None = None
    rls: RlsSpec | None = None
    #: CREATE UNLOGGED TABLE (not written to the WAL: emptied after a crash, not replicated)
    unlogged: StrictBool = False
    #: REPLICA IDENTITY: what logical replication writes of an updated or deleted row
    replica_identity: Literal["default", "full", "nothing"] | ReplicaIndexSpec = "default"
    #: storage parameters, CREATE TABLE ... WITH (fillfactor = 50)
    with_: dict[str, OptionValue] = Field(default={}, alias="with")
    renamed_from: str | None = None
    lint: LintSpec | None = None
    schema_: str | None = Field(default=None, alias="schema")
    #: the level of every column that does not say its own
    classification: ClassificationSpec | None = None


class EnumSpec(SpecModel):
    values: list[str] = Field(min_length=1)
    description: str | None = None
    #: new value -> its previous label: the planner renames the value (ALTER TYPE RENAME VALUE)
    renamed_from: dict[str, str] = {}
    schema_: str | None = Field(default=None, alias="schema")
    lint: LintSpec | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return {"values": value} if isinstance(value, list) else value


class TraitSpec(SpecModel):
    description: str | None = None
    columns: dict[str, ColumnSpec] = {}
    indexes: list[IndexSpec] = []


class ViewSpec(SpecModel):
    query: str
    description: str | None = None
    schema_: str | None = Field(default=None, alias="schema")


class RefreshSpec(SpecModel):
    every: str | None = None
    concurrently: StrictBool = False
    max_staleness: str | None = None
    #: a pg_cron schedule (cron expression or 'N seconds'), instead of `every`
    schedule: str | None = None


class MaterializedViewSpec(SpecModel):
    query: str
    description: str | None = None
    indexes: list[IndexSpec] = []
    refresh: RefreshSpec | None = None
    schema_: str | None = Field(default=None, alias="schema")


def _settings_field(what: str) -> Any:
    return Field(
        default={},
        description=f"settings the {what} runs with, SET name TO value: {{search_path: "
        '"pg_catalog, public"}',
    )


def _verbatim_field(what: str) -> Any:
    return Field(
        default=False,
        description=f"the body is the {what}'s source byte for byte (no line break added "
        "before and after it)",
    )


class FunctionSpec(SpecModel):
    returns: str
    body: str
    language: str = "plpgsql"
    arguments: str | list[str] = ""
    volatility: Literal["volatile", "stable", "immutable"] = "volatile"
    security_definer: StrictBool = False
    strict: StrictBool = Field(default=False, description="STRICT: RETURNS NULL ON NULL INPUT")
    leakproof: StrictBool = Field(default=False, description="LEAKPROOF (needs a superuser)")
    parallel: Literal["unsafe", "restricted", "safe"] = Field(
        default="unsafe", description="PARALLEL UNSAFE | RESTRICTED | SAFE"
    )
    cost: float | None = Field(
        default=None, ge=0, description="COST: the planner's estimate; default 100"
    )
    rows: float | None = Field(
        default=None, gt=0, description="ROWS of a set-returning function; default 1000"
    )
    set: dict[str, str | int | float | bool] = _settings_field("function")
    verbatim: StrictBool = _verbatim_field("function")
    description: str | None = None
    schema_: str | None = Field(default=None, alias="schema")

    @field_validator("parallel", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class ProcedureSpec(SpecModel):
    """CREATE PROCEDURE (PostgreSQL 11+): called with CALL, returns nothing but its OUT and
    INOUT arguments, and may COMMIT or ROLLBACK in its body. Its keys are the function keys a
    procedure can have."""

    body: str
    language: str = "plpgsql"
    arguments: str | list[str] = ""
    security_definer: StrictBool = False
    set: dict[str, str | int | float | bool] = _settings_field("procedure")
    verbatim: StrictBool = _verbatim_field("procedure")
    description: str | None = None
    schema_: str | None = Field(default=None, alias="schema")


#: what functions and procedures share (body, language, arguments, security_definer, set, ...)
RoutineSpec = FunctionSpec | ProcedureSpec


class AggregateSpec(SpecModel):
    """CREATE AGGREGATE name (arguments) (SFUNC, STYPE[, FINALFUNC][, INITCOND])."""

    arguments: str = Field(description="the argument list of CREATE AGGREGATE, e.g. text")
    sfunc: str = Field(description="the state transition function: a spec function or a built-in")
    stype: str = Field(description="the state's data type")
    finalfunc: str | None = Field(default=None, description="the final function")
    initcond: str | int | float | None = Field(
        default=None, description="the state's initial value, as text (INITCOND)"
    )
    parallel: Literal["unsafe", "restricted", "safe"] = "unsafe"
    description: str | None = None
    schema_: str | None = Field(default=None, alias="schema")


class OperatorSpec(SpecModel):
    """CREATE OPERATOR symbol (FUNCTION, LEFTARG, RIGHTARG[, COMMUTATOR, NEGATOR, RESTRICT, JOIN,
    HASHES, MERGES]), keyed by the operator's symbol (`"~<<"`)."""

    function: str = Field(
        description="the function implementing the operator: a spec function or a built-in"
    )
    leftarg: str | None = Field(default=None, description="the left operand's type (LEFTARG)")
    rightarg: str | None = Field(default=None, description="the right operand's type (RIGHTARG)")
    commutator: str | None = Field(default=None, description="the commutator's symbol")
    negator: str | None = Field(default=None, description="the negator's symbol")
    restrict: str | None = Field(
        default=None, description="the restriction selectivity estimator, e.g. eqsel"
    )
    join: str | None = Field(
        default=None, description="the join selectivity estimator, e.g. eqjoinsel"
    )
    hashes: StrictBool = False
    merges: StrictBool = False
    description: str | None = None
    schema_: str | None = Field(default=None, alias="schema")


class ReferencingSpec(SpecModel):
    """The transition tables of an AFTER trigger: REFERENCING OLD TABLE AS .. NEW TABLE AS .."""

    old_table: str | None = Field(default=None, description="REFERENCING OLD TABLE AS name")
    new_table: str | None = Field(default=None, description="REFERENCING NEW TABLE AS name")


class TriggerSpec(SpecModel):
    name: str | None = Field(
        default=None,
        description="the trigger's name when it differs from its key (names are unique per "
        "table, keys per file)",
    )
    table: str
    timing: Literal["before", "after", "instead of", "instead_of"]
    events: list[Literal["insert", "update", "delete", "truncate"]] = Field(min_length=1)
    for_each: Literal["row", "statement"] = "row"
    function: str
    arguments: list[str | int | float] = Field(
        default=[], description="the strings passed to the function (TG_ARGV)"
    )
    update_of: list[str] = Field(
        default=[], description="UPDATE OF these columns (events must hold update)"
    )
    referencing: ReferencingSpec | None = Field(
        default=None, description="the transition tables of an AFTER trigger"
    )
    when: str | None = None
    #: CREATE CONSTRAINT TRIGGER: fired at the end of the statement, or of the transaction
    constraint: StrictBool = False
    deferrable: StrictBool | Literal["initially_deferred", "initially_immediate"] = False
    description: str | None = None

    @field_validator("timing", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("events", mode="before")
    @classmethod
    def _events(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        return (
            [v.lower() if isinstance(v, str) else v for v in value]
            if isinstance(value, list)
            else value
        )

    @field_validator("events")
    @classmethod
    def _once(cls, value: list[str]) -> list[str]:
        # PostgreSQL: duplicate trigger events specified
        repeated = sorted({e for e in value if value.count(e) > 1})
        if repeated:
            raise ValueError(f"names {', '.join(repeated)} more than once; list each event once")
        return value


class SeedSpec(SpecModel):
    """Seed rows of one table: `INSERT ... ON CONFLICT [(key)] DO NOTHING | DO UPDATE SET`."""

    #: the ON CONFLICT target (the primary key or a unique constraint); left out, a row that
    #: conflicts with any unique constraint is skipped (ON CONFLICT DO NOTHING)
    key: list[str] | None = Field(default=None, min_length=1)
    on_conflict: Literal["nothing", "update"] = "nothing"
    #: the columns an existing row takes from its seed row (DO UPDATE SET c = EXCLUDED.c);
    #: `update: [...]` implies on_conflict: update, `update: []` means on_conflict: nothing;
    #: with on_conflict: update and no list, every column the rows set outside the key
    update: list[str] | None = None
    rows: list[dict[str, Scalar | list[Scalar] | dict[str, Any]]] = Field(min_length=1)

    def conflict_action(self) -> Literal["nothing", "update"]:
        """What a row whose key exists gets: `update` decides when it is written."""
        if self.update is not None:
            return "update" if self.update else "nothing"
        return self.on_conflict


class ExtensionSpec(SpecModel):
    name: str
    schema_: str | None = Field(default=None, alias="schema")

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


class DatabaseSpec(SpecModel):
    engine: str = "postgresql"
    version: int = Field(default=16, ge=12, le=19)
    timezone: str | None = None
    encoding: str | None = None


class SequenceSpec(SpecModel):
    """A sequence of its own (`CREATE SEQUENCE`): options left out take PostgreSQL's defaults
    for the type and the direction of `increment`."""

    as_: Literal["smallint", "integer", "bigint"] = Field(default="bigint", alias="as")
    start: int | None = None
    increment: int = 1
    min: int | None = None
    max: int | None = None
    cache: int = Field(default=1, ge=1)
    cycle: StrictBool = False
    #: `table.column`: the column owns the sequence (dropped with it), as serial's does
    owned_by: str | None = None
    description: str | None = None
    schema_: str | None = Field(default=None, alias="schema")


class DomainCheckSpec(SpecModel):
    """A domain check: `name: expression`, or `{expression: ..., valid: false}`."""

    expression: str
    valid: StrictBool = True

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return {"expression": value} if isinstance(value, str) else value


class DomainSpec(SpecModel):
    """A domain (`CREATE DOMAIN`): a base type with NOT NULL, a default and named checks that
    read the value as VALUE; columns name it as their type."""

    type: str
    not_null: StrictBool = False
    default: Scalar = None
    #: constraint name -> boolean expression over VALUE, or its long form
    checks: dict[str, DomainCheckSpec] = {}
    collation: str | None = None
    description: str | None = None
    schema_: str | None = Field(default=None, alias="schema")


class AttributeSpec(SpecModel):
    """An attribute of a composite type: `name: type`, or the long form."""

    type: str
    collation: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return {"type": value} if isinstance(value, str) else value


class CompositeSpec(SpecModel):
    """A composite type (`CREATE TYPE ... AS (...)`): attributes in order, usable as the type
    of columns and of function arguments and results."""

    attributes: dict[str, AttributeSpec] = Field(min_length=1)
    description: str | None = None
    schema_: str | None = Field(default=None, alias="schema")


class DocumentSpec(SpecModel):
    """One spec file's front-matter."""

    spec_type: Literal["database-schema"]
    title: str
    owner: str | None = None
    status: Literal["draft", "in_review", "approved", "deprecated"] | None = None
    version: str | int | float | None = None
    last_updated: datetime.date | str | None = None
    domain: str | None = None
    description: str | None = None
    schema_: str | None = Field(default=None, alias="schema")
    database: DatabaseSpec | None = None
    applicability: list[str] = []
    related_initiatives: list[str] = []
    tags: list[str] = []
    lint: LintSpec | None = None
    extensions: list[ExtensionSpec] = []
    enums: dict[str, EnumSpec] = {}
    traits: dict[str, TraitSpec] = {}
    tables: dict[str, TableSpec] = {}
    views: dict[str, ViewSpec] = {}
    materialized_views: dict[str, MaterializedViewSpec] = {}
    functions: dict[str, FunctionSpec] = {}
    procedures: dict[str, ProcedureSpec] = {}
    aggregates: dict[str, AggregateSpec] = {}
    operators: dict[str, OperatorSpec] = {}
    triggers: dict[str, TriggerSpec] = {}
    seed: dict[str, SeedSpec] = {}
    sequences: dict[str, SequenceSpec] = {}
    domains: dict[str, DomainSpec] = {}
    composites: dict[str, CompositeSpec] = {}
