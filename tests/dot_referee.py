"""Referees for the Graphviz output of `schemac erd --format dot`.

- `dot_render(source)`: Graphviz's own `dot -Tsvg`, when Graphviz is installed (the project does
  not install it; `graphviz_available()` says whether it is there).
- `parse_dot(source)`: a structural check that always runs: a tokenizer and parser for the DOT
  language (graph, node, edge and attribute statements; IDs, quoted strings, HTML strings with
  balanced `<>`), with every HTML-like label parsed as XML the way Graphviz reads them, and
  every edge's ends declared as nodes. It returns the nodes and edges so tests can check what
  the diagram says, not only that it parses.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from tests.referees import TIMEOUT_S, RefereeError

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<arrow>->|--)
    | (?P<punct>[{}\[\];,=:])
    | (?P<quoted>"(?:[^"\\]|\\.)*")
    | (?P<html><)
    | (?P<id>[A-Za-z_\x80-\uffff][A-Za-z_0-9\x80-\uffff]*|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))
    )""",
    re.VERBOSE | re.DOTALL,
)


@dataclass
class DotGraph:
    """What a DOT source declares: node id -> attributes, and edges in order."""

    name: str
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    edges: list[tuple[str, str, str, str, dict[str, str]]] = field(default_factory=list)
    labels: dict[str, ET.Element] = field(default_factory=dict)


def graphviz_available() -> bool:
    return shutil.which("dot") is not None


def dot_render(source: str) -> str:
    """The SVG Graphviz draws; RefereeError with its messages when it complains (a warning
    counts: Graphviz draws a broken label as plain text and only warns)."""
    done = subprocess.run(
        ["dot", "-Tsvg"], input=source, capture_output=True, text=True, timeout=TIMEOUT_S
    )
    if done.returncode != 0 or done.stderr.strip():
        raise RefereeError(f"dot exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def _tokens(source: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(source):
        if source[pos:].strip() == "":
            break
        match = _TOKEN.match(source, pos)
        if match is None:
            raise RefereeError(f"DOT: unexpected character at {pos}: {source[pos : pos + 20]!r}")
        kind = match.lastgroup
        assert kind is not None
        if kind == "html":
            start = match.end(kind)
            depth, end = 1, start
            while depth:
                if end >= len(source):
                    raise RefereeError("DOT: an HTML string is not closed")
                depth += {"<": 1, ">": -1}.get(source[end], 0)
                end += 1
            tokens.append(("html", source[start : end - 1]))
            pos = end
            continue
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def _value(kind: str, text: str) -> str:
    if kind == "quoted":
        return text[1:-1].replace('\\"', '"')
    return text


def parse_dot(source: str) -> DotGraph:
    """Parse a `digraph NAME { ... }`; RefereeError on anything Graphviz would not read."""
    tokens = _tokens(source)
    i = 0

    def take(*kinds: str, text: str | None = None) -> tuple[str, str]:
        nonlocal i
        if i >= len(tokens):
            raise RefereeError(f"DOT: unexpected end, expected {kinds or text}")
        kind, value = tokens[i]
        if (kinds and kind not in kinds) or (text is not None and value != text):
            raise RefereeError(f"DOT: expected {text or kinds}, got {value!r} (token {i})")
        i += 1
        return kind, value

    def peek(text: str) -> bool:
        return i < len(tokens) and tokens[i][1] == text and tokens[i][0] in ("punct", "arrow")

    def attributes() -> dict[str, str]:
        found: dict[str, str] = {}
        take("punct", text="[")
        while not peek("]"):
            _, key = take("id")
            take("punct", text="=")
            kind, value = take("id", "quoted", "html")
            if kind == "html":
                try:
                    ET.fromstring(f"<label>{value}</label>")
                except ET.ParseError as exc:
                    raise RefereeError(f"DOT: an HTML label is not well-formed: {exc}") from exc
            found[key] = _value(kind, value)
            if peek(","):
                take("punct", text=",")
        take("punct", text="]")
        return found

    def endpoint() -> tuple[str, str]:
        kind, node = take("id", "quoted")
        port = ""
        if peek(":"):
            take("punct", text=":")
            port = _value(*take("id", "quoted"))
        return _value(kind, node), port

    take("id", text="digraph")
    graph = DotGraph(_value(*take("id", "quoted")))
    take("punct", text="{")
    while not peek("}"):
        if tokens[i][0] == "id" and tokens[i][1] in ("graph", "node", "edge"):
            i += 1
            attributes()
        else:
            tail, tail_port = endpoint()
            if peek("->"):
                take("arrow", text="->")
                head, head_port = endpoint()
                attrs = attributes() if peek("[") else {}
                graph.edges.append((tail, tail_port, head, head_port, attrs))
            else:
                attrs = attributes() if peek("[") else {}
                if tail in graph.nodes:
                    raise RefereeError(f"DOT: node {tail!r} declared twice")
                graph.nodes[tail] = attrs
        take("punct", text=";")
    take("punct", text="}")
    if i != len(tokens):
        raise RefereeError(f"DOT: text after the graph: {tokens[i]}")
    for tail, _, head, _, _ in graph.edges:
        for end in (tail, head):
            if end not in graph.nodes:
                raise RefereeError(f"DOT: edge end {end!r} is not a declared node")
    for name, attrs in graph.nodes.items():
        if "label" in attrs:
            graph.labels[name] = ET.fromstring(f"<label>{attrs['label']}</label>")
    return graph
