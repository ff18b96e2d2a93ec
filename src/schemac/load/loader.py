"""Read spec files: Markdown front-matter or plain YAML, with a Span for every key and value.

The YAML is composed into nodes (not constructed directly) so every mapping key and value keeps
its position; duplicate keys and tab indentation, which PyYAML would accept or report vaguely,
are errors at their position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from schemac.diagnostics import Diagnostic, Severity, error
from schemac.source import Span

Path_ = tuple[str | int, ...]

#: libyaml's parser keeps marks too and composes ~10x faster than the pure-Python one. The base
#: loader resolves no implicit tags (a Python callback per scalar); plain scalars are typed here.
_LOADER: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_PLAIN_VALUES: dict[str, Any] = {
    **dict.fromkeys(("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"), False),
    **dict.fromkeys(("null", "Null", "NULL", "~", ""), None),
}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$")
_DATE = re.compile(r"^\d{4}-\d\d?-\d\d?$")
_TIMESTAMP = re.compile(r"^\d{4}-\d\d?-\d\d?(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d")

SPEC_SUFFIXES = (".md", ".markdown", ".yaml", ".yml")
_FRONT_OPEN = re.compile(r"\A---[ \t]*\r?\n")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


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
        for i in range(len(path), -1, -1):
            pos = self.values.get(path[:i])
            if pos is not None:
                return Span(self.path, pos[0], pos[1])
        return None

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


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_file(path: Path) -> tuple[RawDoc | None, list[Diagnostic]]:
    """Load one spec file; (None, []) for a Markdown file with no front-matter."""
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [error("E001", f"not UTF-8 text: {exc.reason}", Span(shown, 1, 1))]
    except OSError as exc:
        return None, [error("E001", f"cannot read: {exc.strerror}", Span(shown, 1, 1))]
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
    for number, line in enumerate(text.splitlines(), start=first_line):
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
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        col = (mark.column + 1) if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        return None, [
            error("E005", f"invalid YAML: {problem}", Span(path, line, col), _yaml_hint(problem))
        ]
    except yaml.YAMLError as exc:
        return None, [error("E005", f"invalid YAML: {exc}", Span(path, first_line, 1))]
    if node is None:
        return None, [
            error("E006", "the document is empty", Span(path, first_line, 1), "add spec_type and title")
        ]
    builder = _Builder(path, offset)
    if not isinstance(node, yaml.MappingNode):
        return None, [
            error(
                "E006",
                "the spec must be a mapping of keys (spec_type, title, tables...)",
                builder.span(node),
                "write 'key: value' lines at the top level, not a list or a scalar",
            )
        ]
    data = builder.build(node, ())
    if builder.diagnostics:
        return None, builder.diagnostics
    assert isinstance(data, dict)
    return RawDoc(path, data, builder.index, first_line), []


def _yaml_hint(problem: str) -> str | None:
    if "mapping values are not allowed" in problem:
        return "quote values that contain ': ' (for example SQL expressions)"
    if "found character" in problem and "cannot start any token" in problem:
        return "quote the value: it starts with a character YAML reserves (`, @, %, |, >)"
    if "could not find expected ':'" in problem:
        return "each line of a mapping needs 'key: value'; check the indentation above"
    return None


class _Builder:
    def __init__(self, path: str, offset: int) -> None:
        self.path = path
        self.offset = offset
        self.index = SpanIndex(path)
        self.diagnostics: list[Diagnostic] = []

    def pos(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def span(self, node: yaml.Node) -> Span:
        return Span(self.path, *self.pos(node))

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.index.values[path] = self.pos(node)
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            pairs = _rejoin_type_modifiers(node.value) if node.flow_style else node.value
            for key_node, value_node in pairs:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.diagnostics.append(
                        error("E007", "YAML merge keys (<<) are not supported", self.span(key_node),
                              "use a trait to share columns between tables")
                    )
                    continue
                key = self._scalar(key_node)
                if not isinstance(key, str | int | float | bool) or isinstance(key, bool):
                    key_text = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                else:
                    key_text = str(key)
                if key_text in result:
                    first = self.index.keys.get((*path, key_text))
                    self.diagnostics.append(
                        error(
                            "E008",
                            f"duplicate key '{key_text}'"
                            + (f" (first written at line {first[0]})" if first else ""),
                            self.span(key_node),
                            "each key may appear once in a mapping; merge the two entries",
                        )
                    )
                    continue
                self.index.keys[(*path, key_text)] = self.pos(key_node)
                result[key_text] = self.build(value_node, (*path, key_text))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        """YAML 1.1 core typing of plain scalars (as SafeLoader would); quoted ones are text."""
        if not isinstance(node, yaml.ScalarNode):
            return None
        text: str = node.value
        if node.style or node.tag not in ("tag:yaml.org,2002:str", "!", None):
            return text if node.tag in ("tag:yaml.org,2002:str", "!", None) else _tagged(node)
        if text in _PLAIN_VALUES:
            return _PLAIN_VALUES[text]
        first = text[:1]
        if first.isdigit() or first in "-+.":
            if _INT.match(text):
                return int(text.replace("_", ""))
            if _FLOAT.match(text) and any(ch.isdigit() for ch in text):
                return float(text.replace("_", ""))
            if _DATE.match(text) or _TIMESTAMP.match(text):
                return _tagged(node, "tag:yaml.org,2002:timestamp")
        return text


def _rejoin_type_modifiers(pairs: list[Any]) -> list[Any]:
    """`{type: numeric(19,4)}` splits at the comma in a YAML flow mapping; SPEC_FORMAT writes
    types that way, so a plain value with an open parenthesis takes back the pieces after it."""
    out: list[Any] = []
    for key_node, value_node in pairs:
        if out and _is_plain(key_node) and _is_plain(value_node, empty=True):
            prev_key, prev_value = out[-1]
            text = prev_value.value if _is_plain(prev_value) else ""
            if text.count("(") > text.count(")"):
                joined = yaml.ScalarNode(prev_value.tag, f"{text},{key_node.value}",
                                         prev_value.start_mark, key_node.end_mark, prev_value.style)
                out[-1] = (prev_key, joined)
                continue
        out.append((key_node, value_node))
    return out


def _is_plain(node: Any, empty: bool = False) -> bool:
    if not isinstance(node, yaml.ScalarNode) or node.style:
        return False
    return node.value == "" if empty else True


def _tagged(node: yaml.ScalarNode, tag: str | None = None) -> Any:
    """Construct a scalar through PyYAML's safe constructor (dates, explicit tags)."""
    if tag is not None:
        node = yaml.ScalarNode(tag, node.value, node.start_mark, node.end_mark, node.style)
    try:
        return yaml.SafeLoader("").construct_object(node, deep=True)
    except yaml.YAMLError:
        return node.value


def load_specs(root: Path) -> tuple[list[RawDoc], list[Diagnostic]]:
    """Every database-schema spec under root; other spec types are skipped with a notice."""
    docs: list[RawDoc] = []
    diagnostics: list[Diagnostic] = []
    if not root.exists():
        return [], [
            error("E009", f"no such file or directory: {root}", None,
                  "pass the directory that holds your spec files (default: specs/)")
        ]
    files = discover(root)
    if not files:
        return [], [
            error("E009", f"no spec files (*.md, *.yaml) under {root}", None,
                  "run 'schemac init' to create a starter spec")
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
                    error("E010", "missing spec_type", doc.spans.value(()),
                          "add 'spec_type: database-schema' at the top")
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
