"""Static checks of indexes (codes E120-E128): what CREATE INDEX would refuse.

Each check names the PostgreSQL error it prevents. Facts about index methods, operator classes
and function volatility come from catalog_facts.py; a spec that declares an extension those facts
do not cover is not judged on what that extension might add.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from schemac.diagnostics import suggestion
from schemac.load.loader import RawDoc
from schemac.model.schema import (
    Exclusion,
    Function,
    Index,
    IndexPart,
    MaterializedView,
    PrimaryKey,
    Table,
    Unique,
    walk_partitions,
)
from schemac.model.types import TypeSyntaxError, parse_type
from schemac.resolve import catalog_facts as facts
from schemac.resolve import sqltree
from schemac.resolve.check_views import no_relation
from schemac.resolve.columnrefs import Entry, unknown_columns
from schemac.resolve.context import Context, Located, TableDraft
from schemac.source import Span
from schemac.spec.models import DocumentSpec

SpanOf = Callable[..., Span | None]
Keys = tuple[str | int, ...]
_SERIALS = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}


def check_indexes(
    ctx: Context,
    documents: Sequence[tuple[RawDoc, DocumentSpec]],
    tables: dict[str, Table],
    functions: Sequence[Function],
    matviews: Sequence[MaterializedView],
) -> None:
    """Every index of the tables and materialized views, and the names they take."""
    mutable = _mutable_functions(functions)
    names = _relation_names(ctx, tables)
    for table in tables.values():
        draft = ctx.tables.get(table.qualified_name)
        own = len(draft.spec.indexes) if draft is not None else 0
        for k, index in enumerate(table.indexes):
            # trait indexes (those the table's own did not replace) come first, then its own
            i = k - (len(table.indexes) - own)
            at = _spans(draft.where, ("indexes", i)) if draft and i >= 0 else _fixed(index.span)
            what = f"index {index.name} on {table.name}"
            _check_index(ctx, what, index, at, draft, mutable)
            _check_name(ctx, what, index, at, table.schema_name, names, trait=i < 0)
        for i, exclusion in enumerate(table.exclusions):
            # the index behind the constraint: what CREATE INDEX would refuse, at the element
            assert draft is not None
            index, at = _exclusion_index(exclusion, draft.where, i)
            what = f"exclusion constraint {exclusion.name} on {table.name}"
            _check_index(ctx, what, index, at, draft, mutable, opclass_at=_element_opclass)
    by_name = {m.qualified_name: m for m in matviews}
    for raw, spec in documents:
        for name, mv_spec in spec.materialized_views.items():
            mv = by_name.get(f"{mv_spec.schema_ or spec.schema_ or 'public'}.{name}")
            if mv is None:
                continue
            where = Located(raw, spec, ("materialized_views", name))
            for i, index in enumerate(mv.indexes):
                at = _spans(where, ("indexes", i))
                what = f"index {index.name} on {name}"
                _check_index(ctx, what, index, at, None, mutable, mv.schema_name)
                _check_name(ctx, what, index, at, mv.schema_name, names, trait=False)


def _spans(where: Located | None, path: tuple[str | int, ...]) -> SpanOf:
    assert where is not None
    return lambda *keys: where.span(*path, *keys)


def _fixed(span: Span | None) -> SpanOf:
    return lambda *keys: span


def _exclusion_index(exclusion: Exclusion, where: Located, i: int) -> tuple[Index, SpanOf]:
    """The index an exclusion constraint builds, and spans that put an index's keys at the
    constraint's (`columns`, j -> `elements`, j, `column` or `expression`; `method` -> `using`)."""
    index = Index(
        name=exclusion.name,
        parts=tuple(
            IndexPart(column=e.column, expression=e.expression, opclass=e.opclass)
            for e in exclusion.elements
        ),
        method=exclusion.method,
        where=exclusion.where,
        include=exclusion.include,
    )

    def at(*keys: str | int) -> Span | None:
        if keys[:1] == ("columns",) and len(keys) == 2:
            j = int(keys[1])
            element = exclusion.elements[j]
            keys = ("elements", j, "column" if element.column is not None else "expression")
        elif keys == ("method",):
            keys = ("using",)
        return where.span("excludes", i, *keys)

    return index, at


def _one_opclass(j: int) -> Keys:
    return ("opclass",)


