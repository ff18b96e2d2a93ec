"""Tables: trait expansion, columns, keys, constraints, foreign keys and indexes."""

from __future__ import annotations

import re
from collections.abc import Callable

from schemac.model.schema import (
    Check,
    Column,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Rls,
    Table,
    Unique,
)
from schemac.resolve import expressions
from schemac.resolve.context import Context, Located, TableDraft, literal_hint
from schemac.resolve.partitions import resolve_partitions
from schemac.resolve.traits import BUILTIN_TRAITS, COMPOSITE_TRAITS, expand, known_traits
from schemac.source import Span
from schemac.diagnostics import suggestion
from schemac.spec.models import ColumnSpec, IndexSpec, TableSpec, TraitSpec

_PLAIN_COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ORDER = re.compile(r"\s+(asc|desc)(?:\s+nulls\s+(first|last))?\s*$|\s+nulls\s+(first|last)\s*$", re.I)


def draft_table(
    ctx: Context, name: str, spec: TableSpec, where: Located, schema: str,
    user_traits: dict[str, TraitSpec],
) -> TableDraft:
    """Pass 1: the table's columns with traits expanded (trait columns first, in trait order)."""
    traits: list[str] = []
    for i, trait in enumerate(spec.traits):
        if trait not in BUILTIN_TRAITS and trait not in COMPOSITE_TRAITS and trait not in user_traits:
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
    pk_columns = [c for c, (s, _, _) in draft.columns.items() if s.primary_key]
    if spec.primary_key is not None:
        draft.primary_key = tuple(spec.primary_key)
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
            f"table {name}: more than one column says 'primary_key: true' ({', '.join(pk_columns)})",
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
    for name, (col, span, trait) in draft.columns.items():
        col_path: tuple[str | int, ...] = ("columns", name)
        vspan = (lambda *k: where.span(*col_path, *k)) if trait is None else (lambda *k: span)
        ctx.check_length(name, f"column {table}.{name}", span, derived=False)
        col_type = ctx.resolve_type(col.type, lambda: vspan("type") or span, draft.schema_name)
        default = _default(ctx, col, lambda: vspan("default") or span, table, name)
        columns.append(
            Column.model_construct(
                name=name, type=col_type or col.type, nullable=col.nullable, default=default,
                identity=col.identity, generated=_expr(ctx, col.generated, vspan("generated")),
                collation=col.collation, description=col.description,
                renamed_from=col.renamed_from, trait=trait,
                lint_ignore=tuple(col.lint.ignore) if col.lint else (), span=span,
            )
        )
        if col.unique:
            uniques.append(Unique.model_construct(
                name=_derived(ctx, f"uq_{table}_{name}", "unique constraint", span),
                columns=(name,), deferrable=False, initially_deferred=False, span=vspan("unique")))
        if col.check is not None:
            checks.append(Check.model_construct(
                name=_derived(ctx, f"chk_{table}_{name}", "check", span),
                expression=_expr(ctx, col.check, vspan("check")) or col.check, column=name,
                span=vspan("check")))
        if col.references is not None:
            ref = col.references
            fk = _foreign_key(ctx, draft, (name,), ref.table, (ref.column,) if ref.column else None,
                              ref.name, vspan("references") or span)
            if fk is not None:
                fks.append(fk.model_copy(update=_fk_options(ref.on_delete, ref.on_update, ref.deferrable)))
    column_names = list(draft.columns)
    known = set(column_names)
    _check_columns(ctx, draft.primary_key, known, table, where.span("primary_key"))
    pk = None
    if draft.primary_key:
        pk_span = where.span("primary_key") or next(
            (draft.columns[c][1] for c in draft.primary_key if c in draft.columns), where.span())
        pk = PrimaryKey.model_construct(
            name=_derived(ctx, f"{table}_pkey", "primary key", pk_span),
            columns=draft.primary_key, span=pk_span)
    for i, cols in enumerate(spec.unique):
        _check_columns(ctx, tuple(cols), known, table, where.span("unique", i))
        uniques.append(Unique.model_construct(
            name=_derived(ctx, f"uq_{table}_{'_'.join(cols)}", "unique constraint", where.span("unique", i)),
            columns=tuple(cols), deferrable=False, initially_deferred=False, span=where.span("unique", i)))
    for check_name, expression in spec.checks.items():
        span = where.span("checks", check_name)
        ctx.check_length(check_name, f"check {check_name}", where.key_span("checks", check_name), False)
        checks.append(Check.model_construct(
            name=check_name, expression=_expr(ctx, expression, span) or expression, column=None, span=span))
    for i, fk_spec in enumerate(spec.foreign_keys):
        span = where.span("foreign_keys", i)
        _check_columns(ctx, tuple(fk_spec.columns), known, table, where.span("foreign_keys", i, "columns"))
        fk = _foreign_key(ctx, draft, tuple(fk_spec.columns), fk_spec.references.table,
                          tuple(fk_spec.references.columns), fk_spec.name,
                          where.span("foreign_keys", i, "references", "table") or span)
        if fk is not None:
            fks.append(fk.model_copy(update={
                **_fk_options(fk_spec.on_delete, fk_spec.on_update, fk_spec.deferrable), "span": span}))
    indexes: list[Index] = []
    for trait in draft.traits:
        source = user_traits.get(trait) or BUILTIN_TRAITS[trait]
        trait_span = draft.columns[next(iter(source.columns))][1] if source.columns else where.span("traits")
        for index_spec in source.indexes:
            indexes.append(resolve_index(ctx, table, index_spec, column_names, lambda *k: trait_span))
    for i, index_spec in enumerate(spec.indexes):
        indexes.append(resolve_index(ctx, table, index_spec, column_names,
                                     lambda *k, i=i: where.span("indexes", i, *k)))
    partitioning, partitions = resolve_partitions(ctx, draft, known, pk, uniques)
    return Table.model_construct(
        schema_name=draft.schema_name, name=table, description=spec.description,
        columns=tuple(columns), primary_key=pk, uniques=tuple(uniques), checks=tuple(checks),
        foreign_keys=tuple(fks), indexes=tuple(indexes), partitioning=partitioning,
        partitions=partitions, rls=Rls(), traits=tuple(draft.traits),
        renamed_from=spec.renamed_from, lint_ignore=tuple(spec.lint.ignore) if spec.lint else (),
        document=where.doc.path, span=where.key_span(),
    )


