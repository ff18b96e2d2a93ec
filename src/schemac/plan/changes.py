"""Typed operations: what a migration does, one value per statement kind.

Every change names its template (`kind`, one `templates/{kind}.sql.j2` each), whether it may run in
a transaction, how safe it is on a live database, and its inverse for the down migration.
Changes hold model values; all SQL spelling happens in render/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from schemac.model.schema import (
    Enum,
    Extension,
    ForeignKey,
    Function,
    Index,
    MaterializedView,
    Partition,
    Policy,
    SeedTable,
    Table,
    Trigger,
    View,
)

Safety = Literal["safe", "locking", "rewrites", "destructive"]


@dataclass(frozen=True)
class Change:
    """Base of every operation.

    `kind` is the template name; `key` identifies the object the change creates or drops (used
    for ordering ties and messages); `transactional` is False for statements PostgreSQL refuses
    inside a transaction block (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE before 12).
    """

    kind: ClassVar[str] = "change"
    safety: ClassVar[Safety] = "safe"
    transactional: ClassVar[bool] = True

    @property
    def key(self) -> str:
        raise AssertionError(f"{type(self).__name__} must define key")


# --- creations (up) ------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateSchema(Change):
    kind: ClassVar[str] = "create_schema"
    name: str

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class CreateExtension(Change):
    kind: ClassVar[str] = "create_extension"
    extension: Extension

    @property
    def key(self) -> str:
        return self.extension.name


@dataclass(frozen=True)
class CreateEnum(Change):
    kind: ClassVar[str] = "create_enum"
    enum: Enum

    @property
    def key(self) -> str:
        return self.enum.qualified_name


@dataclass(frozen=True)
class CreateFunction(Change):
    kind: ClassVar[str] = "create_function"
    function: Function

    @property
    def key(self) -> str:
        return self.function.qualified_name


@dataclass(frozen=True)
class CreateTable(Change):
    """CREATE TABLE with columns, PK, uniques, checks and the foreign keys that can be inline
    (`inline_fks`: their target exists before this table); the others come as AddForeignKey."""

    kind: ClassVar[str] = "create_table"
    table: Table
    inline_fks: tuple[ForeignKey, ...] = ()

    @property
    def key(self) -> str:
        return self.table.qualified_name


@dataclass(frozen=True)
class CreatePartition(Change):
    kind: ClassVar[str] = "create_partition"
    table: Table
    partition: Partition

    @property
    def key(self) -> str:
        return f"{self.table.schema_name}.{self.partition.name}"


@dataclass(frozen=True)
class CreateIndex(Change):
    """CREATE INDEX; `concurrently` on existing tables (then in a non-transactional unit)."""

    kind: ClassVar[str] = "create_index"
    schema_name: str
    table: str
    index: Index
    concurrently: bool = False
    #: the indexed relation is a materialized view
    on_matview: bool = False

    @property
    def key(self) -> str:
        return f"{self.schema_name}.{self.index.name}"


@dataclass(frozen=True)
class AddForeignKey(Change):
    """ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY: cyclic FKs, and FKs added to existing
    tables (then NOT VALID, followed by ValidateConstraint)."""

    kind: ClassVar[str] = "add_foreign_key"
    table: Table
    foreign_key: ForeignKey
    not_valid: bool = False

    @property
    def key(self) -> str:
        return f"{self.table.qualified_name}.{self.foreign_key.name}"


@dataclass(frozen=True)
class CreateView(Change):
    kind: ClassVar[str] = "create_view"
    view: View

    @property
    def key(self) -> str:
        return self.view.qualified_name


@dataclass(frozen=True)
class CreateMaterializedView(Change):
    kind: ClassVar[str] = "create_materialized_view"
    view: MaterializedView

    @property
    def key(self) -> str:
        return self.view.qualified_name


@dataclass(frozen=True)
class CreateTrigger(Change):
    kind: ClassVar[str] = "create_trigger"
    trigger: Trigger

    @property
    def key(self) -> str:
        return f"{self.trigger.table_schema}.{self.trigger.table}.{self.trigger.name}"


@dataclass(frozen=True)
class EnableRls(Change):
    kind: ClassVar[str] = "enable_rls"
    table: Table

    @property
    def key(self) -> str:
        return self.table.qualified_name


@dataclass(frozen=True)
class CreatePolicy(Change):
    kind: ClassVar[str] = "create_policy"
    table: Table
    policy: Policy

    @property
    def key(self) -> str:
        return f"{self.table.qualified_name}.{self.policy.name}"


CommentTarget = Literal[
    "table", "column", "view", "materialized view", "type", "function", "trigger", "index"
]


@dataclass(frozen=True)
class Comment(Change):
    """COMMENT ON ... IS ...; `text` None removes the comment."""

    kind: ClassVar[str] = "comment"
    target: CommentTarget
    schema_name: str
    name: str
    text: str | None
    #: the column, for target "column"; the table, for target "trigger"
    sub: str | None = None
    #: the argument list, for target "function"
    arguments: str = ""

    @property
    def key(self) -> str:
        return f"{self.target}:{self.schema_name}.{self.name}.{self.sub or ''}"


@dataclass(frozen=True)
class InsertSeed(Change):
    kind: ClassVar[str] = "insert_seed"
    seed: SeedTable
    #: column name -> canonical type, so literals can be cast where PostgreSQL needs it
    column_types: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return f"{self.seed.table_schema}.{self.seed.table}"


# --- drops (down) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Drop(Change):
    """DROP {object_type} IF EXISTS name [ON table] [CASCADE?]: the inverse of a creation.

    Down migrations run the inverses in reverse order, so no CASCADE is needed; `on` holds the
    table for triggers and policies, `arguments` the signature of functions.
    """

    kind: ClassVar[str] = "drop"
    safety: ClassVar[Safety] = "destructive"
    object_type: Literal[
        "schema",
        "extension",
        "type",
        "function",
        "table",
        "index",
        "view",
        "materialized view",
        "trigger",
        "policy",
    ]
    schema_name: str | None
    name: str
    on: str | None = None
    arguments: str | None = None

    @property
    def key(self) -> str:
        return f"{self.object_type}:{self.schema_name}.{self.name}"


@dataclass(frozen=True)
class DropConstraint(Change):
    kind: ClassVar[str] = "drop_constraint"
    safety: ClassVar[Safety] = "destructive"
    table: Table
    name: str

    @property
    def key(self) -> str:
        return f"{self.table.qualified_name}.{self.name}"


@dataclass(frozen=True)
class DisableRls(Change):
    kind: ClassVar[str] = "disable_rls"
    table: Table

    @property
    def key(self) -> str:
        return self.table.qualified_name


@dataclass(frozen=True)
class DeleteSeed(Change):
    """Removes the seed rows by key (the inverse of InsertSeed, for incremental downs)."""

    kind: ClassVar[str] = "delete_seed"
    seed: SeedTable
    column_types: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return f"{self.seed.table_schema}.{self.seed.table}"


ALL_CHANGE_KINDS: tuple[type[Change], ...] = (
    CreateSchema,
    CreateExtension,
    CreateEnum,
    CreateFunction,
    CreateTable,
    CreatePartition,
    CreateIndex,
    AddForeignKey,
    CreateView,
    CreateMaterializedView,
    CreateTrigger,
    EnableRls,
    CreatePolicy,
    Comment,
    InsertSeed,
    Drop,
    DropConstraint,
    DisableRls,
    DeleteSeed,
)


@dataclass(frozen=True)
class Unit:
    """A migration unit: changes applied together, in one transaction unless not transactional."""

    changes: tuple[Change, ...]
    transactional: bool = True


@dataclass(frozen=True)
class Plan:
    """The ordered up changes and their down counterparts, grouped into units."""

    up: tuple[Unit, ...]
    down: tuple[Unit, ...]
    notes: tuple[str, ...] = field(default=())
