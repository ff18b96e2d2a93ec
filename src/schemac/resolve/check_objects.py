"""Static checks of the resolved objects: what PostgreSQL would refuse when the SQL is applied.

`check` runs after resolution, on the resolved tables and objects and the spec documents (for
the position of each key). A spec is rejected only when PostgreSQL's refusal is certain; each
check names, in a comment, the PostgreSQL error it prevents (as the server words it), and
tests/test_static_checks_objects.py applies the SQL built without the check to show that the
server does refuse it. Codes E120-E159 belong to these checks (CODES below).
"""

from __future__ import annotations

from collections.abc import Sequence

from schemac.diagnostics import suggestion
from schemac.load.loader import RawDoc
from schemac.model.schema import Function, MaterializedView, Table, View
from schemac.resolve import sqltree
from schemac.resolve.check_indexes import check_indexes
from schemac.resolve.check_triggers import check_triggers
from schemac.resolve.check_views import check_constraints, check_generated, check_views, relations
from schemac.resolve.columnrefs import (
    Entry,
    Relation,
    Rules,
    select_unknown_columns,
    unknown_columns,
)
from schemac.resolve.context import Context, Located
from schemac.spec.models import DocumentSpec, FunctionSpec, RoutineSpec

#: every code these checks report, with its kebab-case name and what it catches
CODES: dict[str, tuple[str, str]] = {
    "E120": ("index-method-type", "the index method has no operator class for the column type"),
    "E121": ("unique-index-method", "a unique index with a method other than btree"),
    "E122": ("multicolumn-index-method", "several key columns for hash or spgist"),
    "E123": ("unknown-opclass", "an operator class the method or the extensions lack"),
    "E124": ("mutable-index-expression", "a non-immutable function in an index expression"),
    "E125": ("mutable-index-predicate", "a non-immutable function in an index WHERE"),
    "E126": ("duplicate-relation-name", "an index named like another relation of its schema"),
    "E127": ("index-method-option", "INCLUDE, ASC/DESC or NULLS on a method without them"),
    "E128": ("index-unknown-column", "an index expression or WHERE naming a missing column"),
    "E130": ("trigger-function-type", "a trigger calling a function that is not a trigger"),
    "E131": ("trigger-when-row", "WHEN reading OLD on INSERT or NEW on DELETE"),
    "E132": ("statement-trigger-when", "WHEN of a statement trigger reading NEW or OLD"),
    "E133": ("row-truncate-trigger", "a row-level TRUNCATE trigger"),
    "E134": ("trigger-relation-kind", "a trigger timing the relation kind does not take"),
    "E135": ("trigger-when-reference", "WHEN naming a missing column, a bare column, a subquery"),
    "E136": ("instead-of-when", "WHEN on an INSTEAD OF trigger"),
    "E140": ("policy-command-clause", "USING or WITH CHECK on a command that has none"),
    "E141": ("policy-unknown-column", "a policy expression naming a missing column"),
    "E145": ("unknown-language", "a function language neither built in nor from an extension"),
    "E147": ("sql-trigger-function", "an SQL function returning trigger"),
    "E148": ("sql-body-unknown-column", "an SQL function body naming a missing column"),
    "E150": ("view-unknown-column", "a view reading a column its table does not have"),
    "E151": ("view-duplicate-column", "a view with two output columns of one name"),
    "E152": ("view-cycle", "views that read each other in a circle"),
    "E153": ("check-unknown-column", "a CHECK naming a column its table does not have"),
    "E154": (
        "generated-unknown-column",
        "a generation expression naming a missing, generated or system column",
    ),
}

#: languages every database has (plpgsql is installed by default)
_LANGUAGES = frozenset({"sql", "plpgsql", "internal", "c"})
#: languages whose extension has another name (otherwise language and extension share one)
_LANGUAGE_EXTENSIONS = {
    "plperl": "plperl",
    "plperlu": "plperlu",
    "plpython3u": "plpython3u",
    "pltcl": "pltcl",
    "pltclu": "pltclu",
    "plv8": "plv8",
    "plls": "plv8",
    "plcoffee": "plv8",
    "plluau": "pllua",
    "java": "pljava",
    "javau": "pljava",
}


