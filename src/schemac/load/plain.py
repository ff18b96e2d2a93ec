"""A fast reader for the plain YAML specs are written in; anything else goes to compose.py.

Reading libyaml's events costs a Python object per event and per mark, and building the data and
positions from them as much again: 0.22 s for a 1,000-table spec, which this reader reads in
0.13 s (and without importing PyYAML, 13 ms more). Specs are nearly always
written in a small part of YAML: block mappings and sequences of one-line values, flow
collections closed on their line, plain and simply quoted scalars, `|` literal blocks. This
module reads that part line by line and gives exactly what `compose.Builder` gives: the same
data (typed by the same functions), the same position for every key and value (libyaml's
marks, 1-based, columns in characters), and no diagnostics.

Everything else is refused (`read` returns None) and the file is read by compose.py, so errors,
anchors, tags, escapes, multi-line scalars and the composer's other rules keep their single
implementation. A construct is accepted only where its meaning and marks are certain; the
refusals are deliberately broad (a tab, a backslash in a double-quoted scalar, a `:` inside a
flow scalar, a duplicate key...).
"""

from __future__ import annotations

import re
from typing import Any

from schemac.load.limits import MAX_DEPTH
from schemac.load.scalars import Path_, Position, ScalarError, key_text_of, plain_scalar

#: characters YAML (libyaml) reads as something other than spaces and printable text: tabs,
#: carriage returns, other controls, the Unicode line separators, the byte order mark, surrogates
#: (compiled when a text first needs it: the ranges take 5 ms to compile)
_UNUSUAL = r"[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
#: the same for ASCII text
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
#: a block mapping key written plainly, with the `:` and the spaces after it
_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.\-]*):(?: +|$)")
#: a plain scalar inside a flow collection (it stops at the flow indicators, `:` and `#`)
_FLOW_PLAIN = re.compile(r"(?:[^\s,\[\]{}#&*!|>'\"%@`?:\-]|-(?=[0-9A-Za-z.]))[^,\[\]{}:#]*")
_SINGLE = re.compile(r"'((?:[^']|'')*)'")
#: the common entry of a flow mapping and item of a flow sequence, read with one match: a plain
#: key (in a mapping) and a scalar, then the comma or the closing bracket
_SCALAR = r"""(?:"(?P<dq>[^"\\]*)"|'(?P<sq>(?:[^']|'')*)'|(?P<plain>""" + _FLOW_PLAIN.pattern + "))"
_FLOW_ENTRY = re.compile(
    r" *(?P<key>[A-Za-z0-9_][A-Za-z0-9_.\-]*) *: +" + _SCALAR + r" *(?P<end>[,}])"
)
_FLOW_ITEM = re.compile(" *" + _SCALAR + r" *(?P<end>[,\]])")
_SPACES = re.compile(r" *")
#: the first characters a block plain scalar may not start with (indicators; `-` is checked apart)
_INDICATORS = frozenset("?:,[]{}#&*!|>'\"%@`")
_LITERAL_HEADER = re.compile(r"\|(-?) *(?:#.*)?")


class _NotPlain(Exception):
    """The text leaves the plain subset: compose.py reads it."""


def read(text: str, offset: int) -> tuple[Any, dict[Path_, Position], dict[Path_, Position]] | None:
    """(data, value positions, key positions) of a document whose root is a block mapping in the
    plain subset; None for any other text. `offset` is added to every line, as in Builder."""
    if (_CONTROL if text.isascii() else re.compile(_UNUSUAL)).search(text):
        return None
    reader = _Reader(text, offset)
    try:
        first = reader.next_line()
        if first is None:
            return None
        line, indent, content = first
        if _is_dash(content):
            return None  # a sequence at the top: compose.py reports it
        data = reader.mapping(indent, (), line, content)
        if reader.next_line() is not None:
            return None
    except _NotPlain:
        return None
    return data, reader.values, reader.keys


def _is_dash(content: str) -> bool:
    return content[0] == "-" and (len(content) == 1 or content[1] == " ")


