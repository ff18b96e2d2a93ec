"""A GFM parser as a referee for the schema document (tests/markdown_parse.mjs).

`markdown_tokens(texts)` runs Node with `marked` (a CommonMark/GFM parser; `make setup` installs
it into .tools/) and returns each text's token tree; `walk` visits every token of a tree, table
cells and list items included. Tests read the document the way a renderer does: which headings
and tables it holds, and that no spec text became HTML, a link or an image. A missing node or
marked is `need_tool`: a failure when CI=true, a skip elsewhere.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.referees import TIMEOUT_S, TOOLS, RefereeError, need_tool

SCRIPT = Path(__file__).with_name("markdown_parse.mjs")


def markdown_tokens(texts: list[str]) -> list[list[dict[str, Any]]]:
    if shutil.which("node") is None:
        need_tool("node", "apt-get install nodejs npm, then `make setup`")
    if not (TOOLS / "node_modules" / "marked" / "package.json").is_file():
        need_tool("marked", "run `make setup` (npm install --no-save --prefix .tools marked)")
    try:
        done = subprocess.run(
            ["node", str(SCRIPT), str(TOOLS)],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        raise RefereeError(f"marked: no answer in {TIMEOUT_S}s") from exc
    if done.returncode != 0:
        raise RefereeError(f"markdown_parse.mjs exited {done.returncode}: {done.stderr.strip()}")
    trees: list[list[dict[str, Any]]] = json.loads(done.stdout)
    return trees


def walk(tokens: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every token, depth first: block tokens, their inline tokens, list items, table cells."""
    for token in tokens:
        yield token
        yield from walk(token.get("tokens") or [])
        for item in token.get("items") or []:
            yield item
            yield from walk(item.get("tokens") or [])
        cells = list(token.get("header") or [])
        for row in token.get("rows") or []:
            cells += row
        for cell in cells:
            yield from walk(cell.get("tokens") or [])


def headings(tokens: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(t["depth"], t["text"]) for t in tokens if t["type"] == "heading"]


def tables(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t for t in walk(tokens) if t["type"] == "table"]


def cell_text(cell: dict[str, Any]) -> str:
    """What a table cell shows: its inline tokens' text, entities decoded, escapes applied."""
    import html

    def shown(tokens: list[dict[str, Any]]) -> str:
        out = []
        for token in tokens:
            if token.get("tokens"):
                out.append(shown(token["tokens"]))
            elif token["type"] == "escape":
                out.append(token["text"])
            else:
                out.append(html.unescape(token.get("text", "")))
        return "".join(out)

    return shown(cell.get("tokens") or [])
