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

#: libyaml's parser keeps marks too and composes ~10x faster than the pure-Python one
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SPEC_SUFFIXES = (".md", ".markdown", ".yaml", ".yml")
_FRONT_OPEN = re.compile(r"\A---[ \t]*\r?\n")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass
class SpanIndex:
    """Where each value (and each mapping key) of a document was written."""

    values: dict[Path_, Span] = field(default_factory=dict)
    keys: dict[Path_, Span] = field(default_factory=dict)

    def value(self, path: Path_) -> Span | None:
        """The span of the value at path, or of its nearest written ancestor."""
        for i in range(len(path), -1, -1):
            span = self.values.get(path[:i])
            if span is not None:
                return span
        return None

    def key(self, path: Path_) -> Span | None:
        """The span of the key that introduces path (falls back to the value's span)."""
        return self.keys.get(path) or self.value(path)


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
        self.index = SpanIndex()
        self.diagnostics: list[Diagnostic] = []
        self._constructor = yaml.SafeLoader("")

    def span(self, node: yaml.Node) -> Span:
        return Span(self.path, node.start_mark.line + 1 + self.offset, node.start_mark.column + 1)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.index.values[path] = self.span(node)
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
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
                            + (f" (first written at line {first.line})" if first else ""),
                            self.span(key_node),
                            "each key may appear once in a mapping; merge the two entries",
                        )
                    )
                    continue
                self.index.keys[(*path, key_text)] = self.span(key_node)
                result[key_text] = self.build(value_node, (*path, key_text))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return None
        return self._constructor.construct_object(node, deep=True)


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
