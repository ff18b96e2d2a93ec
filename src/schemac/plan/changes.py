"""Typed operations: what a migration does, one value per statement kind.

Every change names its template (`kind`, one `templates/{kind}.sql.j2` each). Its facts belong to
the instance, not the class: whether it may run in a transaction (a concurrent index build may
not), how safe it is on a live database, the locks it takes on which relation, whether and how it
can be undone (`inverse()`), and the spec span that caused it. Changes hold model values; all SQL
spelling happens in render/.

`stage` places a change in the migration sequence an incremental build writes (see plan/units.py):
enum values are committed before anything uses them, concurrent index builds run alone outside
a transaction, constraints added NOT VALID are validated in a later transaction.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from typing import ClassVar, Literal

from schemac.model.schema import (
    Aggregate,
    Attribute,
    Check,
    Column,
    Composite,
    Domain,
    DomainCheck,
    Enum,
    Exclusion,
    Extension,
    ForeignKey,
    Function,
    Index,
    MaterializedView,
    Operator,
    Partition,
    Policy,
    PrimaryKey,
    SeedTable,
    Sequence,
    Table,
    Trigger,
    Unique,
    View,
)
from schemac.source import Span

Safety = Literal["safe", "locking", "rewrites", "destructive"]
Reversibility = Literal["reversible", "lossy", "irreversible"]
LockMode = Literal[
    "ACCESS EXCLUSIVE",
    "EXCLUSIVE",
    "SHARE ROW EXCLUSIVE",
    "SHARE",
    "SHARE UPDATE EXCLUSIVE",
    "ROW EXCLUSIVE",
]

#: stages of an incremental migration sequence, in the order they run
STAGE_ENUM_VALUES = 0  # ALTER TYPE ... ADD VALUE: committed before any use (55P04)
STAGE_MAIN = 1  # one transaction: creations, alterations, NOT VALID constraints, drops
STAGE_CONCURRENT = 2  # CREATE INDEX CONCURRENTLY, each alone, outside a transaction
STAGE_VALIDATE = 3  # one transaction: VALIDATE, SET NOT NULL, ADD CONSTRAINT ... USING INDEX
STAGE_DROP_CONCURRENT = 4  # DROP INDEX / DETACH PARTITION CONCURRENTLY, each alone
STAGE_FINISH = 5  # one transaction: renames of rebuilt indexes, drops of detached partitions

ACCESS_EXCLUSIVE: LockMode = "ACCESS EXCLUSIVE"


@dataclass(frozen=True)
class Lock:
    """A lock a change takes on a relation that existed before the migration."""

    mode: LockMode
    relation: str
    #: held only for a catalog update (no scan, no rewrite under it)
    brief: bool = True

    def __str__(self) -> str:
        return f"{self.mode} on {self.relation}" + ("" if self.brief else " (scan/rewrite)")


@dataclass(frozen=True)
class Change:
    """Base of every operation.

    `key` identifies the object the change creates or drops (for ties and messages). Facts
    default to the harmless case; subclasses and instances say otherwise.
    """

    kind: ClassVar[str] = "change"
    _: KW_ONLY
    #: where the spec declared the object this change comes from (never compared)
    span: Span | None = field(default=None, compare=False, repr=False)
    #: see the STAGE_* constants; fresh builds use STAGE_MAIN only
    stage: int = STAGE_MAIN
    #: the object works on a relation that existed before this migration (live traffic)
    live: bool = False
    #: the inverse is implied by undoing its parent (an index of a table created alongside)
    covered: bool = False

    @property
    def key(self) -> str:
        raise AssertionError(f"{type(self).__name__} must define key")

    @property
    def transactional(self) -> bool:
        return True

    @property
    def safety(self) -> Safety:
        return "safe"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return ()

    @property
    def reversibility(self) -> Reversibility:
        return "reversible"

    @property
    def reason(self) -> str | None:
        """Why the change is not safe or not simply reversible (for plan and comments)."""
        return None

    def inverse(self) -> tuple[Change, ...]:
        """The changes that undo this one, in order (empty when covered or irreversible)."""
        return ()

    def describe(self) -> str:
        return f"{self.kind.replace('_', ' ')} {self.key}"

    def _exclusive(self, relation: str, *, brief: bool = True) -> tuple[Lock, ...]:
        return (Lock(ACCESS_EXCLUSIVE, relation, brief),) if self.live else ()


def _qname(schema: str, name: str) -> str:
    return name if schema == "public" else f"{schema}.{name}"


# --- namespaces, extensions, types, functions -------------------------------------------------


@dataclass(frozen=True)
class CreateSchema(Change):
    kind: ClassVar[str] = "create_schema"
    name: str

    @property
    def key(self) -> str:
        return self.name

    def inverse(self) -> tuple[Change, ...]:
        return (Drop("schema", None, self.name),)


@dataclass(frozen=True)
class CreateExtension(Change):
    kind: ClassVar[str] = "create_extension"
    extension: Extension

    @property
    def key(self) -> str:
        return self.extension.name

    def inverse(self) -> tuple[Change, ...]:
        return (Drop("extension", None, self.extension.name),)


@dataclass(frozen=True)
class CreateEnum(Change):
    kind: ClassVar[str] = "create_enum"
    enum: Enum

    @property
    def key(self) -> str:
        return self.enum.qualified_name

    def inverse(self) -> tuple[Change, ...]:
        return (Drop("type", self.enum.schema_name, self.enum.name),)


@dataclass(frozen=True)
class AddEnumValue(Change):
    """ALTER TYPE ... ADD VALUE [BEFORE|AFTER]: PostgreSQL cannot take a value back out."""

    kind: ClassVar[str] = "add_enum_value"
    enum: Enum
    value: str
    #: ("before" | "after", neighbour) or None to append
    position: tuple[Literal["before", "after"], str] | None = None

    @property
    def key(self) -> str:
        return f"{self.enum.qualified_name}.{self.value}"

    @property
    def reversibility(self) -> Reversibility:
        return "irreversible"

    @property
    def reason(self) -> str | None:
        return "PostgreSQL cannot remove a value from an enum; the down migration keeps it"


@dataclass(frozen=True)
class CreateFunction(Change):
    kind: ClassVar[str] = "create_function"
    function: Function
    #: CREATE OR REPLACE over an existing function with the same signature and return type
    replace_of: Function | None = None
    #: created with check_function_bodies off: a column default or check calls it, so it comes
    #: before the tables its body reads (as pg_dump creates functions)
    unchecked: bool = False

    @property
    def key(self) -> str:
        return self.function.qualified_name

    def describe(self) -> str:
        return f"create {self.function.kind} {self.key}"

    def inverse(self) -> tuple[Change, ...]:
        if self.replace_of is not None:
            return (CreateFunction(self.replace_of, replace_of=self.function),)
        fn = self.function
        return (Drop(fn.kind, fn.schema_name, fn.name, arguments=fn.arguments),)


@dataclass(frozen=True)
class CreateAggregate(Change):
    kind: ClassVar[str] = "create_aggregate"
    aggregate: Aggregate
    #: CREATE OR REPLACE AGGREGATE over an existing one with the same arguments
    replace_of: Aggregate | None = None

    @property
    def key(self) -> str:
        return self.aggregate.qualified_name

    def inverse(self) -> tuple[Change, ...]:
        if self.replace_of is not None:
            return (CreateAggregate(self.replace_of, replace_of=self.aggregate),)
        agg = self.aggregate
        return (Drop("aggregate", agg.schema_name, agg.name, arguments=agg.arguments),)


@dataclass(frozen=True)
class CreateOperator(Change):
    """CREATE OPERATOR (no OR REPLACE: a changed definition is dropped and created again)."""

    kind: ClassVar[str] = "create_operator"
    operator: Operator

    @property
    def key(self) -> str:
        return f"operator:{self.operator.qualified_name}({self.operator.arguments})"

    def inverse(self) -> tuple[Change, ...]:
        op = self.operator
        return (Drop("operator", op.schema_name, op.name, arguments=op.arguments),)


@dataclass(frozen=True)
class AlterOperator(Change):
    """ALTER OPERATOR ... SET (RESTRICT = .., JOIN = ..): the estimators, in place."""

    kind: ClassVar[str] = "alter_operator"
    operator: Operator
    previous: Operator

    @property
    def key(self) -> str:
        return f"operator:{self.operator.qualified_name}({self.operator.arguments})"

    def inverse(self) -> tuple[Change, ...]:
        return (AlterOperator(self.previous, self.operator),)


# --- tables and columns -------------------------------------------------------------------------


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

    def inverse(self) -> tuple[Change, ...]:
        return (Drop("table", self.table.schema_name, self.table.name),)


@dataclass(frozen=True)
class AddColumn(Change):
    """ALTER TABLE ... ADD COLUMN on an existing table."""

    kind: ClassVar[str] = "add_column"
    table: Table
    column: Column
    #: the column's type is a domain with a check or NOT NULL (set by plan/diff_domains.py)
    constrained_domain: bool = False

    @property
    def key(self) -> str:
        return f"{self.table.qualified_name}.{self.column.name}"

    @property
    def rewrites(self) -> bool:
        # PostgreSQL 11+ stores a non-volatile default in the catalog; a volatile one, an
        # identity or a stored generated column is computed for every existing row, and so is
        # a column of a domain with constraints (measured: the table gets a new file)
        col = self.column
        return bool(
            self.constrained_domain
            or col.identity is not None
            or col.generated is not None
            or (col.default is not None and is_volatile(col.default))
        )

    @property
    def safety(self) -> Safety:
        return "rewrites" if self.live and self.rewrites else "safe"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return self._exclusive(self.table.qualified_name, brief=not self.rewrites)

    @property
    def reason(self) -> str | None:
        if self.live and self.rewrites:
            return "the new column is computed for every existing row under ACCESS EXCLUSIVE"
        return None

    def inverse(self) -> tuple[Change, ...]:
        return (DropColumn(self.table, self.column, live=self.live),)


@dataclass(frozen=True)
class DropColumn(Change):
    kind: ClassVar[str] = "drop_column"
    table: Table
    column: Column

    @property
    def key(self) -> str:
        return f"{self.table.qualified_name}.{self.column.name}"

    @property
    def safety(self) -> Safety:
        return "destructive"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return self._exclusive(self.table.qualified_name)

    @property
    def reversibility(self) -> Reversibility:
        return "lossy"

    @property
    def reason(self) -> str | None:
        return "the column's data is lost; the down migration re-adds it empty"

    def inverse(self) -> tuple[Change, ...]:
        back: list[Change] = [AddColumn(self.table, _restorable(self.column), live=self.live)]
        if self.column.description:
            t = self.table
            back.append(
                Comment(
                    "column", t.schema_name, t.name, self.column.description, sub=self.column.name
                )
            )
        return tuple(back)


def _restorable(column: Column) -> Column:
    # a NOT NULL column without a default cannot be added back to a table holding rows
    if not column.nullable and column.default is None and column.identity is None:
        return column.model_copy(update={"nullable": True})
    return column


AlterAction = Literal[
    "type",
    "set default",
    "drop default",
    "set not null",
    "drop not null",
    "add identity",
    "drop identity",
    "set identity",
    "set identity options",
    "drop expression",
]


@dataclass(frozen=True)
class AlterColumn(Change):
    """ALTER TABLE ... ALTER COLUMN: one action, with the column before and after."""

    kind: ClassVar[str] = "alter_column"
    table: Table
    action: AlterAction
    old: Column
    new: Column
    #: the USING expression of a type change that needs a cast
    using: str | None = None
    #: a type change PostgreSQL performs by rewriting the table (and its indexes)
    rewrite: bool = False
    #: the USING expression of the opposite type change (for the down migration)
    using_back: str | None = None
    #: SET NOT NULL with a validated CHECK (col IS NOT NULL) in place: no scan under the lock
    proven: bool = False
    #: the opposite type change rewrites the table (a narrowing down migration)
    rewrite_back: bool = False
    #: checks validated again and indexes built again by a type change without a rewrite
    rebuilt: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.table.qualified_name}.{self.new.name}"

    @property
    def safety(self) -> Safety:
        if not self.live:
            return "safe"
        if self.action == "type" and self.rewrite:
            return "rewrites"
        if self.action == "type" and self.rebuilt:
            return "locking"
        if self.action == "set not null" and not self.proven:
            return "locking"
        return "safe"

    @property
    def locks(self) -> tuple[Lock, ...]:
        brief = not (self.action == "type" and (self.rewrite or self.rebuilt))
        if self.action == "set not null" and not self.proven:
            brief = False
        return self._exclusive(self.table.qualified_name, brief=brief)

    @property
    def reversibility(self) -> Reversibility:
        return "lossy" if self.action == "type" and self.rewrite else "reversible"

    @property
    def reason(self) -> str | None:
        if self.action == "type" and self.rewrite and self.live:
            return f"{self.old.type} -> {self.new.type} rewrites the table and its indexes"
        if self.action == "type" and self.rebuilt and self.live:
            return (
                f"no table rewrite, but {', '.join(self.rebuilt)} read every row again under "
                "ACCESS EXCLUSIVE (checks validated, indexes of a new collation built)"
            )
        if self.action == "set not null" and self.live and not self.proven:
            return "scans the table for NULLs under ACCESS EXCLUSIVE"
        if self.action == "set identity options" and self.live:
            return (
                "PostgreSQL rewrites the identity's sequence, one page (constant time; no row read)"
            )
        return None

    def inverse(self) -> tuple[Change, ...]:
        if self.action == "drop expression":
            return (RegenerateColumn(self.table, self.new, self.old, live=self.live),)
        opposite: dict[str, AlterAction] = {
            "set not null": "drop not null",
            "drop not null": "set not null",
            "add identity": "drop identity",
            "drop identity": "add identity",
        }
        action = opposite.get(self.action, self.action)
        if self.action == "set default" and self.old.default is None:
            action = "drop default"
        elif self.action == "drop default":
            action = "set default"
        return (
            AlterColumn(
                self.table,
                action,
                self.new,
                self.old,
                self.using_back,
                self.rewrite_back,
                self.using,
                rewrite_back=self.rewrite,
                rebuilt=self.rebuilt,
                live=self.live,
            ),
        )

    def describe(self) -> str:
        return f"alter column {self.key}: {self.action}"


@dataclass(frozen=True)
class RegenerateColumn(Change):
    """A stored generated column given another expression, or a plain column made generated:
    PostgreSQL 15 cannot change a generation expression in place, so the column is dropped and
    added again in one ALTER TABLE (one rewrite; the column moves to the end of the table)."""

    kind: ClassVar[str] = "regenerate_column"
    table: Table
    old: Column
    new: Column

    @property
    def key(self) -> str:
        return f"{self.table.qualified_name}.{self.new.name}"

    @property
    def safety(self) -> Safety:
        if not self.live:
            return "safe"
        # a plain column's stored values are replaced by computed ones
        return "rewrites" if self.old.generated is not None else "destructive"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return self._exclusive(self.table.qualified_name, brief=False)

    @property
    def reversibility(self) -> Reversibility:
        return "reversible" if self.old.generated is not None else "lossy"

    @property
    def reason(self) -> str | None:
        if not self.live:
            return None
        if self.old.generated is None:
            return (
                "the values the column holds are replaced by computed ones, and the change "
                "rewrites the table under ACCESS EXCLUSIVE"
            )
        return "the column is computed again for every row under ACCESS EXCLUSIVE"

    def inverse(self) -> tuple[Change, ...]:
        if self.old.generated is None:
            # DROP EXPRESSION keeps the computed values in a plain column
            return (AlterColumn(self.table, "drop expression", self.new, self.old, live=self.live),)
        back: list[Change] = [RegenerateColumn(self.table, self.new, self.old, live=self.live)]
        if self.old.description:
            t = self.table
            back.append(
                Comment("column", t.schema_name, t.name, self.old.description, sub=self.old.name)
            )
        return tuple(back)

    def describe(self) -> str:
        return f"regenerate column {self.key}"


@dataclass(frozen=True)
class SyncIdentity(Change):
    """setval() of an identity added to a column that holds values: past the largest one."""

    kind: ClassVar[str] = "sync_identity"
    table: Table
    column: str

    @property
    def key(self) -> str:
        return f"{self.table.qualified_name}.{self.column}"

    @property
    def reason(self) -> str | None:
        return "reads the column's largest value (a scan without blocking writers)"


# --- constraints ------------------------------------------------------------------------------


Constraint = PrimaryKey | Unique | Check | Exclusion


@dataclass(frozen=True)
class AddConstraint(Change):
    """ALTER TABLE ... ADD CONSTRAINT (primary key, unique, check, exclusion) on an existing
    table; a check may be NOT VALID (then validated in a later transaction), a key may adopt a
    unique index built concurrently beforehand (USING INDEX). An exclusion constraint can do
    neither: it builds its index and checks every row under ACCESS EXCLUSIVE."""

    kind: ClassVar[str] = "add_constraint"
    table: Table
    constraint: Constraint
    not_valid: bool = False
    using_index: str | None = None
    #: a helper check (col IS NOT NULL) that only exists between stages
    helper: bool = False

    @property
    def key(self) -> str:
        return f"{self.table.qualified_name}.{self.constraint.name}"

    @property
    def safety(self) -> Safety:
        if self.live and isinstance(self.constraint, Check) and not self.not_valid:
            return "locking"
        if self.live and not isinstance(self.constraint, Check) and self.using_index is None:
            return "locking"
        return "safe"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return self._exclusive(self.table.qualified_name, brief=self.safety == "safe")

    @property
    def reason(self) -> str | None:
        if self.live and isinstance(self.constraint, Exclusion):
            return (
                "builds the constraint's index and checks every row under ACCESS EXCLUSIVE "
                "(PostgreSQL has no NOT VALID or USING INDEX for exclusion constraints)"
            )
        return None

    def inverse(self) -> tuple[Change, ...]:
        if self.helper:
            return ()  # dropped again by the same plan; the down of the drop is empty too
        return (DropConstraint(self.table, self.constraint.name, live=self.live, if_exists=True),)


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

    @property
    def safety(self) -> Safety:
        return "locking" if self.live and not self.not_valid else "safe"

    @property
    def locks(self) -> tuple[Lock, ...]:
        if not self.live:
            return ()
        brief = self.not_valid
        target = f"{self.foreign_key.ref_schema}.{self.foreign_key.ref_table}"
        return (
            Lock("SHARE ROW EXCLUSIVE", self.table.qualified_name, brief),
            Lock("SHARE ROW EXCLUSIVE", target, brief),
        )

    def inverse(self) -> tuple[Change, ...]:
        return (DropConstraint(self.table, self.foreign_key.name, live=self.live),)


@dataclass(frozen=True)
class ValidateConstraint(Change):
    """ALTER TABLE ... VALIDATE CONSTRAINT: scans under SHARE UPDATE EXCLUSIVE (no blocking)."""

    kind: ClassVar[str] = "validate_constraint"
    table: Table
    name: str
    #: what undoes the validation of a constraint that stays (`valid: false` -> true): drop it
    #: and add it back NOT VALID; empty when the constraint was added by the same plan
    restore: tuple[Change, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.table.qualified_name}.{self.name}"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return (Lock("SHARE UPDATE EXCLUSIVE", self.table.qualified_name, False),)

    def inverse(self) -> tuple[Change, ...]:
        return self.restore


@dataclass(frozen=True)
class DropConstraint(Change):
    kind: ClassVar[str] = "drop_constraint"
    table: Table
    name: str
    #: what the constraint was, so the down migration can add it back
    restore: tuple[Change, ...] = ()
    if_exists: bool = False

    @property
    def key(self) -> str:
        return f"{self.table.qualified_name}.{self.name}"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return self._exclusive(self.table.qualified_name)

    def inverse(self) -> tuple[Change, ...]:
        return self.restore


# --- storage options ----------------------------------------------------------------------------

Options = tuple[tuple[str, str], ...]

#: storage parameters PostgreSQL changes under ACCESS EXCLUSIVE (the others: SHARE UPDATE EXCLUSIVE)
_EXCLUSIVE_PARAMS = frozenset({"user_catalog_table"})


@dataclass(frozen=True)
class SetStorage(Change):
    """ALTER TABLE ... SET (name = value, ...), RESET (name, ...): a table's storage parameters
    (read by later writes, vacuum and the planner; no row is touched)."""

    kind: ClassVar[str] = "set_storage"
    table: Table
    set: tuple[tuple[str, str], ...] = ()
    reset: tuple[str, ...] = ()
    #: the parameters before (for the down migration)
    previous: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return f"storage:{self.table.qualified_name}"

    @property
    def locks(self) -> tuple[Lock, ...]:
        if not self.live:
            return ()
        names = {name for name, _ in self.set} | set(self.reset)
        mode: LockMode = ACCESS_EXCLUSIVE if names & _EXCLUSIVE_PARAMS else "SHARE UPDATE EXCLUSIVE"
        return (Lock(mode, self.table.qualified_name),)

    def inverse(self) -> tuple[Change, ...]:
        before = dict(self.previous)
        changed = [name for name, _ in self.set] + list(self.reset)
        back = tuple((name, before[name]) for name in changed if name in before)
        gone = tuple(name for name in changed if name not in before)
        after = {k: v for k, v in {**before, **dict(self.set)}.items() if k not in self.reset}
        return (SetStorage(self.table, back, gone, tuple(after.items()), live=self.live),)

    def describe(self) -> str:
        return f"set storage parameters of {self.table.qualified_name}"


@dataclass(frozen=True)
class SetPersistence(Change):
    """ALTER TABLE ... SET LOGGED | SET UNLOGGED: PostgreSQL rewrites the table (and its
    indexes) under ACCESS EXCLUSIVE."""

    kind: ClassVar[str] = "set_persistence"
    table: Table
    unlogged: bool

    @property
    def key(self) -> str:
        return f"persistence:{self.table.qualified_name}"

    @property
    def safety(self) -> Safety:
        return "rewrites" if self.live else "safe"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return self._exclusive(self.table.qualified_name, brief=False)

    @property
    def reason(self) -> str | None:
        if self.live:
            return "the table and its indexes are rewritten under lock"
        return None

    def inverse(self) -> tuple[Change, ...]:
        return (SetPersistence(self.table, not self.unlogged, live=self.live),)

    def describe(self) -> str:
        state = "unlogged" if self.unlogged else "logged"
        return f"make table {self.table.qualified_name} {state}"


@dataclass(frozen=True)
class SetReplicaIdentity(Change):
    """ALTER TABLE ... REPLICA IDENTITY: catalog only, under a brief ACCESS EXCLUSIVE."""

    kind: ClassVar[str] = "set_replica_identity"
    table: Table
    #: the identity before (for the down migration): (kind, index) as the model holds them
    previous: tuple[str | None, str | None] = (None, None)

    @property
    def key(self) -> str:
        return f"replica:{self.table.qualified_name}"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return self._exclusive(self.table.qualified_name)

    def inverse(self) -> tuple[Change, ...]:
        kind, index = self.previous
        before = self.table.model_copy(update={"replica_identity": kind, "replica_index": index})
        now = (self.table.replica_identity, self.table.replica_index)
        return (SetReplicaIdentity(before, now, live=self.live, stage=self.stage),)

    def describe(self) -> str:
        return f"set replica identity of {self.table.qualified_name}"


@dataclass(frozen=True)
class SetColumnStorage(Change):
    """ALTER TABLE ... ALTER COLUMN ... SET STATISTICS n, and SET (n_distinct = ...) / RESET:
    what ANALYZE samples and what the planner assumes about one column."""

    kind: ClassVar[str] = "set_column_storage"
    table: Table
    column: str
    #: the new statistics target (-1: the server default), None when it stays
    statistics: int | None = None
    set: tuple[tuple[str, str], ...] = ()
    reset: tuple[str, ...] = ()
    previous_statistics: int | None = None
    previous: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return f"storage:{self.table.qualified_name}.{self.column}"

    @property
    def locks(self) -> tuple[Lock, ...]:
        if not self.live:
            return ()
        return (Lock("SHARE UPDATE EXCLUSIVE", self.table.qualified_name),)

    def inverse(self) -> tuple[Change, ...]:
        before = dict(self.previous)
        changed = [name for name, _ in self.set] + list(self.reset)
        statistics = None
        if self.statistics is not None:
            statistics = -1 if self.previous_statistics is None else self.previous_statistics
        return (
            SetColumnStorage(
                self.table,
                self.column,
                statistics,
                tuple((name, before[name]) for name in changed if name in before),
                tuple(name for name in changed if name not in before),
                self.statistics,
                tuple(
                    (k, v) for k, v in {**before, **dict(self.set)}.items() if k not in self.reset
                ),
                live=self.live,
            ),
        )

    def describe(self) -> str:
        return f"set statistics and options of column {self.table.qualified_name}.{self.column}"


@dataclass(frozen=True)
class SetIndexStatistics(Change):
    """ALTER INDEX ... ALTER COLUMN n SET STATISTICS t: what ANALYZE samples for an expression
    key of an index (a position the new targets leave out goes back to -1, the default)."""

    kind: ClassVar[str] = "set_index_statistics"
    schema_name: str
    table: str
    index: str
    statistics: tuple[tuple[int, int], ...]
    previous: tuple[tuple[int, int], ...] = ()

    @property
    def key(self) -> str:
        return f"statistics:{self.schema_name}.{self.index}"

    @property
    def targets(self) -> tuple[tuple[int, int], ...]:
        """Every position to set, in order: the new targets and -1 for those left out."""
        new = dict(self.statistics)
        return tuple(sorted({**{k: -1 for k, _ in self.previous}, **new}.items()))

    @property
    def locks(self) -> tuple[Lock, ...]:
        if not self.live:
            return ()
        return (Lock("SHARE UPDATE EXCLUSIVE", f"{self.schema_name}.{self.table}"),)

    def inverse(self) -> tuple[Change, ...]:
        return (
            SetIndexStatistics(
                self.schema_name,
                self.table,
                self.index,
                self.previous,
                self.statistics,
                stage=self.stage,
                live=self.live,
            ),
        )

    def describe(self) -> str:
        return f"set statistics of index {_qname(self.schema_name, self.index)}"


# --- indexes, partitions ----------------------------------------------------------------------


@dataclass(frozen=True)
class CreateIndex(Change):
    """CREATE INDEX; `concurrently` on existing tables (then alone, outside a transaction);
    `only` on a partitioned parent (the partitions' indexes are attached afterwards)."""

    kind: ClassVar[str] = "create_index"
    schema_name: str
    table: str
    index: Index
    concurrently: bool = False
    #: the indexed relation is a materialized view
    on_matview: bool = False
    only: bool = False

    @property
    def key(self) -> str:
        return f"{self.schema_name}.{self.index.name}"

    @property
    def transactional(self) -> bool:
        return not self.concurrently

    @property
    def safety(self) -> Safety:
        return "locking" if self.live and not self.concurrently and not self.only else "safe"

    @property
    def locks(self) -> tuple[Lock, ...]:
        if not self.live:
            return ()
        relation = f"{self.schema_name}.{self.table}"
        if self.concurrently:
            return (Lock("SHARE UPDATE EXCLUSIVE", relation, False),)
        return (Lock("SHARE", relation, self.only),)

    def inverse(self) -> tuple[Change, ...]:
        return (
            Drop(
                "index",
                self.schema_name,
                self.index.name,
                on=self.table,
                concurrently=self.concurrently,
                stage=self.stage,
                live=self.live,
            ),
        )


@dataclass(frozen=True)
class AttachIndex(Change):
    """ALTER INDEX parent_index ATTACH PARTITION partition_index."""

    kind: ClassVar[str] = "attach_index"
    schema_name: str
    parent_index: str
    partition_index: str

    @property
    def key(self) -> str:
        return f"{self.schema_name}.{self.partition_index}"


@dataclass(frozen=True)
class CreatePartition(Change):
    kind: ClassVar[str] = "create_partition"
    table: Table
    partition: Partition

    @property
    def key(self) -> str:
        return f"{self.table.schema_name}.{self.partition.name}"

    @property
    def _scans_default(self) -> bool:
        return any(p.default for p in self.table.partitions) and not self.partition.default

    @property
    def safety(self) -> Safety:
        return "locking" if self.live and self._scans_default else "safe"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return self._exclusive(self.table.qualified_name, brief=not self._scans_default)

    @property
    def reason(self) -> str | None:
        if self.live and self._scans_default:
            return "the default partition is scanned for rows of the new bound under lock"
        return None

    def inverse(self) -> tuple[Change, ...]:
        return (Drop("table", self.table.schema_name, self.partition.name, live=self.live),)


@dataclass(frozen=True)
class DetachPartition(Change):
    """ALTER TABLE ... DETACH PARTITION [CONCURRENTLY] before a removed partition is dropped."""

    kind: ClassVar[str] = "detach_partition"
    table: Table
    partition: Partition
    concurrently: bool = True
    #: what attaches it back in the down (a new bound: the attach with the old one); empty when
    #: the partition is dropped next (the down of the drop creates it again)
    restore: tuple[Change, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.table.schema_name}.{self.partition.name}"

    @property
    def transactional(self) -> bool:
        return not self.concurrently

    @property
    def locks(self) -> tuple[Lock, ...]:
        mode: LockMode = "SHARE UPDATE EXCLUSIVE" if self.concurrently else ACCESS_EXCLUSIVE
        return (Lock(mode, self.table.qualified_name),)

    @property
    def reason(self) -> str | None:
        return None if self.restore else "the down of the partition's drop attaches it again"

    def inverse(self) -> tuple[Change, ...]:
        return self.restore


@dataclass(frozen=True)
class AttachPartition(Change):
    """ALTER TABLE ... ATTACH PARTITION ... FOR VALUES: a partition given a new bound, detached
    and attached again in one transaction. `proven`: a validated check on the partition implies
    the new bound, so PostgreSQL skips the scan that would otherwise run under lock."""

    kind: ClassVar[str] = "attach_partition"
    table: Table
    partition: Partition
    proven: bool = False

    @property
    def key(self) -> str:
        return f"{self.table.schema_name}.{self.partition.name}"

    @property
    def _default(self) -> str | None:
        return next((p.name for p in self.table.partitions if p.default), None)

    @property
    def safety(self) -> Safety:
        return "safe" if not self.live or (self.proven and self._default is None) else "locking"

    @property
    def locks(self) -> tuple[Lock, ...]:
        if not self.live:
            return ()
        schema = self.table.schema_name
        locks = [
            Lock("SHARE UPDATE EXCLUSIVE", self.table.qualified_name),
            Lock(ACCESS_EXCLUSIVE, f"{schema}.{self.partition.name}", self.proven),
        ]
        if self._default is not None:
            locks.append(Lock(ACCESS_EXCLUSIVE, f"{schema}.{self._default}", False))
        return tuple(locks)

    @property
    def reason(self) -> str | None:
        if not self.live or self.safety == "safe":
            return None
        scanned = [] if self.proven else [f"the partition {self.partition.name}"]
        if self._default is not None:
            scanned.append(f"the default partition {self._default}")
        return " and ".join(scanned) + " scanned for rows outside the bound under lock"

    def inverse(self) -> tuple[Change, ...]:
        return (
            DetachPartition(
                self.table,
                self.partition,
                concurrently=False,
                restore=(self,),
                stage=self.stage,
                live=self.live,
            ),
        )


# --- views, triggers, row-level security ------------------------------------------------------


@dataclass(frozen=True)
class CreateView(Change):
    kind: ClassVar[str] = "create_view"
    view: View
    #: CREATE OR REPLACE over this view (its columns are kept, new ones only appended)
    replace_of: View | None = None

    @property
    def key(self) -> str:
        return self.view.qualified_name

    def inverse(self) -> tuple[Change, ...]:
        if self.replace_of is not None:
            return (DropThenCreateView(self.view, self.replace_of),)
        return (Drop("view", self.view.schema_name, self.view.name),)


@dataclass(frozen=True)
class DropThenCreateView(Change):
    """The down of CREATE OR REPLACE that appended columns: a view cannot lose columns in place."""

    kind: ClassVar[str] = "drop_then_create_view"
    current: View
    previous: View

    @property
    def key(self) -> str:
        return self.previous.qualified_name


@dataclass(frozen=True)
class CreateMaterializedView(Change):
    kind: ClassVar[str] = "create_materialized_view"
    view: MaterializedView

    @property
    def key(self) -> str:
        return self.view.qualified_name

    @property
    def reason(self) -> str | None:
        return "runs the query to fill the view" if self.live else None

    def inverse(self) -> tuple[Change, ...]:
        return (Drop("materialized view", self.view.schema_name, self.view.name),)


@dataclass(frozen=True)
class ScheduleRefresh(Change):
    """The pg_cron job that runs a materialized view's refresh function: scheduled, or
    rescheduled (cron.schedule by job name replaces the job), when `schedule` is set, and
    unscheduled when it is None. Nothing happens where the pg_cron extension is not installed."""

    kind: ClassVar[str] = "schedule_refresh"
    #: the job name: the refresh function's qualified name
    job: str
    #: the cron schedule, None to unschedule
    schedule: str | None
    #: the SQL the job runs
    command: str
    #: the schedule before this change (None: there was no job)
    previous: str | None = None

    @property
    def key(self) -> str:
        return self.job

    def describe(self) -> str:
        if self.schedule is None:
            return f"unschedule refresh job {self.job}"
        return f"schedule refresh job {self.job} ({self.schedule})"

    def inverse(self) -> tuple[Change, ...]:
        return (ScheduleRefresh(self.job, self.previous, self.command, previous=self.schedule),)


@dataclass(frozen=True)
class CreateTrigger(Change):
    kind: ClassVar[str] = "create_trigger"
    trigger: Trigger

    @property
    def key(self) -> str:
        return f"{self.trigger.table_schema}.{self.trigger.table}.{self.trigger.name}"

    @property
    def locks(self) -> tuple[Lock, ...]:
        relation = f"{self.trigger.table_schema}.{self.trigger.table}"
        return (Lock("SHARE ROW EXCLUSIVE", relation),) if self.live else ()

    def inverse(self) -> tuple[Change, ...]:
        t = self.trigger
        return (Drop("trigger", t.table_schema, t.name, on=t.table),)


@dataclass(frozen=True)
class EnableRls(Change):
    kind: ClassVar[str] = "enable_rls"
    table: Table

    @property
    def key(self) -> str:
        return self.table.qualified_name

    def inverse(self) -> tuple[Change, ...]:
        return (DisableRls(self.table),)


RlsAction = Literal["enable", "disable", "force", "no force"]


@dataclass(frozen=True)
class SetRls(Change):
    """ALTER TABLE ... ENABLE / DISABLE / FORCE / NO FORCE ROW LEVEL SECURITY."""

    kind: ClassVar[str] = "set_rls"
    table: Table
    action: RlsAction

    @property
    def key(self) -> str:
        return f"{self.table.qualified_name}:{self.action}"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return self._exclusive(self.table.qualified_name)

    def inverse(self) -> tuple[Change, ...]:
        back: dict[RlsAction, RlsAction] = {
            "enable": "disable",
            "disable": "enable",
            "force": "no force",
            "no force": "force",
        }
        return (SetRls(self.table, back[self.action], live=self.live),)


@dataclass(frozen=True)
class CreatePolicy(Change):
    kind: ClassVar[str] = "create_policy"
    table: Table
    policy: Policy

    @property
    def key(self) -> str:
        return f"{self.table.qualified_name}.{self.policy.name}"

    def inverse(self) -> tuple[Change, ...]:
        t = self.table
        return (Drop("policy", t.schema_name, self.policy.name, on=t.name),)


@dataclass(frozen=True)
class AlterPolicy(Change):
    """ALTER POLICY: new roles or expressions, same command and permissiveness."""

    kind: ClassVar[str] = "alter_policy"
    table: Table
    old: Policy
    new: Policy

    @property
    def key(self) -> str:
        return f"{self.table.qualified_name}.{self.new.name}"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return self._exclusive(self.table.qualified_name)

    def inverse(self) -> tuple[Change, ...]:
        return (AlterPolicy(self.table, self.new, self.old, live=self.live),)


# --- renames, comments, seeds -----------------------------------------------------------------

RenameTarget = Literal[
    "table", "column", "index", "constraint", "type", "enum value", "view", "materialized view"
]


@dataclass(frozen=True)
class Rename(Change):
    """ALTER ... RENAME: only ever from `renamed_from` in the specs (never guessed)."""

    kind: ClassVar[str] = "rename"
    target: RenameTarget
    schema_name: str
    #: the object renamed; for columns and constraints the table, for enum values the type
    name: str
    old: str
    new: str

    @property
    def key(self) -> str:
        return f"{self.target}:{self.schema_name}.{self.name}.{self.old}"

    @property
    def locks(self) -> tuple[Lock, ...]:
        if self.target in ("type", "enum value"):
            return ()
        relation = self.name if self.target in ("column", "constraint") else self.old
        return self._exclusive(f"{self.schema_name}.{relation}")

    @property
    def reason(self) -> str | None:
        if self.live and self.target in ("table", "column", "view", "materialized view"):
            return "running code that uses the old name breaks at once (expand/contract instead)"
        return None

    def inverse(self) -> tuple[Change, ...]:
        name = self.new if self.target not in ("column", "constraint", "enum value") else self.name
        return (Rename(self.target, self.schema_name, name, self.new, self.old, live=self.live),)

    def describe(self) -> str:
        where = _qname(self.schema_name, self.name)
        return f"rename {self.target} {self.old} to {self.new}" + (
            f" on {where}" if self.target in ("column", "constraint", "enum value") else ""
        )


@dataclass(frozen=True)
class SetSchema(Change):
    """ALTER TABLE ... SET SCHEMA: a table (or one of its partitions) moved to another schema by
    `renamed_from: old_schema.name`; its indexes, constraints and owned sequences go with it."""

    kind: ClassVar[str] = "set_schema"
    #: the schema the table leaves
    schema_name: str
    name: str
    new_schema: str

    @property
    def key(self) -> str:
        return f"table:{self.schema_name}.{self.name}"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return self._exclusive(f"{self.schema_name}.{self.name}")

    @property
    def reason(self) -> str | None:
        if self.live:
            return "running code that names the old schema breaks at once (expand/contract)"
        return None

    def inverse(self) -> tuple[Change, ...]:
        return (SetSchema(self.new_schema, self.name, self.schema_name, live=self.live),)

    def describe(self) -> str:
        return f"move table {_qname(self.schema_name, self.name)} to schema {self.new_schema}"


CommentTarget = Literal[
    "table",
    "column",
    "view",
    "materialized view",
    "type",
    "function",
    "procedure",
    "aggregate",
    "operator",
    "trigger",
    "policy",
    "index",
    "constraint",
    "sequence",
    "domain",
]


@dataclass(frozen=True)
class Comment(Change):
    """COMMENT ON ... IS ...; `text` None removes the comment."""

    kind: ClassVar[str] = "comment"
    target: CommentTarget
    schema_name: str
    name: str
    text: str | None
    #: the column, for target "column"; the table, for targets "trigger" and "constraint"
    sub: str | None = None
    #: the argument list, for target "function"
    arguments: str = ""
    #: the comment before (for the down migration of a changed comment)
    previous: str | None = None

    @property
    def key(self) -> str:
        return f"{self.target}:{self.schema_name}.{self.name}.{self.sub or ''}"

    def inverse(self) -> tuple[Change, ...]:
        return (
            Comment(
                self.target,
                self.schema_name,
                self.name,
                self.previous,
                self.sub,
                self.arguments,
                self.text,
            ),
        )


@dataclass(frozen=True)
class InsertSeed(Change):
    """INSERT ... ON CONFLICT (key) DO NOTHING|UPDATE for seed rows."""

    kind: ClassVar[str] = "insert_seed"
    seed: SeedTable
    #: column name -> canonical type, so literals can be cast where PostgreSQL needs it
    column_types: tuple[tuple[str, str], ...] = ()
    #: the rows as they were before (for upserted rows: the down writes them back)
    previous: SeedTable | None = None

    @property
    def key(self) -> str:
        return f"{self.seed.table_schema}.{self.seed.table}"

    def inverse(self) -> tuple[Change, ...]:
        if self.previous is not None:
            return (InsertSeed(self.previous, self.column_types, self.seed),)
        return (DeleteSeed(self.seed, self.column_types),)


@dataclass(frozen=True)
class DeleteSeed(Change):
    """Removes the seed rows by key (removed seed rows, and the inverse of InsertSeed)."""

    kind: ClassVar[str] = "delete_seed"
    seed: SeedTable
    column_types: tuple[tuple[str, str], ...] = ()
    #: the removed rows are inserted again by the down migration
    restore: bool = False

    @property
    def key(self) -> str:
        return f"{self.seed.table_schema}.{self.seed.table}"

    def inverse(self) -> tuple[Change, ...]:
        return (InsertSeed(self.seed, self.column_types),) if self.restore else ()


# --- drops ------------------------------------------------------------------------------------

DropTarget = Literal[
    "schema",
    "extension",
    "type",
    "function",
    "procedure",
    "aggregate",
    "operator",
    "table",
    "index",
    "view",
    "materialized view",
    "trigger",
    "policy",
    "sequence",
    "domain",
]
#: drops whose object holds data: undoing them cannot bring the data back
_HOLDS_DATA = frozenset({"table", "type", "sequence"})


@dataclass(frozen=True)
class Drop(Change):
    """DROP {object_type} [CONCURRENTLY] IF EXISTS name [ON table].

    `on` holds the table for triggers and policies, `arguments` the signature of functions.
    `restore` is what re-creates the object (the inverse); a drop that is the down of a
    creation has none. `destructive` marks the drop of something the specs removed.
    """

    kind: ClassVar[str] = "drop"
    object_type: DropTarget
    schema_name: str | None
    name: str
    on: str | None = None
    arguments: str | None = None
    concurrently: bool = False
    restore: tuple[Change, ...] = ()
    destructive: bool = False

    @property
    def key(self) -> str:
        return f"{self.object_type}:{self.schema_name}.{self.name}"

    @property
    def transactional(self) -> bool:
        return not self.concurrently

    @property
    def safety(self) -> Safety:
        return "destructive" if self.destructive else "safe"

    @property
    def locks(self) -> tuple[Lock, ...]:
        if not self.live or self.schema_name is None:
            return ()
        if self.object_type == "index":
            mode: LockMode = "SHARE UPDATE EXCLUSIVE" if self.concurrently else ACCESS_EXCLUSIVE
            return (Lock(mode, f"{self.schema_name}.{self.on or self.name}"),)
        if self.object_type in ("trigger", "policy") and self.on is not None:
            return (Lock(ACCESS_EXCLUSIVE, f"{self.schema_name}.{self.on}"),)
        return (Lock(ACCESS_EXCLUSIVE, f"{self.schema_name}.{self.name}"),)

    @property
    def reversibility(self) -> Reversibility:
        if not self.restore:
            return "irreversible" if self.destructive else "reversible"
        return "lossy" if self.object_type in _HOLDS_DATA and self.destructive else "reversible"

    @property
    def reason(self) -> str | None:
        if self.destructive and self.object_type in _HOLDS_DATA:
            return "the data is lost; the down migration re-creates the object empty"
        return None

    def inverse(self) -> tuple[Change, ...]:
        return self.restore

    def describe(self) -> str:
        return f"drop {self.object_type} {_qname(self.schema_name or 'public', self.name)}"


@dataclass(frozen=True)
class DisableRls(Change):
    kind: ClassVar[str] = "disable_rls"
    table: Table

    @property
    def key(self) -> str:
        return self.table.qualified_name


@dataclass(frozen=True)
class Irreversible(Change):
    """A comment in a down migration where an up change cannot be undone, saying why."""

    kind: ClassVar[str] = "irreversible"
    what: str
    why: str

    @property
    def key(self) -> str:
        return self.what


# --- sequences of their own -------------------------------------------------------------------


@dataclass(frozen=True)
class CreateSequence(Change):
    kind: ClassVar[str] = "create_sequence"
    sequence: Sequence

    @property
    def key(self) -> str:
        return self.sequence.qualified_name

    def inverse(self) -> tuple[Change, ...]:
        return (Drop("sequence", self.sequence.schema_name, self.sequence.name),)


@dataclass(frozen=True)
class AlterSequence(Change):
    """ALTER SEQUENCE ... with the options that changed: a catalog update under a brief SHARE
    ROW EXCLUSIVE lock on the sequence (START WITH records the start, it restarts nothing)."""

    kind: ClassVar[str] = "alter_sequence"
    sequence: Sequence
    previous: Sequence

    @property
    def key(self) -> str:
        return self.sequence.qualified_name

    @property
    def locks(self) -> tuple[Lock, ...]:
        if not self.live:
            return ()
        return (Lock("SHARE ROW EXCLUSIVE", self.sequence.qualified_name),)

    @property
    def reason(self) -> str | None:
        # measured on PostgreSQL 15: every option gives the sequence a new relfilenode
        return "PostgreSQL rewrites the sequence's one page (constant time; no table is touched)"

    def inverse(self) -> tuple[Change, ...]:
        return (AlterSequence(self.previous, self.sequence, live=self.live),)


@dataclass(frozen=True)
class SetSequenceOwner(Change):
    """ALTER SEQUENCE ... OWNED BY table.column | NONE (`sequence.owned_by`)."""

    kind: ClassVar[str] = "set_sequence_owner"
    sequence: Sequence
    #: the owner before (for the down migration)
    previous: tuple[str, str] | None = None

    @property
    def key(self) -> str:
        return self.sequence.qualified_name

    @property
    def locks(self) -> tuple[Lock, ...]:
        if not self.live:
            return ()
        return (Lock("SHARE ROW EXCLUSIVE", self.sequence.qualified_name),)

    def inverse(self) -> tuple[Change, ...]:
        before = self.sequence.model_copy(update={"owned_by": self.previous})
        return (SetSequenceOwner(before, self.sequence.owned_by, live=self.live),)

    def describe(self) -> str:
        owner = self.sequence.owned_by
        return f"sequence {self.key} owned by {'.'.join(owner) if owner else 'none'}"


# --- domains ----------------------------------------------------------------------------------


def _share_scans(tables: tuple[str, ...]) -> tuple[Lock, ...]:
    # PostgreSQL checks the values of every column using the domain under SHARE on its table
    return tuple(Lock("SHARE", table, brief=False) for table in tables)


@dataclass(frozen=True)
class CreateDomain(Change):
    kind: ClassVar[str] = "create_domain"
    domain: Domain

    @property
    def key(self) -> str:
        return self.domain.qualified_name

    def inverse(self) -> tuple[Change, ...]:
        return (Drop("domain", self.domain.schema_name, self.domain.name),)


@dataclass(frozen=True)
class AlterDomain(Change):
    """ALTER DOMAIN ... SET DEFAULT / DROP DEFAULT / SET NOT NULL / DROP NOT NULL.

    SET NOT NULL checks every column using the domain (`tables`) under SHARE on its table."""

    kind: ClassVar[str] = "alter_domain"
    domain: Domain
    action: Literal["set default", "drop default", "set not null", "drop not null"]
    #: the default before (the down migration sets it back)
    previous_default: str | None = None
    #: qualified tables with a column of the domain (for the scan's locks)
    tables: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.domain.qualified_name}:{self.action}"

    @property
    def safety(self) -> Safety:
        return "locking" if self.live and self.action == "set not null" and self.tables else "safe"

    @property
    def locks(self) -> tuple[Lock, ...]:
        if not self.live or self.action != "set not null":
            return ()
        return _share_scans(self.tables)

    @property
    def reason(self) -> str | None:
        if self.safety == "locking":
            return "every column of the domain is checked for NULLs under SHARE on its table"
        return None

    def inverse(self) -> tuple[Change, ...]:
        if self.action in ("set default", "drop default"):
            back = self.domain.model_copy(update={"default": self.previous_default})
            action: Literal["set default", "drop default"] = (
                "drop default" if self.previous_default is None else "set default"
            )
            return (AlterDomain(back, action, self.domain.default, live=self.live),)
        opposite: Literal["set not null", "drop not null"] = (
            "drop not null" if self.action == "set not null" else "set not null"
        )
        return (AlterDomain(self.domain, opposite, tables=self.tables, live=self.live),)


