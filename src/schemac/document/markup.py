"""Markdown that shows spec text exactly as written and is never steered by it.

Names, expressions and prose in the specs are untrusted: a description may hold `|` (which would
split a table cell), a line break (which would end a table row), HTML (which a renderer would
run), or Markdown (a heading, a link, an image that loads a remote URL). Everything taken from
the specs goes through `text` (prose) or `code` (names, types, SQL); nothing else builds cells,
list items or headings. The result is CommonMark/GFM that renders the characters themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from schemac.diagnostics import printable

#: every character Python's str.splitlines breaks at, and the runs of space around them
_LINE_BREAKS = re.compile(r"[ \t]*[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+[ \t]*")
#: characters Markdown gives a meaning inside a line; each is written with a backslash (`@`:
#: GFM links e-mail addresses)
_ACTIVE = frozenset("\\`*[]|~$@")
#: what GFM turns into a link by itself (`http://...`, `www.`): the escaped `:` or `.` stops it
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<![a-z0-9])(www)(\.)")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
#: what turns the start of a line into a block: a heading, list or rule marker (a quote's `>`
#: is an entity already), or the delimiter of an ordered list item (`1.`, `1)`)
_BLOCK_MARK = re.compile(r"^[#+=-]")
_ORDERED = re.compile(r"^(\d+)([.)])")
_BACKTICKS = re.compile(r"`+")


def one_line(value: str) -> str:
    """`value` on one line: line breaks become spaces, other invisible characters escapes."""
    return printable(_LINE_BREAKS.sub(" ", value).strip())


def text(value: str) -> str:
    """Prose from the specs as inline Markdown that renders exactly its characters."""
    flat = one_line(value)
    out: list[str] = []
    for i, ch in enumerate(flat):
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in _ACTIVE:
            out.append("\\" + ch)
        elif ch == "_" and not _intraword(flat, i):
            out.append("\\_")  # snake_case stays readable: GFM never emphasises inside a word
        else:
            out.append(ch)
    return _AUTOLINK.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", "".join(out))


def paragraph(value: str) -> str:
    """Prose from the specs as a paragraph of its own: `text`, and a first character that
    would open a heading, a list or a rule escaped."""
    escaped = text(value)
    if _BLOCK_MARK.match(escaped):
        return "\\" + escaped
    return _ORDERED.sub(r"\1\\\2", escaped, count=1)


def _intraword(value: str, i: int) -> bool:
    return 0 < i < len(value) - 1 and value[i - 1].isalnum() and value[i + 1].isalnum()


def code(value: str, *, cell: bool = True) -> str:
    """A name, type or SQL fragment as an inline code span (literal: no HTML, no Markdown).

    In a table cell (`cell`) a `|` is written `\\|`, which GFM reads inside code spans too.
    A cell value holding a backslash before a `|` is written as escaped text instead: GFM
    would take that backslash as escaping the pipe, and a code span cannot escape it.
    """
    flat = one_line(value)
    if not flat:
        return ""
    if cell:
        if "\\|" in flat:
            return text(flat)
        flat = flat.replace("|", "\\|")
    longest = max((len(run) for run in _BACKTICKS.findall(flat)), default=0)
    fence = "`" * (longest + 1)
    if flat[0] == "`" or flat[-1] == "`" or (flat[0] == " " and flat[-1] == " "):
        flat = f" {flat} "
    return f"{fence}{flat}{fence}"


def codes(values: Iterable[str], *, cell: bool = True) -> str:
    """Several names as code spans, comma separated."""
    return ", ".join(code(v, cell=cell) for v in values)


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A GFM table. Header and cells are Markdown already (made by `text` and `code`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        assert len(row) == len(header), (header, row)
        lines.append("| " + " | ".join(cell or " " for cell in row) + " |")
    return lines


def fenced(body: str, info: str = "") -> list[str]:
    """A fenced code block holding `body`: the fence is longer than any backtick run inside,
    so no line of the body can close it."""
    lines = [_visible(line) for line in body.rstrip("\n").splitlines()]
    longest = max((len(run) for line in lines for run in _BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, *lines, fence]


def _visible(line: str) -> str:
    """A line of SQL with tabs kept and every other invisible character (a bidi override that
    would show the reviewer other code than PostgreSQL runs) written as an escape."""
    return "\t".join(printable(part) for part in line.split("\t"))
