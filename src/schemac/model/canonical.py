"""Canonical spellings of SQL fragments, so that a spec and pg_catalog can be compared.

PostgreSQL stores expressions as trees and prints them back in its own spelling: it adds
parentheses, casts literals to the type they are used as (`'free'::tenant_plan`, `'-1'::integer`,
`ARRAY['a'::character varying]::text[]`), casts varchar columns to text (`(email)::text`), prints
`LIKE` as `~~` and `IN (...)` as `= ANY (ARRAY[...])`. `canonical_expr` parses both sides with
pglast and undoes exactly those rewrites, so a real difference (another column, operator, constant
or function) still shows while a spelling difference does not.

View bodies are rewritten far more (`*` expanded, columns qualified); verify/canonical.py lets the
server itself produce the canonical form of a spec query. Partition bounds are compared with
`same_literals` (see literal_value: a timestamptz bound is an instant, other dates wall-clock
values).

This module is the one notion of "the same expression" shared by the planner (snapshot versus
specs), verification (catalog versus specs) and drift detection.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from schemac.model.types import TypeSyntaxError, canonical_type

if TYPE_CHECKING:
    from schemac.model.schema import Exclusion

#: qualifiers PostgreSQL leaves out when printing (search_path is `public` while introspecting)
_IMPLICIT_SCHEMAS = frozenset({"pg_catalog", "public"})
#: casts PostgreSQL adds to varchar/char columns where a text operator or function is applied
_TEXT_TYPES = frozenset({"text", "varchar", "bpchar"})
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_INTEGER = re.compile(r"^-?\d+$")


def squash(text: str) -> str:
    """Text with runs of whitespace collapsed (the fallback when SQL cannot be parsed)."""
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def canonical_expr(expr: str) -> str:
    """The canonical spelling of a scalar SQL expression (defaults, checks, policies, index keys).

    Unparseable text falls back to whitespace-collapsed text, so a comparison still works for the
    exotic cases pglast does not know.
    """
    from pglast import parser
    from pglast.stream import RawStream

    try:
        stmts: Any = parser.parse_sql("SELECT " + expr)
    except Exception:  # pglast raises its own ParseError; any failure means "compare as text"
        return squash(expr)
    targets = stmts[0].stmt.targetList if len(stmts) == 1 else None
    if not targets or len(targets) != 1:
        return squash(expr)
    return str(RawStream()(_normalise(targets[0].val)))


def same_expr(a: str | None, b: str | None) -> bool:
    """True when two optional expressions are the same up to PostgreSQL's rewrites."""
    if a is None or b is None:
        return a is None and b is None
    return a == b or canonical_expr(a) == canonical_expr(b)


def same_text(a: str, b: str) -> bool:
    """Equal up to whitespace runs (view bodies, as printed by pg_get_viewdef on both sides)."""
    return squash(a).rstrip(";").rstrip() == squash(b).rstrip(";").rstrip()


def _normalise(node: Any) -> Any:
    """Rewrite a pglast node tree bottom-up into the canonical shape; returns the new root."""
    from pglast import ast

    if isinstance(node, tuple):
        return tuple(_normalise(n) for n in node)
    if not isinstance(node, ast.Node):
        return node
    slots: Any = getattr(type(node), "__slots__", ())
    for slot in slots:
        value = getattr(node, slot, None)
        if isinstance(value, ast.Node | tuple):
            setattr(node, slot, _normalise(value))
    if isinstance(node, ast.TypeName):
        return _strip_schema(node, "names")
    if isinstance(node, ast.FuncCall):
        return _strip_schema(node, "funcname")
    if isinstance(node, ast.TypeCast):
        return _uncast(node)
    if isinstance(node, ast.SQLValueFunction):
        return _sql_value_function(node)
    if isinstance(node, ast.A_Expr):
        return _a_expr(node)
    if isinstance(node, ast.BoolExpr):
        return _flatten_bool(node)
    return node


