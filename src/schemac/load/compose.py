"""YAML text to plain data and a position for every key and value, from libyaml's events.

`yaml.compose` builds a Node per value and calls a Python resolver per node; walking those
nodes afterwards cost as much again. Reading the parser's events once gives the same data and
positions in about half the time on large specs. The composer's behaviour is kept: an alias is
rebuilt from the events recorded under its anchor (so it reports the anchored node's positions),
undefined and duplicate anchors and a second document are the composer's errors, and a plain
scalar has no tag to resolve, as BaseResolver would give it none. Unlike the composer, the values
aliases copy and the depth of nesting are bounded (load/limits.py).
"""

from __future__ import annotations

from typing import Any

import yaml

from schemac.diagnostics import Diagnostic, error
from schemac.load.limits import MAX_DEPTH, alias_budget
from schemac.load.scalars import Path_, Position, ScalarError, key_text_of, plain_scalar, tagged
from schemac.source import Span

__all__ = ["Builder", "Path_", "Position", "Refused"]


#: libyaml's parser (~10x faster than the pure-Python one); its events carry the marks. No tag
#: resolver runs (a Python callback per scalar): plain scalars are typed here, by _scalar.
_LOADER: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_Event = Any  # yaml.Event: its subclasses carry different attributes
_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
# typed Any: events are read by duck typing (_Event), never narrowed to one event class
_SCALAR: Any = yaml.ScalarEvent
_ALIAS: Any = yaml.AliasEvent
_MAPPING_END: Any = yaml.MappingEndEvent
_SEQUENCE_END: Any = yaml.SequenceEndEvent