def _element_opclass(j: int) -> Keys:
    return ("elements", j, "opclass")


def _check_index(
    ctx: Context,
    what: str,
    index: Index,
    at: SpanOf,
    draft: TableDraft | None,
    mutable: dict[str, Function],
    schema: str | None = None,
    opclass_at: Callable[[int], Keys] = _one_opclass,
) -> None:
    """One index; `draft` is its table (None for a materialized view, whose column types are
    not known). Spans are looked up only for what is reported: this runs for every index."""
    method = index.method
    schema = draft.schema_name if draft is not None else schema or "public"
    if index.unique and method not in facts.UNIQUE_METHODS:
        # PostgreSQL: access method "hash" does not support unique indexes
        ctx.error(
            "E121",
            f'{what}: access method "{method}" does not support unique indexes',
            at("unique"),
            "unique indexes are btree indexes: drop 'method:' or 'unique:'",
        )
    if len(index.parts) > 1 and method not in facts.MULTICOLUMN_METHODS:
        # PostgreSQL: access method "hash" does not support multicolumn indexes
        ctx.error(
            "E122",
            f'{what}: access method "{method}" does not support multicolumn indexes',
            at("method"),
            f"make one {method} index per column, or use btree",
        )
    if index.include and method not in facts.INCLUDE_METHODS | {"spgist"}:
        # PostgreSQL: access method "gin" does not support included columns
        ctx.error(
            "E127",
            f'{what}: access method "{method}" does not support included columns',
            at("include"),
            "INCLUDE works with btree and gist: drop 'include:' or change the method",
        )
    for j, part in enumerate(index.parts):
        if (part.descending or part.nulls) and method not in facts.ORDERED_METHODS:
            # PostgreSQL: access method "gin" does not support ASC/DESC options
            # (or NULLS FIRST/LAST options)
            option = "ASC/DESC" if part.descending else "NULLS FIRST/LAST"
            ctx.error(
                "E127",
                f'{what}: access method "{method}" does not support {option} options',
                at("columns", j),
                "only btree indexes are ordered: drop the ordering",
            )
        if part.opclass is not None:
            _check_opclass(ctx, what, method, part.opclass, at, opclass_at(j))
        elif part.column is not None and draft is not None and part.column in draft.columns:
            written = draft.columns[part.column][0].type
            column_type = ctx.known_type(written, schema)
            if column_type is not None:
                _check_default_opclass(ctx, what, method, column_type, at, ("columns", j))
        if part.expression is not None:
            tree = sqltree.expression(part.expression)
            _check_immutable(ctx, what, tree, "expression", (at, ("columns", j)), schema, mutable)
            _check_columns(ctx, what, tree, draft, at, ("columns", j))
    if index.where is not None:
        tree = sqltree.expression(index.where)
        _check_immutable(ctx, what, tree, "predicate", (at, ("where",)), schema, mutable)
        _check_columns(ctx, what, tree, draft, at, ("where",))


@functools.lru_cache(maxsize=1024)
def _type_parts(column_type: str) -> tuple[str, str | None, bool] | None:
    """A canonical column type as (its name, its key in catalog_facts when it is a builtin,
    whether it is an array); None when it does not parse. Specs spell thousands of columns
    with a few dozen types."""
    try:
        ref = parse_type(column_type)
    except TypeSyntaxError:
        return None
    spelled = ref.base if ref.schema is None else f"{ref.schema}.{ref.base}"
    key = _SERIALS.get(ref.base, ref.base).replace(" ", "_") if ref.is_builtin else None
    return spelled, key, ref.array_dims > 0


def _type_key(ctx: Context, column_type: str) -> str | None:
    """How catalog_facts names a column type, or None for a type it says nothing about."""
    parts = _type_parts(column_type)
    if parts is None:
        return None
    spelled, key, array = parts
    if spelled in ctx.enum_values:
        key = "enum"
    if key is None:
        return None
    return key + "[]" if array else key


def _all_extensions_known(ctx: Context) -> bool:
    return ctx.extensions <= facts.KNOWN_EXTENSIONS