def _derived(ctx: Context, name: str, what: str, span: Span | None) -> str:
    ctx.check_length(name, what, span, derived=True)
    return name


def _default(
    ctx: Context, col: ColumnSpec, span_of: Callable[[], Span | None], table: str, name: str
) -> str | None:
    if col.default is None:
        return None
    sql = expressions.default_sql(col.default)
    if isinstance(col.default, str) and expressions.bare_word(sql) and sql.lower() not in (
        "true", "false", "null", "now", "current_timestamp", "current_date", "current_user",
        "localtimestamp", "current_time", "localtime", "session_user"):
        ctx.error("E033", f"invalid default for {table}.{name}: '{sql}' is not an SQL expression",
                  span_of(), literal_hint(sql))
        return sql
    problem = expressions.default_error(sql)
    if problem:
        ctx.error("E033", f"invalid default for {table}.{name}: {problem}", span_of(),
                  "a default is an SQL expression: quote text literals (\"'value'\")")
    return sql


def _expr(ctx: Context, expression: str | None, span: Span | None) -> str | None:
    if expression is None:
        return None
    text = expression.strip()
    problem = expressions.syntax_error(text)
    if problem:
        ctx.error("E036", f"invalid SQL expression '{text}': {problem}", span)
    return text


def _check_columns(ctx: Context, cols: tuple[str, ...], known: set[str], table: str,
                   span: Span | None) -> None:
    for col in cols:
        if col not in known:
            ctx.error("E035", f"table {table} has no column '{col}'", span,
                      suggestion(col, known) or f"columns: {', '.join(sorted(known))}")