class Refused(Exception):
    """Reading stops: the document goes past a limit (its diagnostic says which, and where)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class Builder:
    """Plain data and the position of every value and mapping key, from one document.

    `values` and `keys` map a data path to its 1-based (line, col); positions of aliases are
    those of the anchored node, as a composed node would report them.
    """

    def __init__(self, path: str, offset: int) -> None:
        self.path = path
        self.offset = offset
        self.values: dict[Path_, Position] = {}
        self.keys: dict[Path_, Position] = {}
        self.diagnostics: list[Diagnostic] = []
        #: anchor -> the events of the anchored node (complete once the node is)
        self.anchors: dict[str, list[_Event]] = {}
        self.open_anchors: set[str] = set()
        self.replaying = 0
        self.next: Any = None
        #: values built by replaying anchors, the most the document may hold, and the alias
        #: written in the document (not inside an anchor) whose expansion is being built
        self.copied = 0
        self.budget = 0
        self.expanding: _Event = None
        #: collections open around the node being built
        self.depth = 0

    def pos(self, event: _Event) -> Position:
        return event.start_mark.line + 1 + self.offset, event.start_mark.column + 1

    def span(self, event: _Event) -> Span:
        return Span(self.path, *self.pos(event))

    def document(self, text: str) -> tuple[Any, _Event] | None:
        """(data, first event of the root node), or None for a stream with no document."""
        parser = _LOADER(text)
        self.budget = alias_budget(len(text))
        try:
            self.next = parser.get_event
            self.next()  # stream start
            start = self.next()
            if type(start) is yaml.StreamEndEvent:
                return None
            first = self.next()
            data = self.node(first, ())
            self.next()  # document end
            after = self.next()
            if type(after) is not yaml.StreamEndEvent:
                raise yaml.composer.ComposerError(
                    "expected a single document in the stream",
                    first.start_mark,
                    "but found another document",
                    after.start_mark,
                )
            return data, self.deref(first)
        finally:
            parser.dispose()

    def deref(self, event: _Event) -> _Event:
        """The first event of the node an alias names (the event itself otherwise)."""
        if type(event) is not _ALIAS:
            return event
        recorded = self.anchors.get(event.anchor)
        if recorded is None:
            raise yaml.composer.ComposerError(None, None, "found undefined alias", event.start_mark)
        if event.anchor in self.open_anchors:
            # the composer builds such a node; its data would be infinitely deep
            raise yaml.composer.ComposerError(None, None, "found recursive alias", event.start_mark)
        return recorded[0]

    def node(self, event: _Event, path: Path_) -> Any:
        """Build the node that starts with `event` (an alias replays its anchor's events)."""
        cls = type(event)
        if cls is _ALIAS:
            self.deref(event)
            if not self.replaying:
                self.expanding = event
            outer, replay = self.next, iter(self.anchors[event.anchor])
            self.next, self.replaying = replay.__next__, self.replaying + 1
            try:
                return self.build(next(replay), path)
            finally:
                self.next, self.replaying = outer, self.replaying - 1
        if event.anchor is None or self.replaying:
            return self.build(event, path)
        record = self.remember(event)
        if cls is yaml.ScalarEvent:
            return self.build(event, path)
        anchor, outer = event.anchor, self.next

        def recording() -> _Event:
            following = outer()
            record.append(following)
            return following

        self.next = recording
        self.open_anchors.add(anchor)
        try:
            return self.build(event, path)
        finally:
            self.next = outer
            self.open_anchors.discard(anchor)

    def remember(self, event: _Event) -> list[_Event]:
        """Register the anchor of a node that starts with `event` (once: scalars are registered
        as soon as they are read, before a flow mapping decides how to join them)."""
        recorded = self.anchors.get(event.anchor)
        if recorded is not None and recorded[0] is event:
            return recorded
        if recorded is not None:
            raise yaml.composer.ComposerError(
                "found duplicate anchor; first occurrence",
                recorded[0].start_mark,
                "second occurrence",
                event.start_mark,
            )
        recorded = self.anchors[event.anchor] = [event]
        return recorded

    def copy(self) -> None:
        """Count a value an alias copies; past the budget, refuse the document at the alias."""
        self.copied += 1
        if self.copied > self.budget:
            raise Refused(
                error(
                    "E012",
                    f"aliases copy more than {self.budget:,} values into the document"
                    f" (*{self.expanding.anchor} goes past the limit)",
                    self.span(self.expanding),
                    "each alias copies its anchored value, and aliases inside anchors multiply;"
                    " write the values out, or share columns between tables with a trait",
                )
            )

    def scalar(self, event: _Event) -> Any:
        """The value of a scalar event; a value it cannot hold is reported at it (once: not
        again where an alias replays it) and read as its text."""
        try:
            value = _scalar(event)
        except ScalarError as exc:
            if not self.replaying:
                self.diagnostics.append(
                    error(
                        "E015",
                        str(exc),
                        self.span(event),
                        "correct the value, or quote it to keep it as text",
                    )
                )
            return event.value
        if event.style == '"' and "\x00" in event.value and not self.replaying:
            self.diagnostics.append(
                error(
                    "E014",
                    "NUL character (U+0000) in a string",
                    self.span(event),
                    "PostgreSQL text cannot hold NUL: remove the \\0 (or \\x00, \\u0000) escape",
                )
            )
        return value

    def build(self, event: _Event, path: Path_) -> Any:
        self.values[path] = (event.start_mark.line + 1 + self.offset, event.start_mark.column + 1)
        if self.replaying:
            self.copy()
        cls = type(event)
        if cls is _SCALAR:
            return self.scalar(event)
        if self.depth >= MAX_DEPTH:
            raise Refused(
                error(
                    "E013",
                    f"values nested more than {MAX_DEPTH} levels deep",
                    self.span(event),
                    "a spec nests a few levels (tables > name > columns > name > key);"
                    " check the brackets and the indentation",
                )
            )
        self.depth += 1
        try:
            return self.collection(event, path)
        finally:
            self.depth -= 1

    def collection(self, event: _Event, path: Path_) -> Any:
        following = self.next
        if type(event) is yaml.SequenceStartEvent:
            items: list[Any] = []
            while type(item := following()) is not _SEQUENCE_END:
                items.append(self.node(item, (*path, len(items))))
            return items
        result: dict[str, Any] = {}
        pending: list[Any] | None = None  # [key event, value event, text] of a plain flow value
        flow = event.flow_style
        while type(key := following()) is not _MAPPING_END:
            if type(key) in _STARTS:  # a complex key: read it before its value
                if pending is not None:
                    self.pair(result, path, pending[0], _joined(*pending))
                    pending = None
                self.pair(result, path, key, None)
                continue
            value = following()
            if not self.replaying:
                if type(key) is _SCALAR and key.anchor is not None:
                    self.remember(key)
                if type(value) is _SCALAR and value.anchor is not None:
                    self.remember(value)
            if flow:
                # `{type: numeric(19,4)}` splits at the comma in a YAML flow mapping; SPEC_FORMAT
                # writes types that way, so a plain value with an open parenthesis takes back the
                # pieces after it
                plain_value = value if type(value) is _SCALAR else self.deref(value)
                if pending is not None:
                    plain_key = key if type(key) is _SCALAR else self.deref(key)
                    if (
                        _is_plain(plain_key)
                        and _is_plain(plain_value)
                        and plain_value.value == ""
                        and pending[2].count("(") > pending[2].count(")")
                    ):
                        pending[2] += f",{plain_key.value}"
                        continue
                    self.pair(result, path, pending[0], _joined(*pending))
                    pending = None
                if _is_plain(plain_value):
                    pending = [key, plain_value, plain_value.value]
                    continue
            self.pair(result, path, key, value)
        if pending is not None:
            self.pair(result, path, pending[0], _joined(*pending))
        return result

    def pair(
        self, result: dict[str, Any], path: Path_, key_event: _Event, value: _Event | None
    ) -> None:
        """Add one key and its value (None: the value is still to be read, after the key)."""
        key_node = key_event if type(key_event) is _SCALAR else self.deref(key_event)
        if type(key_event) in _STARTS:
            self.skip(key_event)  # a collection is no key schemac accepts: "?"
        if value is None:
            value = self.next()
        if key_node.tag is not None and key_node.tag == _MERGE:
            self.diagnostics.append(
                error(
                    "E007",
                    "YAML merge keys (<<) are not supported",
                    self.span(key_node),
                    "use a trait to share columns between tables",
                )
            )
            self.skip(value)
            return
        if type(key_node) is _SCALAR:
            key_text = key_text_of(key_node.value, self.scalar(key_node))
        else:
            key_text = "?"
        if key_text in result:
            first = self.keys.get((*path, key_text))
            self.diagnostics.append(
                error(
                    "E008",
                    f"duplicate key '{key_text}'"
                    + (f" (first written at line {first[0]})" if first else ""),
                    self.span(key_node),
                    "each key may appear once in a mapping; merge the two entries",
                )
            )
            self.skip(value)
            return
        at = (*path, key_text)
        mark = key_node.start_mark
        self.keys[at] = (mark.line + 1 + self.offset, mark.column + 1)
        if type(value) is _SCALAR and value.anchor is None:  # the common case, inlined
            mark = value.start_mark
            self.values[at] = (mark.line + 1 + self.offset, mark.column + 1)
            if self.replaying:
                self.copy()
            result[key_text] = self.scalar(value)
        else:
            result[key_text] = self.node(value, at)

    def skip(self, event: _Event) -> None:
        """Read a node that is not kept (its anchors still count), recording no positions."""
        index, diagnostics = (self.values, self.keys), self.diagnostics
        self.values, self.keys, self.diagnostics = {}, {}, []
        try:
            self.node(event, ())
        finally:
            (self.values, self.keys), self.diagnostics = index, diagnostics


def _is_plain(event: _Event) -> bool:
    return type(event) is _SCALAR and not event.style


def _joined(key: _Event, value: _Event, text: str) -> _Event:
    if text == value.value:
        return value
    return yaml.ScalarEvent(
        None, value.tag, value.implicit, text, value.start_mark, value.end_mark, value.style
    )


def _scalar(event: _Event) -> Any:
    """YAML 1.1 core typing of plain scalars (as SafeLoader would); quoted ones are text."""
    text: str = event.value
    tag = event.tag
    if tag is not None and tag != "!" and tag != _STR:
        return tagged(text, tag, event.style)
    if event.style:
        return text
    return plain_scalar(text)
