"""Tables: trait expansion, columns, keys, constraints, foreign keys and indexes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Literal

from schemac.diagnostics import suggestion
from schemac.model.construct import construct
from schemac.model.names import identifier_too_long
from schemac.model.schema import (
    Check,
    Column,
    ForeignKey,
    Index,
    Partition,
    PrimaryKey,
    Rls,
    Table,
    Unique,
)
from schemac.model.storage import COLUMN_PARAMS, TABLE_PARAMS
from schemac.resolve import expressions
from schemac.resolve.classification import classify
from schemac.resolve.columns import check_column, check_foreign_key_types
from schemac.resolve.context import (
    Context,
    Located,
    TableDraft,
    checked_expression,
    derived_name,
    literal_hint,
)
from schemac.resolve.exclusions import resolve_exclusions
from schemac.resolve.indexes import resolve_index
from schemac.resolve.partitions import resolve_partitions
from schemac.resolve.sequences import identity_options
from schemac.resolve.storage import storage_options
from schemac.resolve.traits import (
    BUILTIN_TRAITS,
    COMPOSITE_TRAITS,
    expand,
    known_traits,
    standard_order,
)
from schemac.source import Span
from schemac.spec.models import ColumnSpec, TableSpec, TraitSpec


def draft_table(
    ctx: Context,
    name: str,
    spec: TableSpec,
    where: Located,
    schema: str,
    user_traits: dict[str, TraitSpec],
) -> TableDraft:
    """Pass 1: the table's columns with traits expanded (trait columns first, in trait order),
    then, in a table with traits, the columns named in `columns.first` / `columns.last`
    (its own too) moved first / last."""
    traits: list[str] = []
    for i, trait in enumerate(spec.traits):
        if (
            trait not in BUILTIN_TRAITS
            and trait not in COMPOSITE_TRAITS
            and trait not in user_traits
        ):
            ctx.error(
                "E034",
                f"unknown trait '{trait}'",
                where.span("traits", i),
                suggestion(trait, known_traits(user_traits)) or "declare it under 'traits:'",
            )
            continue
        traits.append(trait)
    draft = TableDraft(schema, name, spec, where, expand(traits))
    for trait in draft.traits:
        source = user_traits.get(trait) or BUILTIN_TRAITS[trait]
        # a trait-supplied column points at the traits: entry that brought it in
        origin = next((t for t in traits if trait in COMPOSITE_TRAITS.get(t, (t,))), trait)
        span = where.span("traits", spec.traits.index(origin))
        for column, column_spec in source.columns.items():
            draft.columns.setdefault(column, (column_spec, span, trait))
    for column, column_spec in spec.columns.items():
        draft.columns[column] = (column_spec, where.key_span("columns", column), None)
    if draft.traits:
        # a table without traits (one import wrote, say) keeps exactly the spec's order
        order = ctx.settings.columns
        draft.columns = standard_order(draft.columns, order.first, order.last)
    pk_columns = [c for c, (s, _, _) in draft.columns.items() if s.primary_key]
    if spec.primary_key is not None:
        draft.primary_key = tuple(spec.primary_key.columns)
        own = [c for c in pk_columns if draft.columns[c][2] is None]
        if own:
            ctx.error(
                "E040",
                f"table {name}: 'primary_key: true' on {own[0]} and a table 'primary_key:' list",
                where.key_span("primary_key"),
                "declare the primary key once",
            )
    elif len(pk_columns) > 1:
        ctx.error(
            "E040",
            f"table {name}: more than one column says 'primary_key: true' "
            f"({', '.join(pk_columns)})",
            draft.columns[pk_columns[1]][1],
            f"use the table key 'primary_key: [{', '.join(pk_columns)}]' for a composite key",
        )
    else:
        draft.primary_key = tuple(pk_columns)
    return draft


def build_table(ctx: Context, draft: TableDraft, user_traits: dict[str, TraitSpec]) -> Table:
    """Pass 2: types, defaults, constraints, references and indexes, all with final names."""
    spec, where, table = draft.spec, draft.where, draft.name
    columns: list[Column] = []
    uniques: list[Unique] = []
    checks: list[Check] = []
    fks: list[ForeignKey] = []
    schema = draft.schema_name
    for name, (col, span, trait) in draft.columns.items():
        # spans are looked up, and messages formatted, only when a column has something to
        # report: this loop runs for every column of the schema, and most have nothing
        vspan = _value_spans(where, ("columns", name) if trait is None else None, span)
        if identifier_too_long(name):
            ctx.check_length(name, f"column {table}.{name}", span, derived=False)
        col_type = ctx.known_type(col.type, schema) or ctx.resolve_type(
            col.type, _span_or(vspan, "type", span), schema
        )
        default = (
            None
            if col.default is None
            else _default(ctx, col, _span_or(vspan, "default", span), table, name)
        )
        check_column(ctx, draft, name, col, col_type, default, _spans_or(vspan, span))
        columns.append(
            construct(
                Column,
                name=name,
                type=col_type or col.type,
                nullable=col.nullable,
                default=default,
                identity=None if col.identity is None else col.identity.generated,
                identity_options=None
                if col.identity is None
                else identity_options(
                    ctx,
                    f"identity of column {table}.{name}",
                    col_type,
                    col.identity,
                    _option_spans(vspan, "identity", span),
                ),
                generated=None
                if col.generated is None
                else checked_expression(ctx, col.generated, vspan("generated")),
                collation=col.collation,
                description=col.description,
                renamed_from=col.renamed_from,
                using=None
                if col.using is None
                else checked_expression(ctx, col.using, vspan("using")),
                trait=trait,
                lint_ignore=tuple(col.lint.ignore) if col.lint else (),
                classification=classify(ctx, col, spec, vspan, where),
                statistics=None if col.statistics == -1 else col.statistics,
                options=_column_options(ctx, col, f"column {table}.{name}", vspan)
                if col.options
                else (),
                span=span,
            )
        )
        if col.unique:
            uniques.append(
                construct(
                    Unique,
                    name=derived_name(ctx, f"uq_{table}_{name}", "unique constraint", span),
                    columns=(name,),
                    deferrable=False,
                    initially_deferred=False,
                    span=vspan("unique"),
                )
            )
        if col.check is not None:
            checks.append(
                construct(
                    Check,
                    name=derived_name(ctx, f"chk_{table}_{name}", "check", span),
                    expression=checked_expression(ctx, col.check, vspan("check")) or col.check,
                    column=name,
                    span=vspan("check"),
                )
            )
        if col.references is not None:
            ref = col.references
            at = vspan("references") or span
            fk = _foreign_key(
                ctx,
                draft,
                (name,),
                ref.table,
                (ref.column,) if ref.column else None,
                ref.name,
                at,
                {
                    **_fk_options(ref.on_delete, ref.on_update, ref.deferrable),
                    "valid": ref.valid,
                    "description": ref.description,
                    "renamed_from": ref.renamed_from,
                },
                at,
            )
            if fk is not None:
                fks.append(fk)
    column_names = list(draft.columns)
    known = set(column_names)
    _check_columns(ctx, draft.primary_key, known, table, where.span("primary_key"))
    pk = None
    if draft.primary_key:
        pk_span = where.span("primary_key") or next(
            (draft.columns[c][1] for c in draft.primary_key if c in draft.columns), where.span()
        )
        pk_spec = spec.primary_key
        pk = construct(
            PrimaryKey,
            name=_key_name(
                ctx,
                pk_spec.name if pk_spec else None,
                f"{table}_pkey",
                "primary key",
                where.span("primary_key", "name"),
                pk_span,
            ),
            columns=draft.primary_key,
            description=pk_spec.description if pk_spec else None,
            renamed_from=pk_spec.renamed_from if pk_spec else None,
            span=pk_span,
        )
    for i, uq_spec in enumerate(spec.unique):
        cols = uq_spec.columns
        _check_columns(ctx, tuple(cols), known, table, where.span("unique", i, "columns"))
        uniques.append(
            construct(
                Unique,
                name=_key_name(
                    ctx,
                    uq_spec.name,
                    f"uq_{table}_{'_'.join(cols)}",
                    "unique constraint",
                    where.span("unique", i, "name"),
                    where.span("unique", i),
                ),
                columns=tuple(cols),
                deferrable=uq_spec.deferrable is not False,
                initially_deferred=uq_spec.deferrable in (True, "initially_deferred"),
                description=uq_spec.description,
                renamed_from=uq_spec.renamed_from,
                span=where.span("unique", i),
            )
        )
    for check_name, check in spec.checks.items():
        span = where.span("checks", check_name, "expression")
        ctx.check_length(
            check_name, f"check {check_name}", where.key_span("checks", check_name), False
        )
        expression = check.expression
        checks.append(
            construct(
                Check,
                name=check_name,
                expression=checked_expression(ctx, expression, span) or expression,
                column=None,
                valid=check.valid,
                description=check.description,
                renamed_from=check.renamed_from,
                span=span,
            )
        )
    for i, fk_spec in enumerate(spec.foreign_keys):
        span = where.span("foreign_keys", i)
        _check_columns(
            ctx, tuple(fk_spec.columns), known, table, where.span("foreign_keys", i, "columns")
        )
        fk = _foreign_key(
            ctx,
            draft,
            tuple(fk_spec.columns),
            fk_spec.references.table,
            tuple(fk_spec.references.columns),
            fk_spec.name,
            where.span("foreign_keys", i, "references", "table") or span,
            {
                **_fk_options(fk_spec.on_delete, fk_spec.on_update, fk_spec.deferrable),
                "valid": fk_spec.valid,
                "description": fk_spec.description,
                "renamed_from": fk_spec.renamed_from,
            },
            span,
        )
        if fk is not None:
            fks.append(fk)
    indexes: list[Index] = []
    for trait in draft.traits:
        source = user_traits.get(trait) or BUILTIN_TRAITS[trait]
        trait_span = (
            draft.columns[next(iter(source.columns))][1] if source.columns else where.span("traits")
        )
        for index_spec in source.indexes:
            indexes.append(
                resolve_index(ctx, table, index_spec, column_names, lambda *k, s=trait_span: s)
            )
    own = [
        resolve_index(
            ctx, table, index_spec, column_names, lambda *k, i=i: where.span("indexes", i, *k)
        )
        for i, index_spec in enumerate(spec.indexes)
    ]
    # an index of the table's own named like a trait's replaces it (the document's partial
    # idx_users_tenant_id instead of tenant_scoped's); two of its own by one name stay E126
    replaced = {index.name for index in own}
    indexes = [index for index in indexes if index.name not in replaced] + own
    exclusions = resolve_exclusions(ctx, table, spec.excludes, where, column_names)
    partitioning, partitions = resolve_partitions(ctx, draft, known, pk, uniques)
    partitions = _partition_objects(ctx, draft, partitions, known)
    replica, replica_index = _replica_identity(ctx, draft, columns, pk, uniques, indexes)
    return construct(
        Table,
        schema_name=draft.schema_name,
        name=table,
        description=spec.description,
        columns=tuple(columns),
        primary_key=pk,
        uniques=tuple(uniques),
        checks=tuple(checks),
        exclusions=tuple(exclusions),
        foreign_keys=tuple(fks),
        indexes=tuple(indexes),
        partitioning=partitioning,
        partitions=partitions,
        rls=Rls(),
        unlogged=spec.unlogged,
        replica_identity=replica,
        replica_index=replica_index,
        storage=_table_storage(ctx, draft),
        traits=tuple(draft.traits),
        renamed_from=spec.renamed_from,
        lint_ignore=tuple(spec.lint.ignore) if spec.lint else (),
        document=where.doc.path,
        span=where.key_span(),
    )


def _replica_identity(
    ctx: Context,
    draft: TableDraft,
    columns: list[Column],
    pk: PrimaryKey | None,
    uniques: list[Unique],
    indexes: list[Index],
) -> tuple[Literal["full", "nothing", "index"] | None, str | None]:
    """REPLICA IDENTITY as the model holds it; USING INDEX is checked as ALTER TABLE checks it
    (E231 at the index's name: a unique, immediate, non-partial index of NOT NULL columns)."""
    said = draft.spec.replica_identity
    if isinstance(said, str):
        return (None if said == "default" else said), None
    name = said.index
    span = draft.where.span("replica_identity", "index") or draft.where.span("replica_identity")
    nullable = {c.name for c in columns if c.nullable}
    keys: list[PrimaryKey | Unique] = [*([pk] if pk else []), *uniques]
    key = next((k for k in keys if k.name == name), None)
    index = next((i for i in indexes if i.name == name), None)
    problem: str | None = None
    if key is not None:
        if isinstance(key, Unique) and key.deferrable:
            # PostgreSQL: cannot use non-immediate index "..." as replica identity
            problem = f'cannot use non-immediate index "{name}" as replica identity'
        elif nullable & set(key.columns):
            problem = f'index "{name}" cannot be used as replica identity because column '
            problem += f'"{sorted(nullable & set(key.columns))[0]}" is nullable'
    elif index is None:
        problem = f'index "{name}" for table "{draft.name}" does not exist'
    elif not index.unique:
        problem = f'cannot use non-unique index "{name}" as replica identity'
    elif index.where is not None:
        problem = f'cannot use partial index "{name}" as replica identity'
    elif any(part.column is None for part in index.parts):
        problem = f'cannot use expression index "{name}" as replica identity'
    elif nullable & {part.column for part in index.parts if part.column}:
        column = sorted(nullable & {part.column for part in index.parts if part.column})[0]
        problem = f'index "{name}" cannot be used as replica identity because column '
        problem += f'"{column}" is nullable'
    if problem is not None:
        known = [k.name for k in keys] + [i.name for i in indexes if i.unique]
        missing = key is None and index is None
        ctx.error(
            "E231",
            f"table {draft.name}: {problem}",
            span,
            (suggestion(name, known) if missing else None)
            or "name a unique, non-partial index of NOT NULL columns, or a key",
        )
        return None, None
    return "index", name


def _value_spans(
    where: Located, path: tuple[str | int, ...] | None, fallback: Span | None
) -> Callable[..., Span | None]:
    """Where a column's values were written; a trait's column points at the trait (path None)."""
    if path is None:
        return lambda *keys: fallback
    return lambda *keys: where.span(*path, *keys)


def _option_spans(
    spans: Callable[..., Span | None], key: str, fallback: Span | None
) -> Callable[[str], Span | None]:
    """Where each option of the mapping under `key` was written (else `key`'s value)."""
    return lambda option: spans(key, option) or spans(key) or fallback


def _spans_or(
    spans: Callable[..., Span | None], fallback: Span | None
) -> Callable[[str], Span | None]:
    return lambda key: spans(key) or fallback


def _span_or(
    spans: Callable[..., Span | None], key: str, fallback: Span | None
) -> Callable[[], Span | None]:
    return lambda: spans(key) or fallback


def _default(
    ctx: Context, col: ColumnSpec, span_of: Callable[[], Span | None], table: str, name: str
) -> str | None:
    if col.default is None:
        return None
    sql = expressions.default_sql(col.default)
    if (
        isinstance(col.default, str)
        and expressions.bare_word(sql)
        and sql.lower() not in expressions.BARE_DEFAULTS
    ):
        ctx.error(
            "E033",
            f"invalid default for {table}.{name}: '{sql}' is not an SQL expression",
            span_of(),
            literal_hint(sql),
        )
        return sql
    problem = expressions.default_error(sql)
    if problem:
        ctx.error(
            "E033",
            f"invalid default for {table}.{name}: {problem}",
            span_of(),
            "a default is an SQL expression: quote text literals (\"'value'\")",
        )
    return sql


def _partition_objects(
    ctx: Context, draft: TableDraft, partitions: tuple[Partition, ...], known: set[str]
) -> tuple[Partition, ...]:
    """The foreign keys and indexes an explicit partition declares for itself."""
    specs = draft.spec.partitions
    if not isinstance(specs, list) or not any(p.foreign_keys or p.indexes for p in specs):
        return partitions
    where, by_name = draft.where, {p.name: (i, p) for i, p in enumerate(specs)}
    out = []
    for part in partitions:
        i, spec = by_name.get(part.name, (0, None))
        if spec is None or not (spec.foreign_keys or spec.indexes):
            out.append(part)
            continue
        base = ("partitions", i)
        fks = []
        for j, fk_spec in enumerate(spec.foreign_keys):
            at = where.span(*base, "foreign_keys", j)
            cols = tuple(fk_spec.columns)
            _check_columns(ctx, cols, known, part.name, where.span(*base, "foreign_keys", j))
            fk = _foreign_key(
                ctx,
                replace(draft, name=part.name),
                cols,
                fk_spec.references.table,
                tuple(fk_spec.references.columns),
                fk_spec.name,
                where.span(*base, "foreign_keys", j, "references", "table") or at,
                {
                    **_fk_options(fk_spec.on_delete, fk_spec.on_update, fk_spec.deferrable),
                    "valid": fk_spec.valid,
                    "description": fk_spec.description,
                    "renamed_from": fk_spec.renamed_from,
                },
                at,
            )
            if fk is not None:
                fks.append(fk)
        indexes = [
            resolve_index(
                ctx,
                part.name,
                index_spec,
                list(draft.columns),
                lambda *k, j=j, base=base: where.span(*base, "indexes", j, *k),
            )
            for j, index_spec in enumerate(spec.indexes)
        ]
        out.append(part.model_copy(update={"foreign_keys": tuple(fks), "indexes": tuple(indexes)}))
    return tuple(out)


def _column_options(
    ctx: Context, col: ColumnSpec, what: str, vspan: Callable[..., Span | None]
) -> tuple[tuple[str, str], ...]:
    def at(key: str) -> Span | None:
        return vspan("options", key)

    return storage_options(ctx, col.options, COLUMN_PARAMS, what, at, at)


def _table_storage(ctx: Context, draft: TableDraft) -> tuple[tuple[str, str], ...]:
    spec, where = draft.spec, draft.where
    if spec.partition_by is not None and (spec.unlogged or spec.with_):
        key = "unlogged" if spec.unlogged else "with"
        ctx.error(
            "E182",
            f"table {draft.name}: a partitioned table takes no '{key}:' (PostgreSQL keeps no rows "
            "in it)",
            where.key_span(key),
            "leave it out: the partitions hold the rows",
        )
        return ()
    if not spec.with_:
        return ()
    return storage_options(
        ctx,
        spec.with_,
        TABLE_PARAMS,
        f"table {draft.name}",
        lambda key: where.key_span("with", key),
        lambda key: where.span("with", key),
    )


def _key_name(
    ctx: Context,
    name: str | None,
    derived: str,
    what: str,
    name_span: Span | None,
    span: Span | None,
) -> str:
    """A key's explicit `name:`, else its derived name (both reported when too long)."""
    if name is None:
        return derived_name(ctx, derived, what, span)
    ctx.check_length(name, f"{what} {name}", name_span or span, derived=False)
    return name


def _check_columns(
    ctx: Context, cols: tuple[str, ...], known: set[str], table: str, span: Span | None
) -> None:
    for col in cols:
        if col not in known:
            ctx.error(
                "E035",
                f"table {table} has no column '{col}'",
                span,
                suggestion(col, known) or f"columns: {', '.join(sorted(known))}",
            )


def _fk_options(
    on_delete: str | None, on_update: str | None, deferrable: object
) -> dict[str, object]:
    """The ForeignKey fields the spec's options give, in the model's field order."""
    return {
        "on_delete": on_delete or "no action",
        "on_update": on_update or "no action",
        "deferrable": deferrable is not False,
        "initially_deferred": deferrable in (True, "initially_deferred"),
    }


def _foreign_key(
    ctx: Context,
    draft: TableDraft,
    cols: tuple[str, ...],
    target: str,
    ref_cols: tuple[str, ...] | None,
    name: str | None,
    span: Span | None,
    options: dict[str, object],
    fk_span: Span | None,
) -> ForeignKey | None:
    """The foreign key, or None after reporting why it cannot be made; problems are reported at
    `span`, the key itself is marked at `fk_span`."""
    ref = ctx.find_table(target, draft.schema_name)
    if ref is None:
        ctx.error(
            "SC309",
            f"table {draft.name}: foreign key references unknown table '{target}'",
            span,
            suggestion(target, ctx.table_names()) or "declare the table or fix the name",
        )
        return None
    if ref_cols is None:
        ref_cols = ref.primary_key if len(ref.primary_key) == len(cols) else ("id",)
    for ref_col in ref_cols:
        if ref_col not in ref.columns:
            ctx.error(
                "SC309",
                f"table {draft.name}: foreign key references unknown column {ref.name}.{ref_col}",
                span,
                suggestion(ref_col, ref.columns)
                or f"columns of {ref.name}: {', '.join(ref.columns)}",
            )
            return None
    if len(ref_cols) != len(cols):
        ctx.error(
            "E037",
            f"table {draft.name}: foreign key has {len(cols)} column(s) but references "
            f"{len(ref_cols)}",
            span,
        )
        return None
    check_foreign_key_types(ctx, draft, cols, ref, ref_cols, span)
    fk_name = name or derived_name(ctx, f"fk_{draft.name}_{'_'.join(cols)}", "foreign key", span)
    return construct(
        ForeignKey,
        name=fk_name,
        columns=cols,
        ref_schema=ref.schema_name,
        ref_table=ref.name,
        ref_columns=ref_cols,
        **options,
        span=fk_span,
    )
