"""Type modifiers PostgreSQL refuses (or silently changes), judged once per distinct spelling."""

from __future__ import annotations

import functools
from typing import NamedTuple

from schemac.model.types import TypeSyntaxError, parse_type

#: the largest integer the SQL lexer reads as an integer: a longer modifier is a float constant,
#: and `varchar(99999999999)` is `syntax error at or near "99999999999"`
_MAX_INT4 = 2**31 - 1
#: (least, greatest) length of the string and bit types (utils/adt/varchar.c, varbit.c:
#: "length for type varchar must be at least 1", "... cannot exceed 10485760")
_LENGTHS = {
    "varchar": (1, 10485760),
    "char": (1, 10485760),
    "bit": (1, 83886080),
    "varbit": (1, 83886080),
}
#: PostgreSQL's MAX_TIMESTAMP_PRECISION / MAX_TIME_PRECISION / MAX_INTERVAL_PRECISION
_MAX_SECONDS_PRECISION = 6
_SECONDS_TYPES = {
    "timestamp": "TIMESTAMP({p})",
    "timestamptz": "TIMESTAMP({p}) WITH TIME ZONE",
    "time": "TIME({p})",
    "timetz": "TIME({p}) WITH TIME ZONE",
    "interval": "INTERVAL({p})",
}
#: PostgreSQL 15 lets a numeric scale run from -1000 to 1000, independently of the precision
_NUMERIC_FREE_SCALE_SINCE = 15


class TypeProblem(NamedTuple):
    code: str
    message: str
    help: str


@functools.lru_cache(maxsize=4096)
def modifier_problem(canonical: str, version: int) -> TypeProblem | None:
    """What PostgreSQL `version` says about the modifiers of a canonical type, or None.

    Cached: a schema spells its thousands of columns with a few dozen types.
    """
    try:
        ref = parse_type(canonical)
    except TypeSyntaxError:
        return None  # reported by the resolver (E030)
    if not ref.modifiers or ref.schema is not None:
        return None
    mods = [int(m) for m in ref.modifiers if m.isdigit()]
    base = ref.base
    huge = next((m for m in mods if m > _MAX_INT4), None)
    if huge is not None:
        return TypeProblem(
            "E100",
            f"type {canonical}: the modifier {huge} is beyond what PostgreSQL reads (syntax error)",
            f"use a modifier of at most {_MAX_INT4}" + _limit_hint(base),
        )
    if base in _LENGTHS:
        least, greatest = _LENGTHS[base]
        if not least <= mods[0] <= greatest:
            # length for type varchar must be at least 1 / cannot exceed 10485760
            return TypeProblem(
                "E100",
                f"type {canonical}: the length of {base} must be between {least} and {greatest}",
                "use text for unbounded strings"
                if base in ("varchar", "char")
                else f"use a length from {least} to {greatest}",
            )
    if base == "numeric":
        return _numeric_problem(canonical, mods, version)
    if base in _SECONDS_TYPES and mods[0] > _MAX_SECONDS_PRECISION:
        # WARNING: TIMESTAMP(7) WITH TIME ZONE precision reduced to maximum allowed, 6
        spelled = _SECONDS_TYPES[base].format(p=mods[0])
        return TypeProblem(
            "E101",
            f"type {canonical}: PostgreSQL cuts {spelled} to precision 6 with only a warning",
            f"write {base}(6) (microseconds, the finest PostgreSQL keeps)",
        )
    return None


def _numeric_problem(canonical: str, mods: list[int], version: int) -> TypeProblem | None:
    precision = mods[0]
    if not 1 <= precision <= 1000:
        # NUMERIC precision 1001 must be between 1 and 1000
        return TypeProblem(
            "E100",
            f"type {canonical}: numeric precision {precision} must be between 1 and 1000",
            "use numeric without modifiers for unbounded precision",
        )
    if len(mods) < 2:
        return None
    scale = mods[1]
    if version >= _NUMERIC_FREE_SCALE_SINCE:
        if scale > 1000:
            # NUMERIC scale 1001 must be between -1000 and 1000
            return TypeProblem(
                "E100",
                f"type {canonical}: numeric scale {scale} must be between -1000 and 1000",
                "use a scale of at most 1000",
            )
        return None
    if scale > precision:
        # before PostgreSQL 15 (numeric.c): NUMERIC scale 3 must be between 0 and precision 2
        return TypeProblem(
            "E100",
            f"type {canonical}: PostgreSQL {version} needs a numeric scale between 0 and the "
            f"precision {precision}",
            f"use numeric({scale},{scale}) or a larger precision (PostgreSQL 15 allows a "
            "scale above the precision)",
        )
    return None


def _limit_hint(base: str) -> str:
    if base in _LENGTHS:
        return f" ({base} takes at most {_LENGTHS[base][1]})"
    return ""