class _Reader:
    def __init__(self, text: str, offset: int) -> None:
        self.lines = text.split("\n")
        #: index of the next line to read
        self.at = 0
        self.offset = offset + 1
        self.values: dict[Path_, Position] = {}
        self.keys: dict[Path_, Position] = {}
        #: plain text -> its value, and key as written -> key as data: specs repeat a few words
        #: (types, true, 0, column names) thousands of times; every value is immutable
        self.plain: dict[str, Any] = {}
        self.key_texts: dict[str, str] = {}

    def typed(self, text: str) -> Any:
        try:
            return self.plain[text]
        except KeyError:
            try:
                value = self.plain[text] = plain_scalar(text)
            except ScalarError:
                raise _NotPlain from None  # compose.py reports it at the scalar
            return value

    def key_text(self, written: str) -> str:
        try:
            return self.key_texts[written]
        except KeyError:
            try:
                key = self.key_texts[written] = key_text_of(written, plain_scalar(written))
            except ScalarError:
                raise _NotPlain from None
            return key

    def next_line(self) -> tuple[int, int, str] | None:
        """(index, indent, text after the indent) of the next line that is not blank or a
        comment, without reading it; None at the end."""
        lines, index = self.lines, self.at
        while index < len(lines):
            line = lines[index]
            content = line.lstrip(" ")
            if content and content[0] != "#":
                self.at = index
                return index, len(line) - len(content), content
            index += 1
        self.at = index
        return None

    def mapping(self, indent: int, path: Path_, line: int, content: str) -> dict[str, Any]:
        """A block mapping at column `indent` whose first entry is `content`, on line `line`."""
        if len(path) >= MAX_DEPTH:
            raise _NotPlain  # compose.py reports the depth
        result: dict[str, Any] = {}
        self.values[path] = (line + self.offset, indent + 1)
        while True:
            self.entry(result, indent, path, line, content)
            following = self.next_line()
            if following is None:
                return result
            line, at, content = following
            if at < indent:
                return result
            if at > indent:
                raise _NotPlain  # a continued scalar, or an error

    def entry(self, result: dict[str, Any], indent: int, path: Path_, line: int, text: str) -> None:
        match = _KEY.match(text)
        if match is None:
            raise _NotPlain
        written = match.group(1)
        key = self.key_text(written)
        if key in result:
            raise _NotPlain  # compose.py reports the duplicate
        at = (*path, key)
        self.keys[at] = (line + self.offset, indent + 1)
        self.at = line + 1
        rest = text[match.end() :]
        if rest:
            result[key] = self.inline(rest, indent, line, indent + match.end(), at)
            return
        following = self.next_line()
        if following is not None:
            below, column, content = following
            # a nested block, or a sequence written at the key's own indent
            if column > indent or (column == indent and _is_dash(content)):
                if _is_dash(content):
                    result[key] = self.sequence(column, at, below, content)
                else:
                    result[key] = self.mapping(column, at, below, content)
                return
        # an empty value is a null, marked just after the colon
        self.values[at] = (line + self.offset, indent + len(written) + 2)
        result[key] = None

    def sequence(self, indent: int, path: Path_, line: int, content: str) -> list[Any]:
        """A block sequence whose dashes stand at column `indent`."""
        if len(path) >= MAX_DEPTH:
            raise _NotPlain
        items: list[Any] = []
        self.values[path] = (line + self.offset, indent + 1)
        while True:
            rest = content[1:].lstrip(" ")
            if not rest or rest[0] == "#" or _is_dash(rest) or len(rest) == len(content) - 1:
                raise _NotPlain  # an item on the next lines, a nested sequence, or `-x`
            column = indent + len(content) - len(rest)
            self.at = line + 1
            at = (*path, len(items))
            if _KEY.match(rest):
                items.append(self.mapping(column, at, line, rest))
            else:
                items.append(self.inline(rest, indent, line, column, at))
            following = self.next_line()
            if following is None:
                return items
            line, column, content = following
            if column < indent or (column == indent and not _is_dash(content)):
                return items
            if column > indent:
                raise _NotPlain

    def inline(self, text: str, parent: int, line: int, column: int, path: Path_) -> Any:
        """The value written at `column` of `line`, to the end of the line (a literal block
        also takes the lines below, indented deeper than `parent`)."""
        first = text[0]
        if first == "{" or first == "[":
            value, end = self.flow(text, 0, line, column, path)
            _tail(text, end)
            return value
        if first == '"':
            end = text.find('"', 1)
            if end < 0 or "\\" in text[:end]:
                raise _NotPlain
            self.values[path] = (line + self.offset, column + 1)
            _tail(text, end + 1)
            return text[1:end]
        if first == "'":
            match = _SINGLE.match(text)
            if match is None:
                raise _NotPlain
            self.values[path] = (line + self.offset, column + 1)
            _tail(text, match.end())
            return match.group(1).replace("''", "'")
        if first == "|":
            self.values[path] = (line + self.offset, column + 1)
            return self.literal(text, parent)
        if first in _INDICATORS or (first == "-" and not (text[1:2].isalnum() or text[1:2] == ".")):
            raise _NotPlain
        cut = text.find(" #")
        if cut >= 0:
            text = text[:cut]
        text = text.rstrip(" ")
        if ": " in text or text[-1] == ":":
            raise _NotPlain
        self.values[path] = (line + self.offset, column + 1)
        return self.typed(text)

    def literal(self, header: str, parent: int) -> str:
        """A `|` or `|-` block: the lines below indented like the first of them (deeper than
        the parent), blank lines kept inside, the final line break clipped or stripped."""
        match = _LITERAL_HEADER.fullmatch(header)
        if match is None or (header.find("#") > 0 and header[header.find("#") - 1] != " "):
            raise _NotPlain
        lines, index = self.lines, self.at
        if index >= len(lines):
            raise _NotPlain
        first = lines[index]
        indent = len(first) - len(first.lstrip(" "))
        if indent <= parent or not first.strip(" "):
            raise _NotPlain  # an empty block, or leading blank lines: compose.py decides
        body: list[str] = []
        kept = 0  # body lines up to the last one with text
        while index < len(lines):
            line = lines[index]
            if not line.strip(" "):
                if len(line) > indent:
                    raise _NotPlain  # spaces that would be kept as text
                body.append("")
            elif len(line) - len(line.lstrip(" ")) >= indent:
                body.append(line[indent:])
                kept = len(body)
            else:
                break
            index += 1
        if index == len(lines) and kept == len(body):
            raise _NotPlain  # the text ends inside the block, without a line break
        self.at = self.at + kept
        text = "\n".join(body[:kept])
        return text if match.group(1) else text + "\n"

    def flow(self, text: str, i: int, line: int, column: int, path: Path_) -> tuple[Any, int]:
        """The flow collection that opens at text[i]; (value, index after its end). `column`
        is the column of text[0]."""
        if len(path) >= MAX_DEPTH:
            raise _NotPlain
        self.values[path] = (line + self.offset, column + i + 1)
        if text[i] == "[":
            return self.flow_sequence(text, i + 1, line, column, path)
        return self.flow_mapping(text, i + 1, line, column, path)

    def flow_sequence(
        self, text: str, i: int, line: int, column: int, path: Path_
    ) -> tuple[list[Any], int]:
        items: list[Any] = []
        while True:
            item = _FLOW_ITEM.match(text, i)
            if item is not None:
                value, start = self.scalar_of(item)
                self.values[(*path, len(items))] = (line + self.offset, column + start + 1)
                items.append(value)
                i = item.end()
                if item.group("end") == "]":
                    return items, i
                continue
            i = _skip(text, i)
            if text[i] == "]":
                return items, i + 1
            value, i = self.flow_node(text, i, line, column, (*path, len(items)))
            items.append(value)
            i = self.after(text, i, "]")  # `[a: b]` is refused here

    def flow_mapping(
        self, text: str, i: int, line: int, column: int, path: Path_
    ) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        # compose.Builder joins `{type: numeric(19,4)}`, which YAML splits at the comma: a plain
        # value waits as [key, key position, value position, text] until the next entry shows
        # whether it is the rest of the value (a bare key while a parenthesis is still open)
        pending: list[Any] | None = None
        values, keys, row = self.values, self.keys, line + self.offset
        while True:
            entry = _FLOW_ENTRY.match(text, i)
            if entry is not None:
                written, double, single, plain, end = entry.groups()
                # a plain value with an open parenthesis may go on after a comma: read it below
                if plain is None or plain.count("(") <= plain.count(")"):
                    if pending is not None:
                        self.pair(result, path, pending)
                        pending = None
                    key = self.key_text(written)
                    if key in result:
                        raise _NotPlain  # compose.py reports the duplicate
                    at = (*path, key)
                    keys[at] = (row, column + entry.start(1) + 1)
                    if plain is not None:
                        result[key] = self.typed(plain.rstrip(" "))
                        values[at] = (row, column + entry.start(4) + 1)
                    elif double is not None:
                        result[key] = double
                        values[at] = (row, column + entry.start(2))
                    else:
                        result[key] = single.replace("''", "'")
                        values[at] = (row, column + entry.start(3))
                    i = entry.end()
                    if end == "}":
                        i -= 1
                        break
                    continue
            i = _skip(text, i)
            if text[i] == "}":
                break
            match = _FLOW_PLAIN.match(text, i)
            if match is None:
                raise _NotPlain  # a quoted, complex or indicated key
            written = match.group().rstrip(" ")
            key_at = (line + self.offset, column + i + 1)
            i = _skip(text, match.end())
            if text[i] == ":":
                if text[i + 1 : i + 2] != " ":
                    raise _NotPlain
                i = _skip(text, i + 1)
            elif text[i] not in ",}":
                raise _NotPlain  # `{key [value]}`
            value_at = (line + self.offset, column + i + 1)
            first = text[i]
            if first in "{['\"":
                if pending is not None:
                    self.pair(result, path, pending)
                    pending = None
                key = self.key(result, path, written, key_at)
                result[key], i = self.flow_node(text, i, line, column, (*path, key))
            else:
                bare = ""  # a key with no value: an empty plain scalar at the next indicator
                if first not in ",}":
                    value = _FLOW_PLAIN.match(text, i)
                    if value is None:
                        raise _NotPlain
                    bare, i = value.group().rstrip(" "), value.end()
                if pending is not None:
                    if not bare and pending[3].count("(") > pending[3].count(")"):
                        pending[3] += f",{written}"
                        i = self.after(text, i, "}")
                        continue
                    self.pair(result, path, pending)
                pending = [written, key_at, value_at, bare]
            i = self.after(text, i, "}")
        if pending is not None:
            self.pair(result, path, pending)
        return result, i + 1

    @staticmethod
    def after(text: str, i: int, close: str) -> int:
        """The index of the next entry (after a comma) or of the closing bracket."""
        i = _skip(text, i)
        if text[i] == ",":
            return i + 1
        if text[i] != close:
            raise _NotPlain
        return i

    def scalar_of(self, match: re.Match[str]) -> tuple[Any, int]:
        """The value of the scalar a _FLOW_ENTRY or _FLOW_ITEM match read, and where it starts."""
        double, single, plain = match.group("dq", "sq", "plain")
        if plain is not None:
            return self.typed(plain.rstrip(" ")), match.start("plain")
        if double is not None:
            return double, match.start("dq") - 1
        return single.replace("''", "'"), match.start("sq") - 1

    def key(self, result: dict[str, Any], path: Path_, written: str, at: Position) -> str:
        key = self.key_text(written)
        if key in result:
            raise _NotPlain
        result[key] = None  # keeps the key's place until its value is read
        self.keys[(*path, key)] = at
        return key

    def pair(self, result: dict[str, Any], path: Path_, pending: list[Any]) -> None:
        written, key_at, value_at, text = pending
        key = self.key(result, path, written, key_at)
        self.values[(*path, key)] = value_at
        result[key] = self.typed(text)

    def flow_node(self, text: str, i: int, line: int, column: int, path: Path_) -> tuple[Any, int]:
        """A value inside a flow collection: (value, index after it)."""
        first = text[i]
        if first == "{" or first == "[":
            return self.flow(text, i, line, column, path)
        self.values[path] = (line + self.offset, column + i + 1)
        if first == '"':
            end = text.find('"', i + 1)
            if end < 0 or "\\" in text[i:end]:
                raise _NotPlain
            return text[i + 1 : end], end + 1
        if first == "'":
            match = _SINGLE.match(text, i)
            if match is None:
                raise _NotPlain
            return match.group(1).replace("''", "'"), match.end()
        match = _FLOW_PLAIN.match(text, i)
        if match is None:
            raise _NotPlain
        return self.typed(match.group().rstrip(" ")), match.end()


def _skip(text: str, i: int) -> int:
    """The index of the next character that is not a space; a collection continued on the next
    line is refused."""
    i = _SPACES.match(text, i).end()  # type: ignore[union-attr]
    if i >= len(text):
        raise _NotPlain
    return i


def _tail(text: str, end: int) -> None:
    """After a quoted or flow value only spaces and a comment may follow on its line."""
    rest = text[end:]
    stripped = rest.lstrip(" ")
    if stripped and (stripped[0] != "#" or len(stripped) == len(rest)):
        raise _NotPlain
