"""Resolution: spec documents -> one Schema (traits expanded, names derived, references bound).

Runs in passes so that any file may reference any other: names and enums first, then table
columns (traits expanded), then everything that references columns or tables.
"""

from __future__ import annotations

import re

from schemac.config import Settings
from schemac.diagnostics import Diagnostic, has_errors
from schemac.load.loader import RawDoc
from schemac.model.construct import construct
from schemac.model.schema import (
    Database,
    Document,
    Enum,
    Extension,
    Function,
    MaterializedView,
    Policy,
    Schema,
    SeedTable,
    Table,
    Trigger,
    View,
)
from schemac.resolve import (
    checks,
    composites,
    domains,
    identifiers,
    objects,
    operators,
    procedures,
    routines,
    sequences,
    traits,
)
from schemac.resolve.check_objects import check as check_resolved_objects
from schemac.resolve.context import Context, Located, TableDraft
from schemac.resolve.refresh import refresh_functions
from schemac.resolve.tables import build_table, draft_table
from schemac.source import Span
from schemac.spec.models import DatabaseSpec, DocumentSpec, TraitSpec

_SUPPORTED_ENGINES = ("postgresql", "postgres")


def resolve(
    documents: list[tuple[RawDoc, DocumentSpec]], settings: Settings
) -> tuple[Schema | None, list[Diagnostic]]:
    ctx = Context(settings)
    identifiers.check_names(ctx, documents)
    database = _database(ctx, documents, settings)
    schemas: list[str] = []
    user_traits: dict[str, TraitSpec] = {}
    docs: list[Document] = []
    extensions: list[Extension] = []
    for raw, spec in documents:
        schema = spec.schema_ or "public"
        if schema != "public" and schema not in schemas:
            schemas.append(schema)
        docs.append(
            Document(
                path=raw.path,
                title=spec.title,
                owner=spec.owner,
                status=spec.status,
                version=None if spec.version is None else str(spec.version),
                domain=spec.domain or raw.path.rsplit("/", 1)[-1].rsplit(".", 1)[0],
                schema_name=schema,
                lint_ignore=tuple(spec.lint.ignore) if spec.lint else (),
            )
        )
        for i, ext in enumerate(spec.extensions):
            if ext.name not in ctx.extensions:
                ctx.extensions.add(ext.name)
                extensions.append(
                    construct(
                        Extension,
                        name=ext.name,
                        schema_name=ext.schema_,
                        span=raw.spans.value(("extensions", i)),
                    )
                )
                # CREATE EXTENSION ... WITH SCHEMA needs the schema to exist
                if ext.schema_ and ext.schema_ != "public" and ext.schema_ not in schemas:
                    schemas.append(ext.schema_)
        for name, trait in spec.traits.items():
            if name in traits.BUILTIN_TRAITS or name in traits.COMPOSITE_TRAITS:
                ctx.error(
                    "E032",
                    f"trait '{name}' is built in and cannot be redefined",
                    raw.spans.key(("traits", name)),
                    "give your trait another name",
                )
            elif ctx.register("trait", "-", name, raw.spans.key(("traits", name)), "trait"):
                user_traits[name] = trait
        for name, enum in spec.enums.items():
            enum_schema = enum.schema_ or schema
            if ctx.register("type", enum_schema, name, raw.spans.key(("enums", name)), "type"):
                spelled = name if enum_schema == "public" else f"{enum_schema}.{name}"
                ctx.enums[f"{enum_schema}.{name}"] = spelled
                ctx.enum_values[spelled] = tuple(enum.values)
            for other in (enum.schema_,):
                if other and other != "public" and other not in schemas:
                    schemas.append(other)
    enums = _enums(ctx, documents)
    sequences.register_sequences(ctx, documents, schemas)
    domains.register_domains(ctx, documents, schemas)
    composites.register_composites(ctx, documents, schemas)
    own_domains = domains.resolve_domains(ctx, documents)
    own_composites = composites.resolve_composites(ctx, documents)
    drafts: list[TableDraft] = []
    for raw, spec in documents:
        for name, table in spec.tables.items():
            schema = table.schema_ or spec.schema_ or "public"
            if schema != "public" and schema not in schemas:
                schemas.append(schema)
            where = Located(raw, spec, ("tables", name))
            if not ctx.register("relation", schema, name, where.key_span(), "table"):
                continue
            ctx.check_length(name, f"table {name}", where.key_span(), derived=False)
            draft = draft_table(ctx, name, table, where, schema, user_traits)
            ctx.tables[draft.qualified_name] = draft
            drafts.append(draft)
        for kind in ("views", "materialized_views"):
            for name in getattr(spec, kind):
                view_schema = getattr(spec, kind)[name].schema_ or spec.schema_ or "public"
                if ctx.register("relation", view_schema, name, raw.spans.key((kind, name)), "view"):
                    ctx.views.add(f"{view_schema}.{name}")
    tables = {d.qualified_name: build_table(ctx, d, user_traits) for d in drafts}
    functions, triggers = _functions_and_triggers(ctx, documents, drafts, tables)
    aggregates = routines.resolve_aggregates(ctx, documents, functions)
    own_operators = operators.resolve_operators(ctx, documents, functions)
    functions += procedures.resolve_procedures(ctx, documents, functions, database.version)
    for draft in drafts:
        tables[draft.qualified_name] = _with_rls(ctx, draft, tables[draft.qualified_name])
    views: list[View] = []
    matviews: list[MaterializedView] = []
    seeds: list[SeedTable] = []
    enum_values = {
        e.name if e.schema_name == "public" else e.qualified_name: e.values for e in enums
    }
    for raw, spec in documents:
        schema = spec.schema_ or "public"
        for name, view in spec.views.items():
            views.append(
                objects.resolve_view(
                    ctx, name, view, Located(raw, spec, ("views", name)), view.schema_ or schema
                )
            )
        for name, mv in spec.materialized_views.items():
            matviews.append(
                objects.resolve_matview(
                    ctx,
                    name,
                    mv,
                    Located(raw, spec, ("materialized_views", name)),
                    mv.schema_ or schema,
                )
            )
        for name, seed in spec.seed.items():
            resolved = objects.resolve_seed(
                ctx, name, seed, Located(raw, spec, ("seed", name)), schema, tables, enum_values
            )
            if resolved is not None:
                seeds.append(resolved)
    functions += refresh_functions(matviews, functions)
    check_resolved_objects(ctx, documents, tables, functions, views, matviews)
    own_sequences = sequences.resolve_sequences(ctx, documents, tables)
    checks.check_schema(ctx, documents, drafts, tables, matviews, triggers, database.version)
    if has_errors(ctx.diagnostics):
        return None, ctx.diagnostics
    return construct(
        Schema,
        database=database,
        documents=tuple(docs),
        schemas=tuple(schemas),
        extensions=tuple(extensions),
        enums=tuple(enums),
        functions=tuple(functions),
        aggregates=tuple(aggregates),
        operators=tuple(own_operators),
        tables=tuple(tables.values()),
        views=tuple(views),
        materialized_views=tuple(matviews),
        triggers=tuple(triggers),
        seeds=tuple(seeds),
        sequences=tuple(own_sequences),
        domains=tuple(own_domains),
        composites=tuple(own_composites),
    ), ctx.diagnostics


