"""Spec values (seed cells, partition bounds) judged by PostgreSQL's input rules for their type.

A YAML value reaches PostgreSQL as the literal `expressions.literal` renders: strings, dates,
lists and mappings as quoted literals (read by the column type's input function), numbers and
booleans as typed constants (which need an assignment cast to the column type). Everything here
answers only what is certain: a value PostgreSQL might accept is never called invalid, and two
values are called equal (or ordered) only when PostgreSQL would certainly agree.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from schemac.model.types import TypeSyntaxError, parse_type
from schemac.resolve import expressions

#: canonical base -> value kind; a base not listed is judged by nothing but its rendering
_KINDS: dict[str, str] = {
    "smallint": "int2",
    "smallserial": "int2",
    "integer": "int4",
    "serial": "int4",
    "bigint": "int8",
    "bigserial": "int8",
    "numeric": "numeric",
    "real": "float4",
    "double precision": "float8",
    "boolean": "bool",
    "uuid": "uuid",
    "date": "date",
    "timestamp": "timestamp",
    "timestamptz": "timestamptz",
    "json": "json",
    "jsonb": "json",
    "text": "text",
    "varchar": "text",
    "char": "char",
    "citext": "citext",
    "interval": "interval",
    "time": "time",
    "timetz": "time",
}
_INT_RANGES = {
    "int2": (-(2**15), 2**15 - 1, "smallint"),
    "int4": (-(2**31), 2**31 - 1, "integer"),
    "int8": (-(2**63), 2**63 - 1, "bigint"),
}
_DATETIMES = frozenset({"date", "timestamp", "timestamptz"})
#: what typed constants (unquoted numbers, booleans) may be assigned to: PostgreSQL has an
#: assignment cast from integer/numeric and boolean to these kinds, and to no others
_NUMBER_TARGETS = frozenset(
    {"int2", "int4", "int8", "numeric", "float4", "float8", "text", "char", "citext"}
)
_BOOL_TARGETS = frozenset({"bool", "text", "char", "citext"})
#: years PostgreSQL's date and timestamp types reach (datatype/timestamp.h, datatype/date.h)
_MAX_YEAR = {"date": 5874897, "timestamp": 294276, "timestamptz": 294276}
#: C isspace(), which PostgreSQL's input functions skip (Python's \s is wider)
_WS = " \t\n\r\f\v"
_DECIMAL_INT = re.compile(r"[+-]?\d+")
# PostgreSQL 16 also reads 0x/0o/0b integers and '_' between digits: accepted, not judged
_ANY_INT = re.compile(
    r"[+-]?(?:\d+(?:_\d+)*|0[xX][0-9a-fA-F]+(?:_[0-9a-fA-F]+)*|0[oO][0-7]+(?:_[0-7]+)*"
    r"|0[bB][01]+(?:_[01]+)*)"
)
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_ANY_NUMBER = re.compile(r"[+-]?(?:[\d_]+\.?[\d_]*|\.[\d_]+)(?:[eE][+-]?\d+)?|" + _ANY_INT.pattern)
_FLOAT_WORDS = frozenset({"nan", "infinity", "+infinity", "-infinity", "inf", "+inf", "-inf"})
_UUID = re.compile(r"(\{)?[0-9a-fA-F]{4}(?:-?[0-9a-fA-F]{4}){7}(?(1)\})")
_ISO = re.compile(
    r"(?P<y>\d{4,})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,6}))?)?"
    r"(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
#: words the date/time input functions take without a digit (accepted, never judged)
_DATE_WORDS = frozenset(
    {"epoch", "infinity", "-infinity", "now", "today", "tomorrow", "yesterday", "allballs"}
)
_CONTEXT = decimal.Context(prec=2100, Emax=10**6, Emin=-(10**6))


@dataclass(frozen=True)
class ValueType:
    """What is known of a column type for judging values: its kind and modifiers."""

    canonical: str
    #: an entry of _KINDS, "array", or "" for a type judged only by its rendering
    kind: str
    #: varchar/char length, or numeric precision
    length: int | None = None
    scale: int | None = None
    #: the enum's labels when the type is a spec enum
    labels: tuple[str, ...] | None = None


@functools.lru_cache(maxsize=4096)
def _value_type(canonical: str) -> ValueType:
    try:
        ref = parse_type(canonical)
    except TypeSyntaxError:
        return ValueType(canonical, "")
    if ref.array_dims:
        return ValueType(canonical, "array")
    kind = _KINDS.get(ref.base, "") if ref.schema is None else ""
    mods = [int(m) for m in ref.modifiers if m.isdigit()]
    length = mods[0] if mods and kind in ("text", "char", "numeric") else None
    scale = (mods[1] if len(mods) > 1 else 0) if kind == "numeric" and mods else None
    return ValueType(canonical, kind, length, scale)


def value_type(canonical: str, enums: dict[str, tuple[str, ...]]) -> ValueType:
    """The ValueType of a canonical column type (`enums`: spelled enum type -> labels)."""
    labels = enums.get(canonical)
    if labels is not None:
        return ValueType(canonical, "enum", labels=labels)
    return _value_type(canonical)


def problem(vt: ValueType, value: Any) -> str | None:
    """Why PostgreSQL would refuse `value` for a column of type `vt` (None: it may take it).

    Each answer names the error PostgreSQL raises; NULL is judged by the caller (NOT NULL).
    """
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        # rendered as the bare word nan/inf: PostgreSQL reads a column reference
        # (column "inf" does not exist)
        return f"{value!r} is written as a bare word PostgreSQL reads as a column name"
    kind = vt.kind
    if kind == "enum" and vt.labels is not None and str(value) not in vt.labels:
        return None  # not a label at all: the seed resolver reports it (E038)
    if isinstance(value, bool):
        if kind in _BOOL_TARGETS or kind == "":
            return _length_problem(vt, "true" if value else "false")
        # column "n" is of type integer but expression is of type boolean
        return f"a boolean is not a {vt.canonical} (PostgreSQL has no assignment cast)"
    if isinstance(value, int | float):
        if kind in _NUMBER_TARGETS:
            return _number_problem(vt, value)
        if kind == "":
            return None
        # column "d" is of type date but expression is of type integer
        return f"a number is not a {vt.canonical} (PostgreSQL has no assignment cast)"
    if isinstance(value, list | dict):
        return _composite_problem(vt, value)
    if isinstance(value, datetime.date):
        return _date_object_problem(vt, value)
    return _text_problem(vt, str(value))


def _length_problem(vt: ValueType, text: str) -> str | None:
    # value too long for type character varying(3); trailing spaces beyond the length are
    # dropped without an error, as the SQL standard says
    length = vt.length
    if vt.kind in ("text", "char") and length is not None and len(text.rstrip(" ")) > length:
        return f"'{text}' is longer than {vt.canonical} ({len(text)} characters)"
    return None


def _number_problem(vt: ValueType, value: int | float) -> str | None:
    kind = vt.kind
    if kind in _INT_RANGES:
        low, high, name = _INT_RANGES[kind]
        rounded = (
            _round_half_away(decimal.Decimal(repr(value))) if isinstance(value, float) else value
        )
        if not low <= rounded <= high:
            return f"{value!r} is out of range for {name}"  # integer out of range
        return None
    if kind == "numeric":
        return _numeric_overflow(vt, decimal.Decimal(repr(value)))
    if kind in ("text", "char") and isinstance(value, int):
        return _length_problem(vt, str(value))
    return None


def _round_half_away(number: decimal.Decimal) -> int:
    return int(number.to_integral_value(rounding=decimal.ROUND_HALF_UP, context=_CONTEXT))


def _numeric_overflow(vt: ValueType, number: decimal.Decimal) -> str | None:
    """numeric field overflow: the value rounded to the scale needs more than p - s digits."""
    if vt.length is None or vt.scale is None or not number.is_finite():
        return None
    try:
        rounded = number.quantize(
            decimal.Decimal(1).scaleb(-vt.scale), decimal.ROUND_HALF_UP, _CONTEXT
        )
    except decimal.InvalidOperation:
        return None
    if abs(rounded) >= decimal.Decimal(10) ** (vt.length - vt.scale):
        return (
            f"{number} does not fit {vt.canonical}: it must round to an absolute value below "
            f"10^{vt.length - vt.scale}"
        )
    return None


def _composite_problem(vt: ValueType, value: list[Any] | dict[str, Any]) -> str | None:
    kind = vt.kind
    if isinstance(value, list):
        if kind == "json":
            # a list renders as an array literal ('{"a","b"}'): invalid input syntax for type
            # json, or an empty object for []
            return "a YAML list is written as an array literal, not JSON"
        if kind in ("array", "", "text", "char", "citext"):
            return _length_problem(vt, expressions.literal(value)[1:-1].replace("''", "'"))
        # invalid input syntax for type integer: "{1,2}"
        return f"a list is not a {vt.canonical}"
    if kind in ("json", "array", ""):
        return None
    if kind in ("text", "char", "citext"):
        return _length_problem(vt, expressions.literal(value)[1:-1].replace("''", "'"))
    return f"a mapping is not a {vt.canonical}"


def _date_object_problem(vt: ValueType, value: datetime.date) -> str | None:
    """A YAML date or timestamp, rendered as a quoted ISO literal."""
    if vt.kind in (*_DATETIMES, "citext", "enum", "interval", "time", ""):
        return None  # enum labels are the seed resolver's (E038)
    text = value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
    return _text_problem(vt, text)


def _text_problem(vt: ValueType, text: str) -> str | None:
    """A quoted literal, read by the type's input function."""
    kind = vt.kind
    stripped = text.strip(_WS)
    if kind in _INT_RANGES:
        low, high, name = _INT_RANGES[kind]
        if _DECIMAL_INT.fullmatch(stripped):
            if not low <= int(stripped) <= high:
                # value "40000" is out of range for type smallint
                return f"'{text}' is out of range for {name}"
            return None
        if _ANY_INT.fullmatch(stripped):
            return None
        return f"'{text}' is not an integer"  # invalid input syntax for type integer
    if kind == "numeric":
        if stripped.lower() in _FLOAT_WORDS:
            return None
        if _DECIMAL.fullmatch(stripped):
            return _numeric_overflow(vt, decimal.Decimal(stripped))
        if _ANY_NUMBER.fullmatch(stripped):
            return None
        return f"'{text}' is not a number"  # invalid input syntax for type numeric
    if kind in ("float4", "float8"):
        if stripped.lower() in _FLOAT_WORDS or _ANY_NUMBER.fullmatch(stripped):
            if _DECIMAL.fullmatch(stripped):
                limit = 3.4028235e38 if kind == "float4" else math.inf
                number = float(stripped)
                if math.isinf(number) or abs(number) > limit:
                    # "1e400" is out of range for type double precision
                    return f"'{text}' is out of range for {vt.canonical}"
            return None
        return f"'{text}' is not a number"  # invalid input syntax for type double precision
    if kind == "bool":
        if _is_boolean(stripped.lower()):
            return None
        return f"'{text}' is not a boolean"  # invalid input syntax for type boolean
    if kind == "uuid":
        # PostgreSQL skips no white space in a uuid: invalid input syntax for type uuid
        return None if _UUID.fullmatch(text) else f"'{text}' is not a uuid"
    if kind in _DATETIMES:
        return _datetime_problem(kind, text, stripped)
    if kind == "json":
        try:
            json.loads(text, parse_constant=_no_constant)
        except ValueError as exc:
            # invalid input syntax for type json
            return f"'{text}' is not JSON ({str(exc).split(':')[0]})"
        return None
    if kind in ("text", "char"):
        return _length_problem(vt, text)
    if kind == "array" and not stripped.startswith(("{", "[")):
        # malformed array literal: Array value must start with "{" or dimension information
        return f"'{text}' is not an array literal (write a YAML list)"
    return None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _is_boolean(word: str) -> bool:
    """PostgreSQL's parse_bool: any prefix of true/false/yes/no, on/off from two letters, 1/0."""
    if not word:
        return False
    if word in ("1", "0"):
        return True
    if any(full.startswith(word) for full in ("true", "false", "yes", "no")):
        return True
    return len(word) >= 2 and ("on".startswith(word) or "off".startswith(word))


def _datetime_problem(kind: str, text: str, stripped: str) -> str | None:
    iso = _ISO.fullmatch(stripped)
    if iso is None:
        if not any(c.isdigit() for c in stripped) and stripped.lower() not in _DATE_WORDS:
            # invalid input syntax for type date: "soon"
            return f"'{text}' is not a {kind}"
        return None  # one of the many other spellings PostgreSQL reads
    year, month, day = int(iso["y"]), int(iso["m"]), int(iso["d"])
    if not (year >= 1 and 1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        # date/time field value out of range: "2024-02-30"
        return f"'{text}' is not a valid {kind}: no such day"
    if year > _MAX_YEAR[kind]:
        return f"'{text}' is past the last {kind} PostgreSQL holds"  # date out of range
    if iso["H"] is not None:
        hour, minute, second = int(iso["H"]), int(iso["M"]), int(iso["S"] or 0)
        if hour > 24 or minute > 59 or second > 60:
            # date/time field value out of range: "2024-01-01 25:00:00"
            return f"'{text}' is not a valid {kind}: no such time"
    return None


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31
