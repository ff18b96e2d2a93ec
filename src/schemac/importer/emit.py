"""Spec documents as YAML text: block mappings for structure, flow collections where marked.

The writer builds plain values (dict, list, str, int, bool) and marks with `Flow` what reads
best on one line (a column's long form, an index, a list of names). Every choice depends on the
value only, so the same catalog always gives the same bytes.

Scalars are written so that the loader (load/plain.py or load/compose.py, YAML 1.1 typing) reads
back exactly the same string: plain only when nothing in it could change meaning (no `: `, `#`,
flow indicators, leading indicator, a spelling YAML would type as a boolean, number, null or
date); otherwise double quotes, or single quotes when the text holds a `"` or `\\`, or double
quotes with escapes when it holds anything else. Multi-line text (function bodies, view queries)
is a `|` literal block when that keeps it exactly, with the chomping indicator its final line
breaks need.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from schemac.load.scalars import plain_scalar

#: widest flow line before a marked value is written as a block instead
WIDTH = 100
_INDENT = "  "
#: characters that may appear in a plain scalar, in block and flow context alike
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_ .()/+*<>=-]*$")
#: what YAML reads as itself on one line: printable, no line breaks (YAML 1.1 takes NEL, LS and
#: PS as line breaks too), no byte order mark
_PRINTABLE = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
_ONE_LINE = re.compile(f"[{_PRINTABLE}]*")
#: the same for a line of a literal block, which may also hold tabs after its first character
#: (a tab before any text would read as indentation, which the loader refuses)
_BLOCK_LINE = re.compile(f"(?:[{_PRINTABLE}][\t{_PRINTABLE}]*)?")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


@dataclass(frozen=True)
class Flow:
    """A list or mapping to write on one line (`[a, b]`, `{type: text, nullable: true}`) when it
    fits in WIDTH columns and holds no multi-line text; otherwise it is written as a block."""

    value: Mapping[str, Any] | Sequence[Any]


def document(data: Mapping[str, Any]) -> str:
    """The YAML text of a top-level mapping, ending with one line break."""
    lines: list[str] = []
    _mapping(lines, data, 0)
    return "\n".join(lines) + "\n"


#: a float spelling YAML 1.1 reads back as that float (a dot, no exponent)
YAML_FLOAT = re.compile(r"-?\d+\.\d+")


def scalar(value: Any) -> str:
    """One scalar as YAML (booleans, integers and strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if not isinstance(value, str):
        raise TypeError(f"cannot write {type(value).__name__} as a YAML scalar")
    if _is_plain(value):
        return value
    return quoted(value)


def _float(value: float) -> str:
    """A float as YAML 1.1 reads it back as that float (its exponent form needs a dot)."""
    text = repr(value)
    if "e" in text and "." not in text:
        text = text.replace("e", ".0e")
    if plain_scalar(text) != value:
        raise ValueError(f"cannot write the float {value!r} as YAML")
    return text


def quoted(text: str) -> str:
    """`text` as a one-line quoted scalar."""
    if _ONE_LINE.fullmatch(text):
        if '"' not in text and "\\" not in text:
            return f'"{text}"'
        if "'" not in text:
            return f"'{text}'"
    return '"' + "".join(_escape(ch) for ch in text) + '"'


def _escape(ch: str) -> str:
    short = _ESCAPES.get(ch)
    if short is not None:
        return short
    if _ONE_LINE.fullmatch(ch):
        return ch
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _is_plain(text: str) -> bool:
    if not _PLAIN.fullmatch(text) or text.endswith(" ") or "  " in text:
        return False
    if text.count("(") != text.count(")"):
        return False  # compose.py joins `numeric(19,4)`-like values split at a comma
    return plain_scalar(text) == text and type(plain_scalar(text)) is str


def key(text: str) -> str:
    """A mapping key: plain when it is a simple name YAML reads as that string, else quoted."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text) and plain_scalar(text) == text:
        return text
    return quoted(text)


def _multiline(value: Any) -> bool:
    """True for text written as a literal block (the lines below its key)."""
    return (
        isinstance(value, str) and "\n" in value and value.strip("\n") != "" and literal_fits(value)
    )


def _flat(value: Any) -> bool:
    """True when a value can be written in flow style (no literal block inside)."""
    if isinstance(value, Flow):
        value = value.value
    if isinstance(value, Mapping):
        return all(_flat(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_flat(v) for v in value)
    return not _multiline(value)


def _flow(value: Any) -> str:
    if isinstance(value, Flow):
        value = value.value
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value)


def _inline(value: Any, prefix_width: int) -> str | None:
    """The one-line form of a value placed after a `key: ` of `prefix_width` columns, or None
    when it goes on the lines below."""
    if isinstance(value, Flow):
        if _flat(value):
            text = _flow(value)
            if prefix_width + len(text) <= WIDTH or not value.value:
                return text
        return None
    if isinstance(value, Mapping | list | tuple):
        return "{}" if not value and isinstance(value, Mapping) else ("[]" if not value else None)
    if _multiline(value):
        return None
    return scalar(value)


def _mapping(lines: list[str], data: Mapping[str, Any], depth: int) -> None:
    pad = _INDENT * depth
    for name, value in data.items():
        head = f"{pad}{key(name)}:"
        inline = _inline(value, len(head) + 1)
        if inline is not None:
            lines.append(f"{head} {inline}")
            continue
        if _multiline(value):
            lines.append(f"{head} {_literal_header(value)}")
            _literal_body(lines, value, depth + 1)
            continue
        lines.append(head)
        _block(lines, value.value if isinstance(value, Flow) else value, depth + 1)


def _block(lines: list[str], value: Any, depth: int) -> None:
    if isinstance(value, Mapping):
        _mapping(lines, value, depth)
        return
    pad = _INDENT * depth
    for item in value:
        inner = item.value if isinstance(item, Flow) else item
        if isinstance(inner, Mapping) and inner and _inline(item, len(pad) + 2) is None:
            # a mapping item: its first key on the dash line, the others aligned under it
            sub: list[str] = []
            _mapping(sub, inner, depth + 1)
            sub[0] = f"{pad}- " + sub[0][len(pad) + 2 :]
            lines.extend(sub)
            continue
        inline = _inline(item, len(pad) + 2)
        if inline is not None:
            lines.append(f"{pad}- {inline}")
        elif _multiline(item):
            lines.append(f"{pad}- {_literal_header(item)}")
            _literal_body(lines, item, depth + 1)
        else:
            lines.append(f"{pad}-")
            _block(lines, inner, depth + 1)


def literal_fits(text: str) -> bool:
    """True when a `|` block holds `text` exactly: printable lines, none whose first character
    after its spaces is a tab (the loader takes that for tab indentation)."""
    return all(
        _BLOCK_LINE.fullmatch(line) and not line.lstrip(" ").startswith("\t")
        for line in text.split("\n")
    )


def _literal_header(text: str) -> str:
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    # YAML takes the indentation from the first line with text; say it explicitly when that line
    # starts with a space, or when a line of spaces comes before it (it would be read as more
    # indented than the text)
    indicator = ""
    for line in body.split("\n"):
        if line.strip(" "):
            indicator = str(len(_INDENT)) if line.startswith(" ") else ""
            break
        if line:
            indicator = str(len(_INDENT))
            break
    return f"|{indicator}{chomp}"


def _literal_body(lines: list[str], text: str, depth: int) -> None:
    pad = _INDENT * depth
    body = text[:-1] if text.endswith("\n") else text
    for line in body.split("\n"):
        lines.append(f"{pad}{line}" if line else "")