@dataclass(frozen=True)
class AddDomainCheck(Change):
    """ALTER DOMAIN ... ADD CONSTRAINT ... CHECK: NOT VALID on a live database (new values are
    checked at once; ValidateDomainCheck checks the stored ones in a later transaction)."""

    kind: ClassVar[str] = "add_domain_check"
    domain: Domain
    check: DomainCheck
    not_valid: bool = False
    tables: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.domain.qualified_name}.{self.check.name}"

    @property
    def safety(self) -> Safety:
        return "locking" if self.live and not self.not_valid and self.tables else "safe"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return () if not self.live or self.not_valid else _share_scans(self.tables)

    def inverse(self) -> tuple[Change, ...]:
        return (DropDomainCheck(self.domain, self.check.name, live=self.live),)


@dataclass(frozen=True)
class ValidateDomainCheck(Change):
    """ALTER DOMAIN ... VALIDATE CONSTRAINT: scans the columns of the domain under SHARE on
    their tables (writes wait for the scan; PostgreSQL has no weaker lock for it)."""

    kind: ClassVar[str] = "validate_domain_check"
    domain: Domain
    name: str
    tables: tuple[str, ...] = ()
    #: the check as it was, NOT VALID, when it existed before (undone by adding it so again)
    unvalidated: DomainCheck | None = None

    @property
    def key(self) -> str:
        return f"{self.domain.qualified_name}.{self.name}"

    @property
    def safety(self) -> Safety:
        return "locking" if self.tables else "safe"

    @property
    def locks(self) -> tuple[Lock, ...]:
        return _share_scans(self.tables)

    @property
    def reason(self) -> str | None:
        if self.tables:
            return "the stored values are checked under SHARE on each table using the domain"
        return None

    def inverse(self) -> tuple[Change, ...]:
        if self.unvalidated is None:  # the check is new: dropping it undoes both
            return ()
        return (
            DropDomainCheck(self.domain, self.name, live=self.live),
            AddDomainCheck(self.domain, self.unvalidated, not_valid=True, live=self.live),
        )


