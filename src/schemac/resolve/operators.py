"""User-defined operators (`operators:`, keyed by the symbol), codes E210-E214.

E210: the symbol is not an operator name as PostgreSQL's lexer reads one (characters, 63 at
most, no `--` or `/*`, a trailing + or - only with one of ~ ! @ # % ^ & | ` ?).
E211: no right operand (a prefix operator has only `rightarg`; postfix operators, `leftarg`
alone, were removed in PostgreSQL 14).
E212: an operand type that is not one type.
E213: the function is not a function name, or a spec function whose arguments are not the
operands, or a schema-qualified function no spec declares (outside pg_catalog).
E214: a commutator or negator that is not an operator name, a restrict or join estimator that
is not a function name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from schemac.load.loader import RawDoc
from schemac.model import fragments
from schemac.model.canonical import argument_types, canonical_type_text
from schemac.model.construct import construct
from schemac.model.names import operator_name_problem
from schemac.model.schema import Function, Operator
from schemac.resolve.context import Context, Located
from schemac.resolve.routines import function_ref
from schemac.spec.models import DocumentSpec, OperatorSpec

_OPERATOR_REF = re.compile(r"(?:([A-Za-z_][A-Za-z0-9_$]*)\.)?(\S+)")
_NOT_ONE_TYPE = re.compile(r"(?i)\s*(setof|table)\b")


def resolve_operators(
    ctx: Context,
    documents: Sequence[tuple[RawDoc, DocumentSpec]],
    functions: Sequence[Function],
) -> list[Operator]:
    """The `operators:` of every document; the function is a spec function (in the
    operator's schema, then public) or a built-in (pg_catalog)."""
    declared = {f.qualified_name: f for f in functions}
    out: list[Operator] = []
    for raw, spec in documents:
        for name, op in spec.operators.items():
            schema = op.schema_ or spec.schema_ or "public"
            where = Located(raw, spec, ("operators", name))
            problem = operator_name_problem(name)
            if problem is not None:
                ctx.error(
                    "E210",
                    f"operator '{name}' is not an operator name: {problem}",
                    where.key_span(),
                    "use characters of + - * / < > = ~ ! @ # % ^ & | ` ?, e.g. '~<<'",
                )
                continue
            resolved = _operator(ctx, name, op, where, schema, declared)
            if resolved is None:
                continue
            key = f"{name}({resolved.arguments})"
            if ctx.register("operator", schema, key, where.key_span(), "operator"):
                out.append(resolved)
    return out


def _operand(ctx: Context, name: str, key: str, text: str | None, where: Located) -> str | None:
    if text is None:
        return None
    problem = fragments.returns_problem(text)
    if problem is None and _NOT_ONE_TYPE.match(text):
        problem = "an operand is one type, not a set"
    if problem is not None:
        ctx.error(
            "E212",
            f"operator {name}: {key} must be one type: {problem}",
            where.span(key),
            "write one type, e.g. text or integer[]",
        )
        return ""
    return canonical_type_text(text.strip())


def _operator_ref(
    ctx: Context, name: str, ref: str | None, where: Located, key: str, schema: str
) -> tuple[str | None, str | None]:
    if ref is None:
        return None, None
    match = _OPERATOR_REF.fullmatch(ref.strip())
    problem = "it is empty" if match is None else operator_name_problem(match.group(2))
    if match is None or problem is not None:
        ctx.error(
            "E214",
            f"operator {name}: {key} '{ref}' is not an operator name: {problem}",
            where.span(key),
            "write the other operator's symbol, e.g. '>>~', or schema.symbol",
        )
        return "", ""
    return match.group(1) or schema, match.group(2)


def _operator(
    ctx: Context,
    name: str,
    spec: OperatorSpec,
    where: Located,
    schema: str,
    declared: dict[str, Function],
) -> Operator | None:
    if spec.rightarg is None:
        ctx.error(
            "E211",
            f"operator {name}: rightarg is missing",
            where.key_span(),
            "give rightarg (and leftarg for a binary operator); postfix operators were "
            "removed in PostgreSQL 14",
        )
        return None
    left = _operand(ctx, name, "leftarg", spec.leftarg, where)
    right = _operand(ctx, name, "rightarg", spec.rightarg, where)
    function = function_ref(
        ctx,
        f"operator {name}",
        spec.function,
        where,
        "function",
        schema,
        declared,
        "E213",
        qualified_declared=True,
    )
    if left == "" or right == "" or function is None:
        return None
    fn = declared.get(f"{function[0]}.{function[1]}")
    operands = ", ".join(t for t in (left, right) if t is not None)
    if fn is not None and argument_types(fn.arguments) != argument_types(operands):
        ctx.error(
            "E213",
            f"operator {name}: function {function[1]}({fn.arguments}) does not take the "
            f"operands ({operands})",
            where.span("function"),
            "make leftarg and rightarg the function's argument types",
        )
        return None
    commutator = _operator_ref(ctx, name, spec.commutator, where, "commutator", schema)
    negator = _operator_ref(ctx, name, spec.negator, where, "negator", schema)
    estimators: list[tuple[str, str] | None] = []
    for key, ref in (("restrict", spec.restrict), ("join", spec.join)):
        estimators.append(
            None
            if ref is None
            else function_ref(
                ctx,
                f"operator {name}",
                ref,
                where,
                key,
                schema,
                declared,
                "E214",
                qualified_declared=True,
            )
        )
    if "" in (commutator[1], negator[1]) or any(
        e is None and r is not None
        for e, r in zip(estimators, (spec.restrict, spec.join), strict=True)
    ):
        return None
    restrict, join = estimators
    return construct(
        Operator,
        schema_name=schema,
        name=name,
        function_schema=function[0],
        function=function[1],
        leftarg=left,
        rightarg=right,
        commutator_schema=commutator[0],
        commutator=commutator[1],
        negator_schema=negator[0],
        negator=negator[1],
        restrict_schema=restrict[0] if restrict else None,
        restrict=restrict[1] if restrict else None,
        join_schema=join[0] if join else None,
        join=join[1] if join else None,
        hashes=spec.hashes,
        merges=spec.merges,
        description=spec.description,
        span=where.key_span(),
    )
