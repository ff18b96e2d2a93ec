"""Mermaid's own parser as a referee for the diagrams schemac writes (tests/mermaid_parse.mjs).

`mermaid_parse(sources)` runs Node with the `mermaid` package that `make setup` installs into
.tools/ (npm) and returns, for each source, what Mermaid read: the entities (name, alias,
attributes with type, name, keys) and the relationships (entities, role, cardinalities), or
the parse error. A missing node or mermaid is `need_tool`: a failure when CI=true, a skip
elsewhere. `decode` turns Mermaid's entity codes (`#35;`) back into characters, as its renderer
does, so a test can compare what a diagram shows with the names in the specs.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.referees import TIMEOUT_S, TOOLS, RefereeError, need_tool

SCRIPT = Path(__file__).with_name("mermaid_parse.mjs")
#: what Mermaid's preprocessing makes of `#35;` and `#quot;` before the grammar sees them
_ENCODED = re.compile("\ufb02\u00b0(\u00b0?)(\\w+)\u00b6\u00df")


@dataclass(frozen=True)
class Parsed:
    """What Mermaid made of one diagram: `ok` and the diagram's contents, or `error`."""

    ok: bool
    error: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    relationships: list[dict[str, Any]] = field(default_factory=list)
    direction: str | None = None
    acc_title: str = ""
    acc_description: str = ""

    def entity(self, name: str) -> dict[str, Any]:
        return next(e for e in self.entities if e["name"] == name)

    def shown_name(self, name: str) -> str:
        """The text the diagram draws for an entity: its alias when it has one, decoded."""
        entity = self.entity(name)
        return decode(entity["alias"] or entity["name"])


def decode(text: str) -> str:
    """Mermaid's entity codes as the characters its renderer draws for them."""

    def one(match: re.Match[str]) -> str:
        numeric, body = match.groups()
        return chr(int(body)) if numeric else html.unescape(f"&{body};")

    return _ENCODED.sub(one, text)


def mermaid_tools() -> Path:
    if shutil.which("node") is None:
        need_tool("node", "apt-get install nodejs npm, then `make setup`")
    if not (TOOLS / "node_modules" / "mermaid" / "package.json").is_file():
        need_tool("mermaid", "run `make setup` (npm install --no-save --prefix .tools mermaid)")
    return TOOLS


def mermaid_parse(sources: list[str]) -> list[Parsed]:
    """Mermaid's reading of each diagram source, in order (one Node process for all)."""
    tools = mermaid_tools()
    try:
        done = subprocess.run(
            ["node", str(SCRIPT), str(tools)],
            input=json.dumps(sources),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        raise RefereeError(f"mermaid: no answer in {TIMEOUT_S}s") from exc
    if done.returncode != 0:
        raise RefereeError(f"mermaid_parse.mjs exited {done.returncode}: {done.stderr.strip()}")
    return [
        Parsed(
            ok=item["ok"],
            error=item.get("error", ""),
            entities=item.get("entities", []),
            relationships=item.get("relationships", []),
            direction=item.get("direction"),
            acc_title=item.get("accTitle", ""),
            acc_description=item.get("accDescription", ""),
        )
        for item in json.loads(done.stdout)
    ]


def mermaid_check(source: str) -> Parsed:
    """Mermaid's reading of one diagram; raises RefereeError with Mermaid's message when it
    does not parse."""
    (parsed,) = mermaid_parse([source])
    if not parsed.ok:
        raise RefereeError(f"Mermaid cannot parse the diagram: {parsed.error}\n{source}")
    return parsed