@dataclass(frozen=True)
class DropDomainCheck(Change):
    kind: ClassVar[str] = "drop_domain_check"
    domain: Domain
    name: str
    restore: tuple[Change, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.domain.qualified_name}.{self.name}"

    def inverse(self) -> tuple[Change, ...]:
        return self.restore


# --- composite types --------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateComposite(Change):
    kind: ClassVar[str] = "create_composite"
    composite: Composite

    @property
    def key(self) -> str:
        return self.composite.qualified_name

    def inverse(self) -> tuple[Change, ...]:
        return (Drop("type", self.composite.schema_name, self.composite.name),)


@dataclass(frozen=True)
class AddAttribute(Change):
    """ALTER TYPE ... ADD ATTRIBUTE: a catalog update (no column may use the type, see
    plan/diff_composites.py)."""

    kind: ClassVar[str] = "add_attribute"
    composite: Composite
    attribute: Attribute

    @property
    def key(self) -> str:
        return f"{self.composite.qualified_name}.{self.attribute.name}"

    def inverse(self) -> tuple[Change, ...]:
        return (DropAttribute(self.composite, self.attribute, live=self.live),)


@dataclass(frozen=True)
class DropAttribute(Change):
    kind: ClassVar[str] = "drop_attribute"
    composite: Composite
    attribute: Attribute
    #: an attribute the specs removed (the down adds it back empty)
    destructive: bool = False

    @property
    def key(self) -> str:
        return f"{self.composite.qualified_name}.{self.attribute.name}"

    @property
    def safety(self) -> Safety:
        return "destructive" if self.destructive else "safe"

    def inverse(self) -> tuple[Change, ...]:
        return (AddAttribute(self.composite, self.attribute, live=self.live),)