def _database(
    ctx: Context, documents: list[tuple[RawDoc, DocumentSpec]], settings: Settings
) -> Database:
    found: DatabaseSpec | None = None
    declared: Span | None = None
    for raw, spec in documents:
        if spec.database is None:
            continue
        if found is not None:
            ctx.error(
                "E032",
                "'database:' is declared in more than one spec file",
                raw.spans.key(("database",)),
                "keep one database: block (or put it in config)",
            )
            continue
        found = spec.database
        if "version" in found.model_fields_set:
            declared = raw.spans.value(("database", "version"))
        if spec.database.engine.lower() not in _SUPPORTED_ENGINES:
            ctx.error(
                "E041",
                f"unsupported database engine '{spec.database.engine}'",
                raw.spans.value(("database", "engine")),
                "schemac supports engine: postgresql",
            )
    version = settings.postgres_version or (found.version if found else 16)
    return Database(
        version=version,
        timezone=found.timezone if found else None,
        encoding=found.encoding if found else None,
        span=declared,
    )


#: the names a column's type can give an enum or its schema (see E053)
_TYPE_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def _enums(ctx: Context, documents: list[tuple[RawDoc, DocumentSpec]]) -> list[Enum]:
    out: list[Enum] = []
    for raw, spec in documents:
        for name, enum in spec.enums.items():
            span = raw.spans.key(("enums", name))
            ctx.check_length(name, f"enum {name}", span, derived=False)
            schema_name = enum.schema_ or spec.schema_ or "public"
            for part in (schema_name, name):
                # a column's type names the enum as schema.name, read by model/types.py, which
                # takes lower-case identifiers only (a quoted type name is not supported yet)
                if not _TYPE_NAME.fullmatch(part):
                    ctx.error(
                        "E053",
                        f"enum {name}: '{part}' cannot name a type here (lower-case letters, "
                        "digits and _ only)",
                        span,
                        "rename the enum (or its schema) to a lower-case identifier",
                    )
                    break
            if len(set(enum.values)) != len(enum.values):
                dup = next(v for v in enum.values if enum.values.count(v) > 1)
                ctx.error(
                    "E032",
                    f"enum {name}: duplicate value '{dup}'",
                    raw.spans.value(("enums", name)),
                )
            for new_value in enum.renamed_from:
                if new_value not in enum.values:
                    ctx.error(
                        "E052",
                        f"enum {name}: renamed_from names '{new_value}', which is not a value",
                        raw.spans.value(("enums", name, "renamed_from")),
                        "renamed_from maps a value of `values` to its previous label",
                    )
            out.append(
                construct(
                    Enum,
                    schema_name=enum.schema_ or spec.schema_ or "public",
                    name=name,
                    values=tuple(enum.values),
                    description=enum.description,
                    renamed_values=tuple(enum.renamed_from.items()),
                    lint_ignore=tuple(enum.lint.ignore) if enum.lint else (),
                    span=span,
                )
            )
    return out