def _strip_schema(node: Any, slot: str) -> Any:
    names = getattr(node, slot)
    if names and len(names) == 2 and names[0].sval in _IMPLICIT_SCHEMAS:
        setattr(node, slot, names[1:])
    return node


def _is_literal(node: Any) -> bool:
    from pglast import ast

    if isinstance(node, ast.A_Const):
        return True
    if isinstance(node, ast.A_ArrayExpr):
        return all(_is_literal(e) for e in node.elements or ())
    return False


def _uncast(node: Any) -> Any:
    """Drop the casts PostgreSQL adds: on literals (it types every constant), text on columns."""
    from pglast import ast

    arg = node.arg
    names: Any = node.typeName.names or ()
    if _is_literal(arg):
        return _numeric_if_number(arg)
    if (
        isinstance(arg, ast.ColumnRef)
        and len(names) == 1
        and names[0].sval in _TEXT_TYPES
        and not node.typeName.arrayBounds
    ):
        return arg
    return node


def _numeric_if_number(node: Any) -> Any:
    """`'-1'::integer` (how PostgreSQL prints a negative default) is the number -1."""
    from pglast import ast

    if not isinstance(node, ast.A_Const) or not isinstance(node.val, ast.String):
        return node
    text: str = node.val.sval or ""
    if _INTEGER.match(text) and abs(int(text)) < 2**31:
        return ast.A_Const(isnull=False, val=ast.Integer(ival=int(text)))
    if _NUMBER.match(text):
        return ast.A_Const(isnull=False, val=ast.Float(fval=text))
    return node


def _sql_value_function(node: Any) -> Any:
    """CURRENT_TIMESTAMP is now() (PostgreSQL keeps whichever spelling was written)."""
    from pglast import ast, enums

    if node.op == enums.SQLValueFunctionOp.SVFOP_CURRENT_TIMESTAMP:
        return ast.FuncCall(funcname=(ast.String(sval="now"),), args=None)
    return node


def _a_expr(node: Any) -> Any:
    from pglast import ast, enums

    kind = enums.A_Expr_Kind
    if node.kind in (kind.AEXPR_LIKE, kind.AEXPR_ILIKE):
        # `x LIKE y` is stored as the operator ~~ (ILIKE as ~~*) and printed that way
        node.kind = kind.AEXPR_OP
    elif node.kind == kind.AEXPR_IN:
        # `x IN (a, b)` is stored as `x = ANY (ARRAY[a, b])`; NOT IN as `x <> ALL (...)`
        op = node.name[0].sval
        node.kind = kind.AEXPR_OP_ANY if op == "=" else kind.AEXPR_OP_ALL
        node.rexpr = ast.A_ArrayExpr(elements=tuple(node.rexpr))
    elif node.kind in (kind.AEXPR_BETWEEN, kind.AEXPR_NOT_BETWEEN):
        # BETWEEN is expanded into two comparisons when it is stored
        low, high = node.rexpr
        negated = node.kind == kind.AEXPR_NOT_BETWEEN
        ops = ("<", ">") if negated else (">=", "<=")
        parts = tuple(
            ast.A_Expr(kind=kind.AEXPR_OP, name=(ast.String(sval=op),), lexpr=node.lexpr, rexpr=v)
            for op, v in zip(ops, (low, high), strict=True)
        )
        boolop = enums.BoolExprType.OR_EXPR if negated else enums.BoolExprType.AND_EXPR
        return ast.BoolExpr(boolop=boolop, args=parts)
    return node


def _flatten_bool(node: Any) -> Any:
    """`a AND (b AND c)` is one AND of three terms (PostgreSQL prints it without the nesting)."""
    from pglast import ast, enums

    if node.boolop == enums.BoolExprType.NOT_EXPR:
        return node
    args: list[Any] = []
    for arg in node.args:
        if isinstance(arg, ast.BoolExpr) and arg.boolop == node.boolop:
            args.extend(arg.args or ())
        else:
            args.append(arg)
    node.args = tuple(args)
    return node


# --- types, function signatures -----------------------------------------------------------------


