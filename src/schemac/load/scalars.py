"""YAML 1.1 typing of scalars and mapping keys, shared by both YAML readers (plain.py and
compose.py), so that a document reads the same whichever of them reads it."""

from __future__ import annotations

import re
from typing import Any

#: a data path (mapping keys and sequence indexes from the root) and a 1-based (line, col)
Path_ = tuple[str | int, ...]
Position = tuple[int, int]

_TAG_NAMES = {
    "tag:yaml.org,2002:timestamp": "date",
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:bool": "boolean",
}


class ScalarError(ValueError):
    """A scalar its tag (or its plain spelling) promises a value it does not hold: `2026-13-45`,
    `!!int x`, an integer of 5,000 digits. Each reader reports it at the scalar."""


_PLAIN_VALUES: dict[str, Any] = {
    **dict.fromkeys(("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"), False),
    **dict.fromkeys(("null", "Null", "NULL", "~", ""), None),
}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$")
_DATE = re.compile(r"^\d{4}-\d\d?-\d\d?$")
_TIMESTAMP = re.compile(r"^\d{4}-\d\d?-\d\d?(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d")


def plain_scalar(text: str) -> Any:
    """The value of an untagged plain scalar: YAML 1.1 booleans, nulls, numbers and dates."""
    if text in _PLAIN_VALUES:
        return _PLAIN_VALUES[text]
    first = text[:1]
    if first.isdigit() or first in "-+.":
        if _INT.match(text):
            try:
                return int(text.replace("_", ""))
            except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
                raise ScalarError(f"the number {text[:20]}... has too many digits") from None
        if _FLOAT.match(text) and any(ch.isdigit() for ch in text):
            return float(text.replace("_", ""))
        if _DATE.match(text) or _TIMESTAMP.match(text):
            return tagged(text, "tag:yaml.org,2002:timestamp", None)
    return text


def key_text_of(written: str, value: Any) -> str:
    """A mapping key as data: true/null/dates keep their spelling; numbers are normalised."""
    if type(value) is str:
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return written
    return str(value)


def tagged(text: str, tag: str, style: str | None) -> Any:
    """Construct a scalar through PyYAML's safe constructor (dates, explicit tags)."""
    import yaml  # late: plain specs, read by load/plain.py, need no PyYAML

    node = yaml.ScalarNode(tag, text, None, None, style)
    try:
        return yaml.SafeLoader("").construct_object(node, deep=True)
    except yaml.YAMLError:
        return node.value
    except (ValueError, LookupError, AttributeError, TypeError) as exc:
        # the safe constructor's own errors for a spelling its regex let through (a month 13)
        # or a tag it does not check (`!!int x`)
        shown = text if len(text) <= 40 else f"{text[:40]}..."
        what = _TAG_NAMES.get(tag, tag.rsplit(":", 1)[-1])
        reason = f": {exc}" if isinstance(exc, ValueError) and len(str(exc)) < 80 else ""
        raise ScalarError(f"'{shown}' is not a valid {what}{reason}") from None