def _check_default_opclass(
    ctx: Context, what: str, method: str, column_type: str, at: SpanOf, keys: Keys
) -> None:
    key = _type_key(ctx, column_type)
    if key is None or not _all_extensions_known(ctx):
        return
    if key in facts.DEFAULT_OPCLASS_TYPES.get(method, frozenset()) or any(
        key in facts.EXTENSION_DEFAULT_OPCLASS_TYPES.get(e, {}).get(method, frozenset())
        for e in ctx.extensions
    ):
        return
    helpers = [
        e
        for e, methods in sorted(facts.EXTENSION_DEFAULT_OPCLASS_TYPES.items())
        if key in methods.get(method, frozenset())
    ]
    if helpers:
        hint = f"add '{helpers[0]}' to 'extensions:' (it gives {method} a {column_type} class)"
    elif key in ("text", "varchar") and method in ("gin", "gist"):
        hint = f"for LIKE/similarity search declare pg_trgm and set opclass: {method}_trgm_ops"
    else:
        hint = "index it with btree, or set an 'opclass:' that fits the type"
    # PostgreSQL: data type integer has no default operator class for access method "gin"
    ctx.error(
        "E120",
        f"{what}: data type {column_type} has no default operator class for access method "
        f'"{method}"',
        at(*keys),
        hint,
    )


def _check_opclass(
    ctx: Context, what: str, method: str, opclass: str, at: SpanOf, keys: Keys
) -> None:
    name = opclass.split("(", 1)[0].strip().rsplit(".", 1)[-1].strip('"')
    known = facts.OPCLASSES.get(name)
    if known is None:
        if not _all_extensions_known(ctx):
            return
        candidates = [
            n for n, by in facts.OPCLASSES.items() if any(method in m for m in by.values())
        ]
        hint = suggestion(name, candidates) or f"use an operator class of {method}"
    else:
        usable = {
            m
            for provider, ms in known.items()
            if provider in ctx.extensions or not provider
            for m in ms
        }
        if method in usable:
            return
        missing = sorted(p for p, ms in known.items() if p and method in ms)
        if missing:
            hint = f"'{name}' comes from the extension '{missing[0]}': add it to 'extensions:'"
        elif not _all_extensions_known(ctx):
            return
        else:
            methods = sorted({m for ms in known.values() for m in ms})
            hint = f"'{name}' is an operator class of {', '.join(methods)}"
    # PostgreSQL: operator class "gin_trgm_ops" does not exist for access method "gin"
    ctx.error(
        "E123",
        f'{what}: operator class "{name}" does not exist for access method "{method}"',
        at(*keys),
        hint,
    )


def _mutable_functions(functions: Sequence[Function]) -> dict[str, Function]:
    """The spec's functions PostgreSQL treats as not IMMUTABLE in an index, by qualified name.

    A function declared STABLE or VOLATILE is refused unless PostgreSQL inlines it: an SQL
    function whose body is one bare `SELECT expression` is replaced by that expression and
    judged by it, so it is refused only when the expression calls a non-immutable builtin
    (tests/test_static_checks_objects.py shows the rule on the server).
    """
    out: dict[str, Function] = {}
    for fn in functions:
        if fn.volatility == "immutable":
            continue
        if fn.language.lower() != "sql" or fn.security_definer or _returns_rows(fn.returns):
            out[fn.qualified_name] = fn
            continue
        stmts, problem = sqltree.statements(fn.body)
        select = stmts[0].get("SelectStmt", {}) if len(stmts) == 1 else {}
        targets = select.get("targetList", [])
        if (
            problem is not None
            or len(targets) != 1
            or set(select) - {"targetList", "limitOption", "op"}
            or sqltree.has_subquery(targets)
            or any(_builtin_mutable(s, n) for s, n in sqltree.called_functions(targets))
        ):
            out[fn.qualified_name] = fn
    return out


def _returns_rows(returns: str) -> bool:
    word = returns.strip().lower()
    return word.startswith(("setof", "table")) or word == "record"


_VALUE_FUNCTIONS = frozenset(
    {
        "current_date",
        "current_time",
        "current_time_n",
        "current_timestamp",
        "current_timestamp_n",
        "localtime",
        "localtime_n",
        "localtimestamp",
        "localtimestamp_n",
        "current_role",
        "current_user",
        "user",
        "session_user",
        "current_catalog",
        "current_schema",
    }
)


def _builtin_mutable(schema: str | None, name: str) -> bool:
    if schema is None and name in _VALUE_FUNCTIONS:
        return True
    return schema in (None, "pg_catalog") and name in facts.NON_IMMUTABLE_FUNCTIONS