ALL_CHANGE_KINDS: tuple[type[Change], ...] = (
    CreateSchema,
    CreateExtension,
    CreateEnum,
    AddEnumValue,
    CreateFunction,
    CreateAggregate,
    CreateOperator,
    AlterOperator,
    CreateTable,
    AddColumn,
    DropColumn,
    AlterColumn,
    RegenerateColumn,
    SyncIdentity,
    AddConstraint,
    AddForeignKey,
    ValidateConstraint,
    DropConstraint,
    SetStorage,
    SetPersistence,
    SetReplicaIdentity,
    SetColumnStorage,
    SetIndexStatistics,
    CreatePartition,
    DetachPartition,
    AttachPartition,
    CreateIndex,
    AttachIndex,
    CreateView,
    DropThenCreateView,
    CreateMaterializedView,
    ScheduleRefresh,
    CreateTrigger,
    EnableRls,
    SetRls,
    CreatePolicy,
    AlterPolicy,
    Rename,
    SetSchema,
    Comment,
    InsertSeed,
    DeleteSeed,
    Drop,
    DisableRls,
    Irreversible,
    CreateSequence,
    AlterSequence,
    SetSequenceOwner,
    CreateDomain,
    AlterDomain,
    AddDomainCheck,
    ValidateDomainCheck,
    DropDomainCheck,
    CreateComposite,
    AddAttribute,
    DropAttribute,
)


# --- expressions the facts depend on ----------------------------------------------------------

#: functions PostgreSQL evaluates once per row: a default calling them fills every row anew
_VOLATILE = (
    "random(",
    "gen_random_uuid(",
    "uuid_generate_v",
    "clock_timestamp(",
    "timeofday(",
    "nextval(",
    "txid_current(",
    "setseed(",
)


def is_volatile(expression: str) -> bool:
    """True when a default calls a volatile built-in (now() and CURRENT_TIMESTAMP are stable:
    PostgreSQL 11+ evaluates them once and stores the value in the catalog)."""
    text = expression.lower().replace(" ", "")
    return any(name in text for name in _VOLATILE)


@dataclass(frozen=True)
class Unit:
    """A migration unit: changes applied together, in one transaction unless not transactional.

    `name` tells units of one build apart in file names (empty for the main unit).
    """

    changes: tuple[Change, ...]
    transactional: bool = True
    name: str = ""


@dataclass(frozen=True)
class Plan:
    """The ordered up units and, pairwise, their down units."""

    up: tuple[Unit, ...]
    down: tuple[Unit, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(ch for unit in self.up for ch in unit.changes)
