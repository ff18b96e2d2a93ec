"""Procedures (`procedures:`, CREATE PROCEDURE), codes E225-E229.

A procedure is a Function of kind "procedure": it shares the function's checks (arguments
E062, body E064, language E145, settings E191/E192) and pg_proc's namespace. What is a
procedure's own:

E225: a procedure named like a function or aggregate of its schema (they share pg_proc).
E226: OUT arguments while database.version is below 14 (PostgreSQL 11-13: procedures cannot
      have OUT arguments).
E227: COMMIT or ROLLBACK in the body of a SECURITY DEFINER procedure or one with `set:`
      (PostgreSQL at CALL: invalid transaction termination).
E228: a transaction statement (COMMIT, ROLLBACK, ...) in a `language: sql` procedure
      (PostgreSQL at CALL: COMMIT is not allowed in an SQL function).
E229: an OUT argument after one with a default (PostgreSQL: procedure OUT parameters cannot
      appear after one with a default value).
"""

from __future__ import annotations

from collections.abc import Sequence

from schemac.load.loader import RawDoc
from schemac.model import fragments
from schemac.model.canonical import canonical_arguments, split_top_level
from schemac.model.schema import Function
from schemac.resolve import objects
from schemac.resolve.context import Context, Located
from schemac.spec.models import DocumentSpec, ProcedureSpec


def resolve_procedures(
    ctx: Context,
    documents: Sequence[tuple[RawDoc, DocumentSpec]],
    functions: Sequence[Function],
    version: int,
) -> list[Function]:
    """The `procedures:` of every document, after the functions (the specs' and the traits')
    and aggregates have claimed their names."""
    # a trait's trigger function claims no name in the registry: it is only in `functions`
    resolved = {f.qualified_name: f.span for f in functions}
    out: list[Function] = []
    for raw, spec in documents:
        for name, proc in spec.procedures.items():
            schema = proc.schema_ or spec.schema_ or "public"
            where = Located(raw, spec, ("procedures", name))
            qualified = f"{schema}.{name}"
            first = ctx.registry.get(("function", qualified), resolved.get(qualified, False))
            if first is not False:
                at = f" (declared at {first})" if first else ""
                # PostgreSQL: function "p" already exists with same argument types
                ctx.error(
                    "E225",
                    f"procedure {name}: a function or aggregate {schema}.{name} exists{at}; "
                    "procedures and functions share one namespace (pg_proc)",
                    where.key_span(),
                    "rename the procedure or the function",
                )
                continue
            if not ctx.register("function", schema, name, where.key_span(), "procedure"):
                continue
            ctx.check_length(name, f"procedure {name}", where.key_span(), derived=False)
            arguments_fine = _check_arguments(ctx, name, proc, where, version)
            objects.check_function(ctx, name, proc, where, body=arguments_fine)
            if arguments_fine:
                _check_transactions(ctx, name, proc, where)
            out.append(objects.resolve_function(ctx, name, proc, where, schema))
    return out


def _check_arguments(
    ctx: Context, name: str, spec: ProcedureSpec, where: Located, version: int
) -> bool:
    """False when the argument list is refused (E062 is check_function's; E226, E229 here)."""
    arguments = objects.routine_arguments(spec)
    if fragments.arguments_problem(arguments) is not None:
        return False
    defaulted = False
    for part in split_top_level(canonical_arguments(arguments)):
        out = part.split()[0] == "out"
        if out and version < 14:
            ctx.error(
                "E226",
                f"procedure {name}: procedures cannot have OUT arguments before PostgreSQL 14 "
                f"(database.version is {version})",
                where.span("arguments"),
                "use INOUT, or target PostgreSQL 14 or later",
            )
            return False
        if out and defaulted:
            ctx.error(
                "E229",
                f"procedure {name}: procedure OUT parameters cannot appear after one with a "
                "default value",
                where.span("arguments"),
                "move the OUT arguments before the defaulted ones",
            )
            return False
        defaulted = defaulted or " default " in part
    return True


def _check_transactions(ctx: Context, name: str, spec: ProcedureSpec, where: Located) -> None:
    if not _ends_transactions(spec, objects.routine_arguments(spec)):
        return
    if spec.language.strip().lower() == "sql":
        ctx.error(
            "E228",
            f"procedure {name}: COMMIT, ROLLBACK and other transaction statements are not "
            "allowed in an SQL procedure (CALL would fail)",
            where.span("body"),
            "write the procedure in plpgsql to commit in it",
        )
    elif spec.security_definer or spec.set:
        key = "security_definer" if spec.security_definer else "set"
        what = "SECURITY DEFINER" if spec.security_definer else "SET"
        ctx.error(
            "E227",
            f"procedure {name}: a procedure with {what} cannot COMMIT or ROLLBACK (CALL would "
            "fail: invalid transaction termination)",
            where.span(key),
            "drop the transaction control from the body, or this attribute",
        )


_TRANSACTION_STATEMENTS = ('"PLpgSQL_stmt_commit"', '"PLpgSQL_stmt_rollback"')


def _ends_transactions(spec: ProcedureSpec, arguments: str) -> bool:
    """The body commits or rolls back (only judged for bodies that parse: E064 reports others)."""
    language = spec.language.strip().lower()
    if fragments.body_problem(spec.body, spec.language, arguments, None) is not None:
        return False
    if language == "sql":
        return '"TransactionStmt"' in fragments.statements_tree(spec.body)
    if language == "plpgsql":
        tree = fragments.plpgsql_tree(spec.body, arguments, None)
        return any(kind in tree for kind in _TRANSACTION_STATEMENTS)
    return False
