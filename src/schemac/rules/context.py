"""LintContext: per-schema indexes computed once and shared by every rule.

Rules must stay linear in the size of the schema (a 1,000-table spec lints in well under a
second), so lookups that several rules need (tables by name, incoming foreign keys, triggers by
table, parsed types) are built here once instead of being searched for inside loops.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property, lru_cache
from typing import NamedTuple

from schemac.config import Settings
from schemac.model.schema import Column, ForeignKey, Function, Schema, Table, Trigger
from schemac.model.types import TypeRef, TypeSyntaxError, parse_type

#: base types that hold text (a natural key of a lookup table, a plaintext value)
TEXT_TYPES = frozenset({"text", "varchar", "char", "citext"})


@lru_cache(maxsize=4096)
def type_ref(canonical: str) -> TypeRef | None:
    """The parsed form of a canonical column type (None for spellings it cannot read)."""
    try:
        return parse_type(canonical)
    except TypeSyntaxError:
        return None


def base_type(column: Column) -> str | None:
    """The canonical base name of a scalar column type, None for arrays and unreadable types."""
    ref = type_ref(column.type)
    if ref is None or ref.array_dims:
        return None
    return ref.base if ref.schema is None else None


class ColumnInfo(NamedTuple):
    """A column with its table and parsed type: what per-column rules iterate over.

    A NamedTuple because one is built per column of the schema, and tuples are the cheapest
    objects to build in bulk.
    """

    table: Table
    column: Column
    #: the parsed type (None when unreadable)
    type: TypeRef | None

    @property
    def base(self) -> str | None:
        """The canonical base of a builtin scalar type; None for arrays, enums, schema types."""
        ref = self.type
        if ref is None or ref.array_dims or ref.schema is not None:
            return None
        return ref.base


class LintContext:
    """The schema and settings under lint, plus lazily built lookups over them."""

    def __init__(self, schema: Schema, settings: Settings) -> None:
        self.schema = schema
        self.settings = settings
        self.tables: tuple[Table, ...] = schema.tables

    @cached_property
    def _columns_by_base(self) -> dict[str, list[ColumnInfo]]:
        found: dict[str, list[ColumnInfo]] = defaultdict(list)
        # one pass over every column of the schema: each spelling is parsed once and leads
        # straight to its list (None: an unreadable or schema-qualified type)
        targets: dict[str, tuple[TypeRef, list[ColumnInfo]] | None] = {}
        make = tuple.__new__  # ColumnInfo(...) without the generated __new__ of a NamedTuple
        for table in self.tables:
            for column in table.columns:
                spelled = column.type
                try:
                    target = targets[spelled]
                except KeyError:
                    ref = type_ref(spelled)
                    target = targets[spelled] = (
                        (ref, found[ref.base]) if ref is not None and ref.schema is None else None
                    )
                if target is not None:
                    target[1].append(make(ColumnInfo, (table, column, target[0])))
        return found

    def columns_of_type(self, *bases: str) -> Iterable[ColumnInfo]:
        """Columns whose builtin base type (scalar or array) is one of `bases`, grouped by type.

        Type rules look only at the few columns of the types they judge instead of scanning
        every column of the schema.
        """
        if len(bases) == 1:
            return self._columns_by_base.get(bases[0], [])
        return [info for base in bases for info in self._columns_by_base.get(base, [])]

    # per-table caches are keyed by id(): the tables live as long as the context, and
    # Table.qualified_name formats a new string on every call

    @cached_property
    def _column_maps(self) -> dict[int, dict[str, Column]]:
        return {id(t): {c.name: c for c in t.columns} for t in self.tables}

    def column(self, table: Table, name: str) -> Column | None:
        """A column of a table by name (a dict lookup, unlike Table.column)."""
        return self._column_maps[id(table)].get(name)

    def column_names(self, table: Table) -> dict[str, Column]:
        return self._column_maps[id(table)]

    @cached_property
    def _tables_by_name(self) -> dict[str, Table]:
        found: dict[str, Table] = {}
        # plain names first so that a qualified name always wins over a same-named table elsewhere
        for table in self.tables:
            found.setdefault(table.name, table)
        for table in self.tables:
            found[table.qualified_name] = table
        return found

    def table(self, name: str) -> Table | None:
        """A table by qualified or plain name."""
        return self._tables_by_name.get(name)

    def referenced(self, fk: ForeignKey) -> Table | None:
        return self._tables_by_name.get(f"{fk.ref_schema}.{fk.ref_table}")

    @cached_property
    def table_names(self) -> frozenset[str]:
        return frozenset(t.name for t in self.tables)

    @cached_property
    def _triggers(self) -> dict[str, list[Trigger]]:
        found: dict[str, list[Trigger]] = defaultdict(list)
        for trigger in self.schema.triggers:
            found[f"{trigger.table_schema}.{trigger.table}"].append(trigger)
        return found

    def triggers_on(self, table: Table) -> list[Trigger]:
        return self._triggers.get(table.qualified_name, [])

    @cached_property
    def _functions(self) -> dict[str, Function]:
        return {f.qualified_name: f for f in self.schema.functions}

    def function(self, schema_name: str, name: str) -> Function | None:
        return self._functions.get(f"{schema_name}.{name}")

    @cached_property
    def enum_names(self) -> frozenset[str]:
        names = {e.name for e in self.schema.enums} | {e.qualified_name for e in self.schema.enums}
        return frozenset(names)

    @cached_property
    def tenant_table(self) -> Table | None:
        return self.table(self.settings.tenancy.tenant_table)

    @cached_property
    def housekeeping_columns(self) -> frozenset[str]:
        """Columns every table may carry without changing what kind of table it is."""
        return frozenset(self.settings.conventions.required_columns) | {"tenant_id"}

    @cached_property
    def _fk_columns(self) -> dict[int, frozenset[str]]:
        return {
            id(t): frozenset(c for fk in t.foreign_keys for c in fk.columns) for t in self.tables
        }

    def fk_columns(self, table: Table) -> frozenset[str]:
        """The columns of the table that belong to some foreign key."""
        return self._fk_columns[id(table)]

    def is_junction(self, table: Table) -> bool:
        """A primary key of exactly two columns, each one a foreign-key column."""
        pk = table.primary_key
        if pk is None or len(pk.columns) != 2:
            return False
        return set(pk.columns) <= self.fk_columns(table)

    def is_lookup(self, table: Table) -> bool:
        """A code table: its primary key is one text column (`code`, `iso_code`...).

        A natural text key is what sets a lookup table (currencies, countries, plan tiers) apart
        from an entity table: such rows are reference data, seeded and rarely changed.
        """
        pk = table.primary_key
        if pk is None or len(pk.columns) != 1:
            return False
        column = self.column(table, pk.columns[0])
        return column is not None and base_type(column) in TEXT_TYPES

    def is_tenant_scoped(self, table: Table) -> bool:
        """The `tenant_scoped` trait, or an explicit `tenant_id` FK to the tenant table."""
        return table.qualified_name in self._tenant_scoped

    @cached_property
    def _tenant_scoped(self) -> frozenset[str]:
        tenant = self.tenant_table
        scoped = set()
        for table in self.tables:
            if "tenant_scoped" in table.traits:
                scoped.add(table.qualified_name)
                continue
            if tenant is None:
                continue
            for fk in table.foreign_keys:
                target = f"{fk.ref_schema}.{fk.ref_table}"
                if fk.columns == ("tenant_id",) and target == tenant.qualified_name:
                    scoped.add(table.qualified_name)
        return frozenset(scoped)

    @cached_property
    def tables_by_singular(self) -> dict[str, Table]:
        """Each table by the singular of its name (`user_profiles` -> `user_profile`).

        Imports the inflection module (and inflect) only when a rule asks for it.
        """
        from schemac.rules.inflection import singular_name

        found: dict[str, Table] = {}
        for table in self.tables:
            found.setdefault(singular_name(table.name), table)
        return found