def _check_immutable(
    ctx: Context,
    what: str,
    tree: sqltree.Node | None,
    role: str,
    where: tuple[SpanOf, Keys],
    schema: str,
    mutable: dict[str, Function],
) -> None:
    if tree is None:
        return
    for fn_schema, name in sqltree.called_functions(tree):
        declared = mutable.get(f"{fn_schema or schema}.{name}") or (
            mutable.get(f"public.{name}") if fn_schema is None else None
        )
        if _builtin_mutable(fn_schema, name):
            shown = name.removesuffix("_n")
            reason = f"{shown.upper()}" if name in _VALUE_FUNCTIONS else f"{shown}()"
            reason += " is not IMMUTABLE"
        elif declared is not None:
            reason = f"{name}() is declared {declared.volatility.upper()}"
        else:
            continue
        # PostgreSQL: functions in index expression must be marked IMMUTABLE
        # (or: functions in index predicate must be marked IMMUTABLE)
        ctx.error(
            "E124" if role == "expression" else "E125",
            f"{what}: functions in index {role} must be marked IMMUTABLE ({reason})",
            where[0](*where[1]),
            "an index stores values computed once: use an immutable expression"
            + (", or declare the function volatility: immutable" if declared else ""),
        )
        return


def _check_columns(
    ctx: Context,
    what: str,
    tree: sqltree.Node | None,
    draft: TableDraft | None,
    at: SpanOf,
    keys: Keys,
) -> None:
    if tree is None or draft is None:
        return
    for fields in sqltree.column_refs(tree):
        if fields[-1] in sqltree.SYSTEM_COLUMNS and (len(fields) == 1 or fields[0] == draft.name):
            # PostgreSQL: index creation on system columns is not supported
            ctx.error(
                "E128",
                f"{what}: index creation on system columns is not supported ({fields[-1]})",
                at(*keys),
                "index columns of the table",
            )
            break
    scopes = ((Entry(draft.name, tuple(draft.columns)),),)
    # PostgreSQL: column "x" does not exist
    for message, missing, known in dict.fromkeys(unknown_columns(tree, scopes, no_relation)):
        ctx.error(
            "E128",
            f"{what}: {message}",
            at(*keys),
            suggestion(missing, known) or "index a column of the table",
        )


def _relation_names(ctx: Context, tables: dict[str, Table]) -> dict[str, tuple[str, bool]]:
    """Names in each schema's relation namespace before any index is created: tables, views,
    partitions and the indexes of keys and unique constraints; what holds each, and whether it
    is an index a trait brings (that holder is added as indexes are checked)."""
    names: dict[str, tuple[str, bool]] = {
        v: (f"view {v.split('.', 1)[1]}", False) for v in ctx.views
    }
    for table in tables.values():
        names[table.qualified_name] = (f"table {table.name}", False)
        for _, partition in walk_partitions(table):
            names.setdefault(
                f"{table.schema_name}.{partition.name}", (f"partition {partition.name}", False)
            )
        keys: list[PrimaryKey | Unique | Exclusion] = (
            [table.primary_key] if table.primary_key else []
        )
        for key in [*keys, *table.uniques, *table.exclusions]:
            names.setdefault(
                f"{table.schema_name}.{key.name}",
                (f"the index of constraint {key.name} on {table.name}", False),
            )
    return names


def _check_name(
    ctx: Context,
    what: str,
    index: Index,
    at: SpanOf,
    schema: str,
    names: dict[str, tuple[str, bool]],
    trait: bool,
) -> None:
    qualified = f"{schema}.{index.name}"
    holder = names.get(qualified)
    if holder is None:
        names[qualified] = (f"{what}, which a trait adds" if trait else what, trait)
        return
    held_by, by_trait = holder
    if by_trait:
        hint = (
            "a trait of that table creates this index: rename yours (an index of that same "
            "table by this name would replace the trait's)"
        )
    elif trait:
        hint = "a trait of the table brings this index: rename the other object"
    else:
        hint = "indexes share one namespace with tables and constraints: give it another 'name:'"
    # PostgreSQL: relation "idx_users_tenant_id" already exists
    ctx.error(
        "E126",
        f'{what}: relation "{index.name}" already exists ({held_by})',
        at("name"),
        hint,
    )
