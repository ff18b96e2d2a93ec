"""Spec values compared as PostgreSQL compares them: equal keys, and orders that are certain.

Used for duplicate seed keys, dangling references and overlapping partition bounds; anything
PostgreSQL might order otherwise (text under a collation, a timestamptz read in an unknown time
zone) is "not known", never guessed.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from schemac.resolve import expressions
from schemac.resolve.values import (
    _CONTEXT,
    _DECIMAL,
    _DECIMAL_INT,
    _INT_RANGES,
    _ISO,
    _UUID,
    _WS,
    ValueType,
    _is_boolean,
)

#: timestamptz values without an offset are read in the session time zone: two of them (or one
#: and a value with an offset) are ordered for certain only when they lie a day apart
_ZONE_SLACK = 86400


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date, for any year (datetime stops at
    9999; PostgreSQL's dates do not)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@dataclass(frozen=True)
class Key:
    """A value as PostgreSQL compares it. `exact`: equal keys <=> equal values. Otherwise only
    equal keys => equal values (the same literal of the same type is the same value)."""

    exact: bool
    value: Hashable


def key(vt: ValueType, value: Any) -> Key:
    """The comparison key of a (valid) value of type `vt`; NULL is the caller's business."""
    exact = _exact_key(vt, value)
    if exact is not None:
        return Key(True, exact)
    return Key(False, expressions.literal(value))


def _exact_key(vt: ValueType, value: Any) -> Hashable | None:
    kind = vt.kind
    if isinstance(value, list | dict) or kind == "":
        return None
    if kind in _INT_RANGES:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip(_WS)
        return int(text) if isinstance(value, str) and _DECIMAL_INT.fullmatch(text) else None
    if kind == "numeric" and vt.scale is None and not isinstance(value, bool):
        text = repr(value) if isinstance(value, int | float) else str(value).strip(_WS)
        if _DECIMAL.fullmatch(text):
            return decimal.Decimal(text).normalize(_CONTEXT)
        return None
    if kind == "bool":
        if isinstance(value, bool):
            return value
        word = str(value).strip(_WS).lower()
        if not _is_boolean(word):
            return None
        return word[0] in "ty1" or word == "on"
    if kind == "uuid" and isinstance(value, str) and _UUID.fullmatch(value):
        return re.sub(r"[^0-9a-f]", "", value.lower())
    if kind in ("text", "char") and isinstance(value, str):
        # text equality is exact under deterministic collations (the default); char pads
        return value.rstrip(" ") if kind == "char" else value
    if kind == "enum" and isinstance(value, str):
        return value
    if kind in ("date", "timestamp"):
        moment = _moment(value)
        if moment is not None and (kind == "timestamp" or moment[1] == 0):
            return moment[0] if kind == "timestamp" else moment[0] // 86400
    if kind == "timestamptz":
        moment = _moment(value)
        if moment is not None and moment[2] is not None:
            return moment[0] - moment[2]
    return None


def _moment(value: Any) -> tuple[int, int, int | None] | None:
    """(wall-clock microseconds since the epoch, microseconds past midnight, UTC offset in
    microseconds or None) of a date or an ISO timestamp; None for other spellings."""
    if isinstance(value, datetime.datetime):
        value = value.isoformat(sep=" ")
    elif isinstance(value, datetime.date):
        value = value.isoformat()
    if not isinstance(value, str):
        return None
    iso = _ISO.fullmatch(value.strip(_WS))
    if iso is None:
        return None
    days = _days_from_civil(int(iso["y"]), int(iso["m"]), int(iso["d"]))
    fraction = (iso["f"] or "").ljust(6, "0")
    clock = (
        int(iso["H"] or 0) * 3600 + int(iso["M"] or 0) * 60 + int(iso["S"] or 0)
    ) * 10**6 + int(fraction or 0)
    offset: int | None = None
    tz = iso["tz"]
    if tz == "Z":
        offset = 0
    elif tz:
        digits = tz[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        offset = (minutes if tz[0] == "+" else -minutes) * 60 * 10**6
    return days * 86400 * 10**6 + clock, clock, offset


def compare(vt: ValueType, a: Any, b: Any) -> int | None:
    """-1, 0 or 1 when PostgreSQL certainly orders a before, with, or after b; else None.

    MINVALUE / MAXVALUE (as the strings of a range bound) sort first and last.
    """
    ends = {"minvalue": -1, "maxvalue": 1}
    a_end = ends.get(a.lower(), 0) if isinstance(a, str) else 0
    b_end = ends.get(b.lower(), 0) if isinstance(b, str) else 0
    if a_end or b_end:
        return (a_end > b_end) - (a_end < b_end) if a_end != b_end else 0
    kind = vt.kind
    if kind == "timestamptz":
        return _compare_zoned(a, b)
    if kind in ("text", "char", "citext", "enum", "json", "") or kind == "array":
        # text order depends on the collation; equal literals are still certainly equal
        ka, kb = key(vt, a), key(vt, b)
        return 0 if ka == kb else None
    ka, kb = key(vt, a), key(vt, b)
    if not (ka.exact and kb.exact):
        return 0 if ka == kb else None
    x: Any = ka.value
    y: Any = kb.value
    try:
        return int(x > y) - int(x < y)
    except TypeError:
        return None


def _compare_zoned(a: Any, b: Any) -> int | None:
    ma, mb = _moment(a), _moment(b)
    if ma is None or mb is None:
        return 0 if expressions.literal(a) == expressions.literal(b) else None
    if ma[2] is not None and mb[2] is not None:
        x, y = ma[0] - ma[2], mb[0] - mb[2]
        return (x > y) - (x < y)
    if ma[2] is None and mb[2] is None and ma[0] == mb[0]:
        return 0
    x, y = ma[0] - (ma[2] or 0), mb[0] - (mb[2] or 0)
    if abs(x - y) >= _ZONE_SLACK * 10**6:
        return (x > y) - (x < y)
    return None