def check(
    ctx: Context,
    documents: Sequence[tuple[RawDoc, DocumentSpec]],
    tables: dict[str, Table],
    functions: Sequence[Function],
    views: Sequence[View],
    matviews: Sequence[MaterializedView],
) -> None:
    """Report what PostgreSQL would refuse in the resolved objects (appends to ctx)."""
    relation = relations(tables, ctx.views)
    check_indexes(ctx, documents, tables, functions, matviews)
    check_constraints(ctx, tables)
    check_generated(ctx, tables)
    check_views(ctx, documents, relation, views, matviews)
    check_triggers(ctx, documents, tables, functions, matviews)
    _check_policies(ctx, tables, relation)
    _check_functions(ctx, documents, relation)


def _check_policies(ctx: Context, tables: dict[str, Table], relation: Relation) -> None:
    for qualified, draft in ctx.tables.items():
        table = tables.get(qualified)
        if table is None or draft.spec.rls is None:
            continue
        columns = tuple(c.name for c in table.columns)
        for name, policy in draft.spec.rls.policies.items():
            path = ("rls", "policies", name)
            if policy.with_check and policy.command in ("select", "delete"):
                # PostgreSQL: WITH CHECK cannot be applied to SELECT or DELETE
                ctx.error(
                    "E140",
                    f"policy {name} on {table.name}: WITH CHECK cannot be applied to SELECT or "
                    "DELETE",
                    draft.where.key_span(*path, "with_check"),
                    "a SELECT or DELETE policy filters rows with 'using:' only",
                )
            if policy.using and policy.command == "insert":
                # PostgreSQL: only WITH CHECK expression allowed for INSERT
                ctx.error(
                    "E140",
                    f"policy {name} on {table.name}: only WITH CHECK expression allowed for INSERT",
                    draft.where.key_span(*path, "using"),
                    "an INSERT policy checks new rows: write the condition under 'with_check:'",
                )
            for key in ("using", "with_check"):
                text = getattr(policy, key)
                tree = sqltree.expression(text.strip()) if text else None
                if tree is None:
                    continue
                scopes = ((Entry(table.name, columns),),)
                # PostgreSQL: column "x" does not exist
                for message, missing, known in dict.fromkeys(
                    unknown_columns(tree, scopes, relation)
                ):
                    ctx.error(
                        "E141",
                        f"policy {name} on {table.name}: {message}",
                        draft.where.span(*path, key),
                        suggestion(missing, known) or "fix the name, or add the column",
                    )


def _check_functions(
    ctx: Context, documents: Sequence[tuple[RawDoc, DocumentSpec]], relation: Relation
) -> None:
    for raw, spec in documents:
        routines: list[tuple[str, str, RoutineSpec]] = [
            *(("functions", name, fn) for name, fn in spec.functions.items()),
            *(("procedures", name, proc) for name, proc in spec.procedures.items()),
        ]
        for key, name, fn in routines:
            where = Located(raw, spec, (key, name))
            what = f"{key[:-1]} {name}"
            # the language is emitted quoted as written: "SQL" is not sql
            language = fn.language.strip()
            extension = _LANGUAGE_EXTENSIONS.get(language, language)
            if language not in _LANGUAGES and extension not in ctx.extensions:
                if language.lower() in _LANGUAGES:
                    hint = f"write it in lower case: '{language.lower()}'"
                elif language.startswith("pl") or language in _LANGUAGE_EXTENSIONS:
                    hint = f"add '{extension}' to 'extensions:' (if the server has it installed)"
                else:
                    hint = "write it in sql or plpgsql, or declare its language's extension"
                # PostgreSQL: language "plv8" does not exist
                ctx.error(
                    "E145",
                    f'{what}: language "{language}" does not exist',
                    where.span("language"),
                    hint,
                )
            if language != "sql":
                continue
            if isinstance(fn, FunctionSpec) and fn.returns.strip().lower() in (
                "trigger",
                "pg_catalog.trigger",
            ):
                # PostgreSQL: SQL functions cannot return type trigger
                ctx.error(
                    "E147",
                    f"function {name}: SQL functions cannot return type trigger",
                    where.span("returns"),
                    "write trigger functions with 'language: plpgsql'",
                )
            stmts, problem = sqltree.statements(fn.body)
            if problem is not None:
                continue  # objects.check_function reports the syntax error (E064)
            # parameters may be named like columns, and qualified by the function's name
            rules = Rules(unqualified=False, missing_from=False)
            for stmt in stmts:
                # PostgreSQL: column t.x does not exist (SQL bodies are analysed on CREATE)
                for message, missing, known in dict.fromkeys(
                    select_unknown_columns(stmt, relation, rules)
                ):
                    ctx.error(
                        "E148",
                        f"{what}: {message}",
                        where.span("body"),
                        suggestion(missing, known) or "fix the name, or add the column",
                    )