def canonical_type_text(text: str) -> str:
    """canonical_type(), tolerant of spellings it does not read (`SETOF x`, `TABLE(...)`)."""
    stripped = squash(text)
    lowered = stripped.lower()
    if lowered.startswith("setof "):
        return "setof " + canonical_type_text(stripped[len("setof ") :])
    if lowered.startswith("table(") and stripped.endswith(")"):
        return "table(" + canonical_arguments(stripped[len("table(") : -1]) + ")"
    try:
        ref = canonical_type(stripped)
    except TypeSyntaxError:
        return stripped
    return ref[len("public.") :] if ref.startswith("public.") else ref


@lru_cache(maxsize=1024)
def canonical_arguments(arguments: str) -> str:
    """A function argument list with canonical types and defaults (`a int` == `a integer`)."""
    from pglast import parser
    from pglast.stream import RawStream

    if not arguments.strip():
        return ""
    try:
        parsed: Any = parser.parse_sql(f"CREATE FUNCTION f({arguments}) RETURNS void AS ''")
        stmt = parsed[0].stmt
    except Exception:  # not a valid list: compare as text
        return squash(arguments)
    parts = []
    for param in stmt.parameters or ():
        words = []
        mode = str(getattr(param.mode, "value", param.mode))
        if mode in ("o", "b", "v", "t"):
            words.append({"o": "out", "b": "inout", "v": "variadic", "t": "table"}[mode])
        if param.name:
            words.append(param.name)
        words.append(canonical_type_text(str(RawStream()(param.argType))))
        if param.defexpr is not None:
            words.append("default " + str(RawStream()(_normalise(param.defexpr))))
        parts.append(" ".join(words))
    return ", ".join(parts)


def without_in_modes(arguments: str) -> str:
    """A procedure's argument list as pg_get_function_arguments writes it (`IN a integer`),
    without the IN mode it spells out and a spec leaves implicit."""
    return ", ".join(a.removeprefix("IN ") for a in split_top_level(arguments))


def argument_types(arguments: str, *, outs: bool = False) -> str:
    """The identity of a function's signature: its input argument types only (and its OUT
    arguments' with `outs`, as a procedure's identity holds them)."""
    kept = []
    for part in split_top_level(canonical_arguments(arguments)):
        words = part.split(" default ", 1)[0].split()
        if words and words[0] in ("out", "table") and not outs:
            continue
        if words and words[0] in ("out", "inout", "variadic"):
            words = words[1:]
        kept.append(words[-1] if len(words) >= 2 else " ".join(words))
    return ", ".join(kept)


def split_top_level(text: str) -> list[str]:
    """Split on commas outside parentheses and quotes."""
    parts: list[str] = []
    current: list[str] = []
    depth, quoted = 0, False
    for ch in text:
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        elif not quoted and depth == 0 and ch == ",":
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def split_keys(text: str) -> tuple[str, ...]:
    """Partition keys as pg_get_partkeydef prints them inside `RANGE (...)`."""
    return tuple(_unquote_ident(p) for p in split_top_level(text))


def _unquote_ident(text: str) -> str:
    if len(text) > 1 and text[0] == text[-1] == '"':
        return text[1:-1].replace('""', '"')
    return text


# --- partition bound literals -------------------------------------------------------------------


def utc_literal(literal: str) -> str:
    """A bound of a `timestamptz` partition key with its UTC offset written out.

    PostgreSQL reads a timestamptz literal without an offset in the session's TimeZone, so
    `FROM ('2024-01-01')` would put the bound at another instant for every deployment whose
    session zone differs; schemac means UTC. A quoted ISO date or date-time without an offset
    (`'2024-01-01'`, `'2024-01-01 10:30'`) becomes `'2024-01-01 00:00:00+00'`; a literal with an
    offset or a zone, MINVALUE/MAXVALUE and any other spelling are left as they are.
    """
    text = literal.strip()
    if len(text) < 2 or text[0] != "'" or text[-1] != "'":
        return literal
    inner = text[1:-1]
    if "'" in inner or not re.match(r"^\d{4}-\d{2}-\d{2}", inner):
        return literal
    try:
        moment = datetime.fromisoformat(inner)
    except ValueError:
        return literal
    if moment.tzinfo is not None:
        return literal
    return f"'{moment.isoformat(sep=' ')}+00'"


