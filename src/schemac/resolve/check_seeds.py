"""Seed rows PostgreSQL refuses (or silently drops) when the INSERT runs.

A seed is one `INSERT ... VALUES (...), (...) ON CONFLICT [(key)] DO NOTHING|UPDATE` per table;
a column a row leaves out takes its DEFAULT. Values are judged by resolve/values.py, which claims
only what is certain. Seeds are small next to the schema, so rows are walked one by one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from schemac.load.loader import RawDoc
from schemac.model.schema import Column, Table, Trigger
from schemac.resolve import expressions, value_order, values
from schemac.resolve.check_tables import SERIAL_TYPES
from schemac.resolve.context import Context, Located
from schemac.source import Span
from schemac.spec.models import DocumentSpec, SeedSpec


@dataclass
class _Seed:
    """One seed block with the table it fills and the comparison keys of its rows."""

    name: str
    spec: SeedSpec
    where: Located
    table: Table
    columns: dict[str, Column]
    types: dict[str, values.ValueType]
    #: per row: column -> key, for the cells that hold a valid non-NULL value
    keys: list[dict[str, value_order.Key]] = field(default_factory=list)

    def cell(self, row: int, column: str) -> Span | None:
        return self.where.span("rows", row, column)

    def row(self, row: int) -> Span | None:
        return self.where.span("rows", row)


def check_seeds(
    ctx: Context,
    documents: list[tuple[RawDoc, DocumentSpec]],
    tables: dict[str, Table],
    triggers: list[Trigger],
    trait_functions: frozenset[str],
    audit_function: str,
    refused_types: frozenset[str] = frozenset(),
) -> None:
    """`refused_types`: column types already reported (E100), whose values are not judged."""
    seeds: list[_Seed] = []
    for raw, spec in documents:
        for name, block in spec.seed.items():
            draft = ctx.find_table(name, spec.schema_ or "public")
            if draft is None or draft.qualified_name not in tables:
                continue  # SC309
            table = tables[draft.qualified_name]
            columns = {c.name: c for c in table.columns}
            if any(k not in columns for k in (*(block.key or ()), *(block.update or ()))):
                continue  # E035
            types = {
                c.name: values.ValueType(c.type, "")
                if c.type in refused_types
                else values.value_type(c.type, ctx.enum_values)
                for c in table.columns
            }
            seeds.append(
                _Seed(name, block, Located(raw, spec, ("seed", name)), table, columns, types)
            )
    filled_by_triggers = {
        f"{t.table_schema}.{t.table}"
        for t in triggers
        if t.timing == "before" and "insert" in t.events and t.for_each == "row"
    }
    for seed in seeds:
        _check_rows(ctx, seed, seed.table.qualified_name in filled_by_triggers)
        _check_arbiter(ctx, seed)
        _check_update(ctx, seed)
        _check_duplicates(ctx, seed)
    # a fresh database gets rows from the seed INSERTs and from the triggers they fire: the
    # audited trait's (into audit_logs) and the user's, which may write anywhere
    seeded = {s.table.qualified_name for s in seeds}
    audited = any(
        t.function == audit_function and f"{t.table_schema}.{t.table}" in seeded for t in triggers
    )
    if audited:
        seeded |= {q for q in tables if q.split(".", 1)[1] == "audit_logs"}
    fired = [t for t in triggers if f"{t.table_schema}.{t.table}" in seeded]
    if all(t.function in trait_functions for t in fired):
        _check_references(ctx, seeds, audited)


def _check_rows(ctx: Context, seed: _Seed, trigger_fills: bool) -> None:
    table = seed.table.name
    required = [
        c.name
        for c in seed.table.columns
        if not c.nullable
        and c.default is None
        and c.identity is None
        and c.generated is None
        and c.type not in SERIAL_TYPES
    ]
    for i, row in enumerate(seed.spec.rows):
        keys: dict[str, value_order.Key] = {}
        seed.keys.append(keys)
        for column, value in row.items():
            col = seed.columns.get(column)
            if col is None:
                continue  # E035
            if col.generated is not None or col.identity == "always":
                # cannot insert a non-DEFAULT value into column "g" (a generated column, or
                # an identity column defined as GENERATED ALWAYS)
                what = "a generated" if col.generated is not None else "an identity (always)"
                ctx.error(
                    "E085",
                    f"seed {table}: row {i + 1} sets {column}, {what} column PostgreSQL fills "
                    "itself",
                    seed.cell(i, column),
                    f"leave {column} out of the row"
                    + (", or make it identity: by_default" if col.generated is None else ""),
                )
                continue
            if value is None:
                if not col.nullable and not trigger_fills:
                    # null value in column "n" of relation "t" violates not-null constraint
                    ctx.error(
                        "E081",
                        f"seed {table}: row {i + 1} sets {column} to NULL, but it is NOT NULL",
                        seed.cell(i, column),
                        "give it a value, or declare the column nullable: true",
                    )
                continue
            problem = values.problem(seed.types[column], value)
            if problem is not None:
                ctx.error(
                    "E080",
                    f"seed {table}.{column}: row {i + 1}: {problem}",
                    seed.cell(i, column),
                    f"write a value of type {col.type}",
                )
                continue
            keys[column] = value_order.key(seed.types[column], value)
        missing = [c for c in required if c not in row]
        if missing and not trigger_fills:
            # the row's DEFAULT is NULL: null value in column "x" violates not-null constraint
            ctx.error(
                "E081",
                f"seed {table}: row {i + 1} leaves out {', '.join(missing)}, NOT NULL without "
                "a default",
                seed.row(i),
                f"set {', '.join(missing)} in the row, or give the column a default",
            )


def _unique_sets(table: Table) -> list[tuple[str, tuple[str, ...]]]:
    """The column sets PostgreSQL keeps unique (partial and expression indexes aside)."""
    sets: list[tuple[str, tuple[str, ...]]] = []
    if table.primary_key is not None:
        sets.append(("primary key", table.primary_key.columns))
    sets += [(f"unique constraint {u.name}", u.columns) for u in table.uniques]
    for index in table.indexes:
        if index.unique and index.where is None and all(p.column for p in index.parts):
            sets.append((f"unique index {index.name}", tuple(p.column or "" for p in index.parts)))
    return sets


def _check_arbiter(ctx: Context, seed: _Seed) -> None:
    """ON CONFLICT (key) needs a unique index over exactly those columns: there is no unique
    or exclusion constraint matching the ON CONFLICT specification. Without a key, any
    unique constraint is the arbiter of DO NOTHING."""
    if seed.spec.key is None:
        return
    wanted = set(seed.spec.key)
    if any(set(cols) == wanted for _, cols in _unique_sets(seed.table)):
        return
    ctx.error(
        "E084",
        f"seed {seed.table.name}: key [{', '.join(seed.spec.key)}] is not the primary key or a "
        "unique constraint, so ON CONFLICT cannot use it",
        seed.where.span("key"),
        _key_hint(seed.table),
    )


def _key_hint(table: Table, verb: str = "use") -> str:
    sets = [cols for _, cols in _unique_sets(table)]
    if not sets:
        return f"declare a primary key or a unique constraint on {table.name}"
    return f"{verb} " + " or ".join(f"key: [{', '.join(cols)}]" for cols in sets)


def _check_duplicates(ctx: Context, seed: _Seed) -> None:
    """Two rows with the same key: the second is silently skipped by DO NOTHING (or fails: ON
    CONFLICT DO UPDATE command cannot affect row a second time; duplicate key value violates
    unique constraint, for a unique set that is not the key)."""
    reported: set[int] = set()
    for what, cols in _unique_sets(seed.table):
        first: dict[tuple[value_order.Key, ...], int] = {}
        for i, keys in enumerate(seed.keys):
            if i in reported or any(c not in keys for c in cols):
                continue  # NULLs are distinct; a DEFAULT is not known here
            k = tuple(keys[c] for c in cols)
            if k not in first:
                first[k] = i
                continue
            reported.add(i)
            shown = ", ".join(f"{c} = {seed.spec.rows[i][c]!r}" for c in cols)
            arbiter = seed.spec.key is None or set(cols) == set(seed.spec.key)
            effect = (
                "ON CONFLICT DO NOTHING would silently drop it"
                if arbiter and seed.spec.conflict_action() == "nothing"
                else "the INSERT would fail"
            )
            ctx.error(
                "E082",
                f"seed {seed.table.name}: row {i + 1} repeats the {what} of row {first[k] + 1} "
                f"({shown}); {effect}",
                seed.cell(i, cols[0]),
                "remove one of the rows, or change its key",
            )
    if seed.spec.key is None:
        _check_same_rows(ctx, seed, reported)


def _check_same_rows(ctx: Context, seed: _Seed, reported: set[int]) -> None:
    """Without a key a row is told apart by the values it sets (the planner deletes a removed
    row by them): two rows setting the same values are one row written twice."""
    first: dict[frozenset[tuple[str, Hashable]], int] = {}
    for i, row in enumerate(seed.spec.rows):
        keys = seed.keys[i]
        cells = frozenset(
            (c, keys[c] if c in keys else expressions.literal(v)) for c, v in row.items()
        )
        if i in reported or cells not in first:
            first.setdefault(cells, i)
            continue
        ctx.error(
            "E082",
            f"seed {seed.table.name}: row {i + 1} sets the same values as row {first[cells] + 1}; "
            "a seed without a key tells its rows apart by their values",
            seed.row(i),
            "remove one of the rows",
        )


def _check_update(ctx: Context, seed: _Seed) -> None:
    """What DO UPDATE cannot do, or would do other than the spec says.

    ON CONFLICT DO UPDATE requires inference specification or constraint name (no key);
    `update: [...]` beside `on_conflict: nothing` (or `update: []` beside `on_conflict:
    update`) says two things; a key column never changes (its row is found by it); a column
    no row sets would be reset to its default (EXCLUDED holds the DEFAULT); multiple
    assignments to same column."""
    spec, table = seed.spec, seed.table.name
    explicit = "on_conflict" in spec.model_fields_set
    if spec.update is not None and explicit and spec.on_conflict != spec.conflict_action():
        said = f"update: [{', '.join(spec.update)}]"
        ctx.error(
            "E086",
            f"seed {table}: on_conflict: {spec.on_conflict} contradicts {said}",
            seed.where.span("on_conflict"),
            "leave on_conflict out: update: [columns] upserts them, update: [] keeps existing "
            "rows as they are",
        )
        return
    if spec.conflict_action() == "update" and spec.key is None:
        ctx.error(
            "E086",
            f"seed {table}: updating existing rows needs a key (ON CONFLICT DO UPDATE names the "
            "unique constraint that finds the row)",
            seed.where.span("update" if spec.update else "on_conflict"),
            _key_hint(seed.table, "add"),
        )
        return
    key = set(spec.key or ())
    written = {column for row in spec.rows for column in row}
    seen: set[str] = set()
    for i, column in enumerate(spec.update or ()):
        problem, fix = None, f"leave {column} out of update"
        if column in seen:
            problem = f"names {column} twice"
        elif column in key:
            problem = f"names key column {column}, which finds the row and never changes"
        elif column not in written:
            problem = f"names {column}, which no row sets: the upsert would reset it to its default"
            fix = f"set {column} in the rows, or leave it out of update"
        seen.add(column)
        if problem is not None:
            ctx.error("E087", f"seed {table}: update {problem}", seed.where.span("update", i), fix)


def _check_references(ctx: Context, seeds: list[_Seed], audited: bool) -> None:
    """A seed row referencing a key no seed row of the referenced table holds.

    Certain on a fresh database, where every spec must build (verify and the convergence test
    build one): a table's rows there are exactly its seed rows. It is judged only when the
    referenced table is seeded, every one of its seed rows writes the referenced columns out
    (a DEFAULT is not known here), the values compare exactly, and no user trigger (or the
    audited trait, for audit_logs) may insert rows on the side (column defaults are taken to
    write nothing). A NULL in the referencing
    columns is never checked (MATCH SIMPLE).
    insert or update on table "c" violates foreign key constraint "fk_c_p_id"
    """
    by_table: dict[str, list[_Seed]] = {}
    for seed in seeds:
        by_table.setdefault(seed.table.qualified_name, []).append(seed)
    held: dict[tuple[str, tuple[str, ...]], set[tuple[Any, ...]] | None] = {}
    for seed in seeds:
        for fk in seed.table.foreign_keys:
            target = f"{fk.ref_schema}.{fk.ref_table}"
            if target not in by_table or (audited and fk.ref_table == "audit_logs"):
                continue
            parents = by_table[target]
            if not _comparable(seed, fk.columns, parents[0], fk.ref_columns):
                continue
            if (target, fk.ref_columns) not in held:
                held[(target, fk.ref_columns)] = _held_keys(parents, fk.ref_columns)
            known = held[(target, fk.ref_columns)]
            if known is None:
                continue
            for i, keys in enumerate(seed.keys):
                if any(c not in keys or not keys[c].exact for c in fk.columns):
                    continue
                k = tuple(keys[c].value for c in fk.columns)
                if k in known:
                    continue
                shown = ", ".join(f"{c} = {seed.spec.rows[i][c]!r}" for c in fk.columns)
                ctx.error(
                    "E083",
                    f"seed {seed.table.name}: row {i + 1} ({shown}) references "
                    f"{fk.ref_table}({', '.join(fk.ref_columns)}), which no seed row of "
                    f"{fk.ref_table} holds (foreign key {fk.name})",
                    seed.cell(i, fk.columns[0]),
                    f"add the row to the seed of {fk.ref_table}, or fix the value",
                )


def _comparable(
    child: _Seed, columns: Iterable[str], parent: _Seed, ref_columns: Iterable[str]
) -> bool:
    """Both sides compare exactly: the same kind of value, no collation of the user's (a
    nondeterministic one makes 'A' equal 'a')."""
    for c, r in zip(columns, ref_columns, strict=True):
        mine, theirs = child.columns.get(c), parent.columns.get(r)
        if mine is None or theirs is None or mine.collation or theirs.collation:
            return False
        a, b = child.types[c].kind, parent.types[r].kind
        if a != b and not (a in ("int2", "int4", "int8") and b in ("int2", "int4", "int8")):
            return False
    return True


def _held_keys(parents: list[_Seed], ref_columns: tuple[str, ...]) -> set[tuple[Any, ...]] | None:
    """The referenced keys the seed rows hold, or None when some row's key is not certain."""
    held: set[tuple[Any, ...]] = set()
    for parent in parents:
        for keys in parent.keys:
            if any(c not in keys or not keys[c].exact for c in ref_columns):
                return None
            held.add(tuple(keys[c].value for c in ref_columns))
    return held
