"""Read spec files: Markdown front-matter or plain YAML, with a Span for every key and value.

The YAML is read line by line when it keeps to the plain subset specs are written in
(load/plain.py), else from parser events (load/compose.py), never constructed directly, so every
mapping key and value keeps its position; duplicate keys and tab indentation, which PyYAML would
accept or report vaguely, are errors at their position. What a file may cost to read is bounded
(load/limits.py): its size, the values its aliases copy, the depth of its nesting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemac.diagnostics import Diagnostic, Severity, error
from schemac.load.limits import MAX_FILE_BYTES
from schemac.load.plain import read as read_plain
from schemac.load.scalars import Path_
from schemac.source import Span, display_path

__all__ = ["Path_", "RawDoc", "SpanIndex", "discover", "load_file", "load_specs", "parse_yaml"]

SPEC_SUFFIXES = (".md", ".markdown", ".yaml", ".yml")
_FRONT_OPEN = re.compile(r"\A---[ \t]*\r?\n")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
#: what YAML 1.1 refuses to read (outside its printable set): libyaml names the character but
#: gives its position as a byte offset, so it is found again in the text
_UNREADABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class SpanIndex:
    """Where each value (and each mapping key) of a document was written.

    Positions are kept as (line, col) pairs; Span values are made only when asked for.
    """

    path: str = ""
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def value(self, path: Path_) -> Span | None:
        """The span of the value at path, or of its nearest written ancestor."""
        pos = self.values.get(path)  # nearly always written: no prefix to cut
        if pos is None:
            for i in range(len(path) - 1, -1, -1):
                pos = self.values.get(path[:i])
                if pos is not None:
                    break
            else:
                return None
        return Span(self.path, pos[0], pos[1])

    def key(self, path: Path_) -> Span | None:
        """The span of the key that introduces path (falls back to the value's span)."""
        pos = self.keys.get(path)
        return Span(self.path, pos[0], pos[1]) if pos is not None else self.value(path)


@dataclass
class RawDoc:
    """One spec document as plain data plus its span index."""

    path: str
    data: dict[str, Any]
    spans: SpanIndex
    #: 1-based line of the first YAML line in the file (front-matter starts on line 2)
    first_line: int = 1


def discover(root: Path) -> list[Path]:
    """Spec files under root (or root itself), in sorted path order."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in SPEC_SUFFIXES)


def load_file(path: Path) -> tuple[RawDoc | None, list[Diagnostic]]:
    """Load one spec file; (None, []) for a Markdown file with no front-matter."""
    shown = display_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                error(
                    "E011",
                    f"the file is {size / 2**20:.1f} MiB, over the limit of"
                    f" {MAX_FILE_BYTES // 2**20} MiB per spec file",
                    Span(shown, 1, 1),
                    "split the spec into several files (one per domain, say):"
                    " a spec directory holds any number of them",
                )
            ]
        # utf-8-sig: a byte order mark (which some Windows editors write) is no part of the
        # text, so `---` still opens the front-matter and columns count from the first character
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [
            error(
                "E001",
                f"not UTF-8 text: {exc.reason}",
                _offset_span(shown, exc.object, exc.start),
                "save the file as UTF-8",
            )
        ]
    except OSError as exc:
        return None, [error("E001", f"cannot read: {exc.strerror}", Span(shown, 1, 1))]
    nul = text.find("\x00")
    if nul >= 0:
        return None, [
            error(
                "E014",
                "NUL character (U+0000) in the file",
                _text_span(shown, text, nul, 1),
                "a spec is UTF-8 text: NUL characters mean a UTF-16 or binary file;"
                " save it as UTF-8 text",
            )
        ]
    first_line = 1
    if path.suffix in (".md", ".markdown"):
        opening = _FRONT_OPEN.match(text)
        if not opening:
            return None, []
        rest = text[opening.end() :]
        closing = _FRONT_CLOSE.search(rest)
        if not closing:
            return None, [
                error(
                    "E003",
                    "front-matter is not closed",
                    Span(shown, 1, 1),
                    "end the YAML front-matter with a line holding only '---'",
                )
            ]
        text = rest[: closing.start()]
        first_line = 2
    return parse_yaml(text, shown, first_line)


def parse_yaml(text: str, path: str, first_line: int = 1) -> tuple[RawDoc | None, list[Diagnostic]]:
    """Parse YAML text that starts at `first_line` of `path` into a RawDoc."""
    offset = first_line - 1
    # most specs hold no tab at all: skip the per-line scan for them
    for number, line in enumerate(text.splitlines() if "\t" in text else (), start=first_line):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            col = len(line) - len(stripped) + 1
            return None, [
                error(
                    "E004",
                    "tab character in indentation",
                    Span(path, number, col),
                    "YAML indentation must use spaces; replace the tab with spaces",
                )
            ]
    plain = read_plain(text, offset)
    if plain is not None:
        data, values, keys = plain
        return RawDoc(path, data, SpanIndex(path, values, keys), first_line), []
    # late: PyYAML (13 ms to import) is needed only for what plain.py does not read
    import yaml

    from schemac.load.compose import Builder, Refused

    builder = Builder(path, offset)
    try:
        root = builder.document(text)
    except Refused as exc:
        return None, [exc.diagnostic]
    except yaml.reader.ReaderError:
        unreadable = _UNREADABLE.search(text)
        at = _text_span(path, text, unreadable.start(), first_line) if unreadable else None
        character = f"U+{ord(unreadable.group()):04X}" if unreadable else "a character"
        return None, [
            error(
                "E005",
                f"invalid YAML: {character} is a control character YAML does not allow",
                at or Span(path, first_line, 1),
                "remove it, or write it as an escape inside a double-quoted string",
            )
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at_line = (mark.line + 1 + offset) if mark else first_line
        col = (mark.column + 1) if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        return None, [
            error("E005", f"invalid YAML: {problem}", Span(path, at_line, col), _yaml_hint(problem))
        ]
    except yaml.YAMLError as exc:
        return None, [error("E005", f"invalid YAML: {exc}", Span(path, first_line, 1))]
    if root is None:
        return None, [
            error(
                "E006",
                "the document is empty",
                Span(path, first_line, 1),
                "add spec_type and title",
            )
        ]
    data, first = root
    if not isinstance(data, dict) or type(first) is not yaml.MappingStartEvent:
        return None, [
            error(
                "E006",
                "the spec must be a mapping of keys (spec_type, title, tables...)",
                builder.span(first),
                "write 'key: value' lines at the top level, not a list or a scalar",
            )
        ]
    if builder.diagnostics:
        return None, builder.diagnostics
    return RawDoc(path, data, SpanIndex(path, builder.values, builder.keys), first_line), []


def _text_span(path: str, text: str, index: int, first_line: int) -> Span:
    """The span of text[index], `text` starting at `first_line`; columns count characters."""
    line_start = text.rfind("\n", 0, index) + 1
    return Span(path, first_line + text.count("\n", 0, index), index - line_start + 1)


def _offset_span(path: str, data: bytes, offset: int) -> Span:
    """The span of the character at a byte offset of (not wholly decodable) file contents."""
    before = data[:offset].removeprefix(b"\xef\xbb\xbf")
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", "replace"))
    return Span(path, before.count(b"\n") + 1, column + 1)


def _yaml_hint(problem: str) -> str | None:
    if "mapping values are not allowed" in problem:
        return "quote values that contain ': ' (for example SQL expressions)"
    if "found character" in problem and "cannot start any token" in problem:
        return "quote the value: it starts with a character YAML reserves (`, @, %, |, >)"
    if "could not find expected ':'" in problem:
        return "each line of a mapping needs 'key: value'; check the indentation above"
    return None


def load_specs(root: Path) -> tuple[list[RawDoc], list[Diagnostic]]:
    """Every database-schema spec under root; other spec types are skipped with a notice."""
    docs: list[RawDoc] = []
    diagnostics: list[Diagnostic] = []
    if not root.exists():
        return [], [
            error(
                "E009",
                f"no such file or directory: {root}",
                None,
                "pass the directory that holds your spec files (default: specs/)",
            )
        ]
    files = discover(root)
    if not files:
        return [], [
            error(
                "E009",
                f"no spec files (*.md, *.yaml) under {root}",
                None,
                "run 'schemac init' to create a starter spec",
            )
        ]
    for path in files:
        doc, diags = load_file(path)
        diagnostics.extend(diags)
        if doc is None:
            continue
        spec_type = doc.data.get("spec_type")
        if spec_type != "database-schema":
            if spec_type is None and path.suffix in (".yaml", ".yml") and "tables" in doc.data:
                diagnostics.append(
                    error(
                        "E010",
                        "missing spec_type",
                        doc.spans.value(()),
                        "add 'spec_type: database-schema' at the top",
                    )
                )
                continue
            diagnostics.append(
                Diagnostic(
                    "N001",
                    Severity.INFO,
                    f"skipped: spec_type is {spec_type!r}, not 'database-schema'",
                    doc.spans.value(("spec_type",)) or doc.spans.value(()),
                )
            )
            continue
        docs.append(doc)
    return docs, diagnostics