def zoned_keys(table: Any) -> tuple[bool, ...]:
    """Per partition key of `table` (a model Table): whether it is a `timestamptz` column, whose
    bounds render with a UTC offset (utc_literal) and compare as instants."""
    if table.partitioning is None:
        return ()
    types = {column.name: column.type for column in table.columns}
    return tuple(_zoned_type(types.get(key)) for key in table.partitioning.keys)


@lru_cache(maxsize=256)
def _zoned_type(text: str | None) -> bool:
    from schemac.model.types import parse_type

    if text is None:
        return False
    try:
        ref = parse_type(text)
    except TypeSyntaxError:
        return False
    return ref.base == "timestamptz" and ref.array_dims == 0 and ref.schema is None


def literal_value(literal: str, zoned: bool = False) -> str | datetime | date | Decimal:
    """A partition bound literal as a comparable value.

    For a `timestamptz` key (`zoned`) a bound is an instant: a literal with an offset is taken
    to UTC, one without is UTC already (schemac renders it with `+00`, see utc_literal), so
    `'2026-01-01'` (spec), `'2026-01-01 00:00:00+00'` (PostgreSQL in a UTC session) and
    `'2025-12-31 19:00:00-05'` (the same bound printed in America/New_York) are the same bound.
    For other keys PostgreSQL ignores an offset (`timestamp`, `date`), so it is dropped and the
    wall-clock values compare. A number compares by value (`'10'` == `10`), MINVALUE/MAXVALUE
    case-insensitively, anything else as its unquoted text.
    """
    text = literal.strip()
    if text.upper() in ("MINVALUE", "MAXVALUE"):
        return text.upper()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        text = text[1:-1].replace("''", "'")
    if _NUMBER.match(text):
        try:
            return Decimal(text).normalize()
        except InvalidOperation:
            return text
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        if zoned and moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        return moment.replace(tzinfo=None)
    return text


def same_literals(
    a: Sequence[str] | None, b: Sequence[str] | None, zoned: Sequence[bool] = ()
) -> bool:
    """Range bounds (one literal per partition key; `zoned` as zoned_keys gives it)."""
    if a is None or b is None:
        return a is None and b is None
    if len(a) != len(b):
        return False
    flags = [i < len(zoned) and zoned[i] for i in range(len(a))]
    return all(
        literal_value(x, z) == literal_value(y, z) for x, y, z in zip(a, b, flags, strict=True)
    )


def same_literal_sets(
    a: Sequence[str] | None, b: Sequence[str] | None, zoned: Sequence[bool] = ()
) -> bool:
    """List partition values: order is irrelevant to PostgreSQL (one key: `zoned[0]`)."""
    if a is None or b is None:
        return a is None and b is None
    z = bool(zoned) and zoned[0]
    return sorted(str(literal_value(x, z)) for x in a) == sorted(
        str(literal_value(y, z)) for y in b
    )


def same_exclusion(a: Exclusion, b: Exclusion) -> bool:
    """The same constraint apart from its name and comment (expressions and the predicate up
    to PostgreSQL's rewrites)."""

    def key(ex: Exclusion) -> list[tuple[object, ...]]:
        return [
            (
                e.column,
                canonical_expr(e.expression) if e.expression is not None else None,
                e.opclass.lower() if e.opclass else None,
                e.operator,
                e.operator_schema,
            )
            for e in ex.elements
        ]

    return (
        a.method == b.method
        and key(a) == key(b)
        and same_expr(a.where, b.where)
        and a.include == b.include
        and (a.deferrable, a.initially_deferred) == (b.deferrable, b.initially_deferred)
    )