def _functions_and_triggers(
    ctx: Context,
    documents: list[tuple[RawDoc, DocumentSpec]],
    drafts: list[TableDraft],
    tables: dict[str, Table],
) -> tuple[list[Function], list[Trigger]]:
    functions: list[Function] = []
    for raw, spec in documents:
        for name, fn in spec.functions.items():
            schema = fn.schema_ or spec.schema_ or "public"
            where = Located(raw, spec, ("functions", name))
            if ctx.register("function", schema, name, where.key_span(), "function"):
                ctx.check_length(name, f"function {name}", where.key_span(), derived=False)
                objects.check_function(ctx, name, fn, where)
                functions.append(objects.resolve_function(ctx, name, fn, where, schema))
    declared = {f.qualified_name for f in functions}
    triggers: list[Trigger] = []
    for draft in drafts:
        span = draft.where.span("traits")
        if "timestamps" in draft.traits:
            if f"public.{traits.UPDATED_AT_FUNCTION}" not in declared:
                declared.add(f"public.{traits.UPDATED_AT_FUNCTION}")
                functions.append(
                    _trait_function(
                        traits.UPDATED_AT_FUNCTION,
                        traits.UPDATED_AT_BODY,
                        "Keeps updated_at current on every UPDATE (timestamps trait).",
                        span,
                    )
                )
            triggers.append(
                _trait_trigger(
                    draft,
                    traits.UPDATED_AT_TRIGGER,
                    "before",
                    ("update",),
                    traits.UPDATED_AT_FUNCTION,
                    span,
                )
            )
        if "audited" in draft.traits:
            audit = ctx.find_table("audit_logs", draft.schema_name)
            missing = [c for c in traits.AUDIT_COLUMNS if audit is None or c not in audit.columns]
            if missing:
                ctx.error(
                    "SC309",
                    f"table {draft.name}: the audited trait writes to audit_logs"
                    f" ({', '.join(traits.AUDIT_COLUMNS)}), which lacks {', '.join(missing)}",
                    span,
                    "declare an audit_logs table with those columns",
                )
            elif f"public.{traits.AUDIT_FUNCTION}" not in declared:
                declared.add(f"public.{traits.AUDIT_FUNCTION}")
                functions.append(
                    _trait_function(
                        traits.AUDIT_FUNCTION,
                        traits.AUDIT_BODY,
                        "Writes row changes to audit_logs (audited trait).",
                        span,
                    )
                )
            if not missing:
                triggers.append(
                    _trait_trigger(
                        draft,
                        traits.AUDIT_TRIGGER,
                        "after",
                        ("insert", "update", "delete"),
                        traits.AUDIT_FUNCTION,
                        span,
                    )
                )
    by_name = {f.qualified_name: f.qualified_name for f in functions}
    for raw, spec in documents:
        for name, trig in spec.triggers.items():
            where = Located(raw, spec, ("triggers", name))
            resolved = objects.resolve_trigger(
                ctx, name, trig, where, spec.schema_ or "public", by_name
            )
            if resolved is None:
                continue
            clash = next(
                (
                    t
                    for t in triggers
                    if (t.table_schema, t.table, t.name)
                    == (resolved.table_schema, resolved.table, resolved.name)
                ),
                None,
            )
            if clash is not None:
                # trigger names are unique per table (PostgreSQL: trigger "t" for relation
                # "r" already exists), whatever file or key declared them
                ctx.error(
                    "E032",
                    f"duplicate trigger '{resolved.name}' on {resolved.table}",
                    where.key_span(),
                    "a trait or another trigger on the table already has this name; "
                    "rename yours (name:) or drop the trait",
                )
                continue
            triggers.append(resolved)
    return functions, triggers


def _trait_function(name: str, body: str, description: str, span: Span | None) -> Function:
    """A trigger function a built-in trait brings, emitted once in public."""
    return construct(
        Function,
        schema_name="public",
        name=name,
        arguments="",
        returns="trigger",
        language="plpgsql",
        body=body,
        volatility="volatile",
        security_definer=False,
        description=description,
        span=span,
    )


def _trait_trigger(
    draft: TableDraft, name: str, timing: str, events: tuple[str, ...], function: str, span: object
) -> Trigger:
    return construct(
        Trigger,
        name=name,
        table_schema=draft.schema_name,
        table=draft.name,
        timing=timing,
        events=events,
        for_each="row",
        function_schema="public",
        function=function,
        when=None,
        description=None,
        span=span,
    )


def _with_rls(ctx: Context, draft: TableDraft, table: Table) -> Table:
    tenancy = ctx.settings.tenancy
    extra: tuple[Policy, ...] = ()
    if tenancy.rls and "tenant_scoped" in draft.traits:
        column = "tenant_id"
        extra = (
            construct(
                Policy,
                name="tenant_isolation",
                command="all",
                permissive=True,
                roles=("public",),
                using=f"{column} = current_setting('{tenancy.setting}')::uuid",
                with_check=None,
                span=draft.where.span("traits"),
            ),
        )
    rls = objects.resolve_rls(ctx, draft.spec.rls, draft.where, extra)
    return table.model_copy(update={"rls": rls})