def _fk_options(on_delete: str | None, on_update: str | None, deferrable: object) -> dict[str, object]:
    return {
        "on_delete": on_delete or "no action",
        "on_update": on_update or "no action",
        "deferrable": deferrable is not False,
        "initially_deferred": deferrable in (True, "initially_deferred"),
    }


def _foreign_key(ctx: Context, draft: TableDraft, cols: tuple[str, ...], target: str,
                 ref_cols: tuple[str, ...] | None, name: str | None, span: Span | None) -> ForeignKey | None:
    ref = ctx.find_table(target, draft.schema_name)
    if ref is None:
        ctx.error("SC309", f"table {draft.name}: foreign key references unknown table '{target}'", span,
                  suggestion(target, ctx.table_names()) or "declare the table or fix the name")
        return None
    if ref_cols is None:
        ref_cols = ref.primary_key if len(ref.primary_key) == len(cols) else ("id",)
    for ref_col in ref_cols:
        if ref_col not in ref.columns:
            ctx.error("SC309", f"table {draft.name}: foreign key references unknown column "
                      f"{ref.name}.{ref_col}", span,
                      suggestion(ref_col, ref.columns) or f"columns of {ref.name}: {', '.join(ref.columns)}")
            return None
    if len(ref_cols) != len(cols):
        ctx.error("E037", f"table {draft.name}: foreign key has {len(cols)} column(s) but references "
                  f"{len(ref_cols)}", span)
        return None
    fk_name = name or _derived(ctx, f"fk_{draft.name}_{'_'.join(cols)}", "foreign key", span)
    return ForeignKey.model_construct(
        name=fk_name, columns=cols, ref_schema=ref.schema_name, ref_table=ref.name,
        ref_columns=ref_cols, on_delete="no action", on_update="no action", deferrable=False,
        initially_deferred=False, span=span)


def resolve_index(ctx: Context, table: str, spec: IndexSpec, columns: list[str], span_of: object) -> Index:
    """An index with its parts classified (column or expression) and its name derived."""
    at = span_of  # callable(*keys) -> Span | None
    assert callable(at)
    parts: list[IndexPart] = []
    name_cols: list[str] = []
    opclasses = spec.opclass if isinstance(spec.opclass, dict) else {}
    for i, raw in enumerate(spec.columns):
        text = raw.strip()
        descending, nulls = False, None
        order = _ORDER.search(text)
        if order:
            descending = (order.group(1) or "").lower() == "desc"
            nulls = (order.group(2) or order.group(3) or "").lower() or None
            text = text[: order.start()].strip()
        opclass = opclasses.get(raw) or opclasses.get(text) or (
            spec.opclass if isinstance(spec.opclass, str) else None)
        if _PLAIN_COLUMN.match(text):
            if text not in columns:
                ctx.error("E035", f"index on {table}: no column '{text}'", at("columns", i),
                          suggestion(text, columns) or "index a column of the table or an expression")
            parts.append(IndexPart.model_construct(column=text, expression=None, opclass=opclass,
                                                   descending=descending, nulls=nulls))
            name_cols.append(text)
        else:
            _expr(ctx, text, at("columns", i))
            parts.append(IndexPart.model_construct(column=None, expression=text, opclass=opclass,
                                                   descending=descending, nulls=nulls))
            name_cols.extend(expressions.referenced_columns(text, columns) or ["expr"])
    for col in spec.include:
        if col not in columns:
            ctx.error("E035", f"index on {table}: INCLUDE column '{col}' does not exist", at("include"),
                      suggestion(col, columns))
    prefix = "uq" if spec.unique else "idx"
    name = spec.name or _derived(ctx, f"{prefix}_{table}_{'_'.join(name_cols)}", f"index on {table}",
                                 at())
    if spec.name:
        ctx.check_length(spec.name, f"index on {table}", at("name"), derived=False)
    return Index.model_construct(
        name=name, parts=tuple(parts), unique=spec.unique, method=spec.method,
        where=_expr(ctx, spec.where, at("where")), include=tuple(spec.include), span=at())
