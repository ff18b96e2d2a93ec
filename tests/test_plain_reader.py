"""load/plain.py, the fast line reader, must give exactly what the libyaml composer gives.

Whenever plain.read accepts a text, its data, value positions and key positions must equal
compose.Builder's for the same text, and the composer must have found nothing to report. The
reader may refuse anything (compose.py then reads it): these tests check that what it accepts
it reads right, over every spec we have, hand-picked edge cases, and generated documents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemac.load.compose import Builder
from schemac.load.plain import read as read_plain

ROOT = Path(__file__).resolve().parents[1]


def composed(text: str, offset: int = 0) -> tuple[Any, dict, dict] | None:
    """What the composer reads, or None when it reports anything (plain.py must refuse those)."""
    builder = Builder("x.yaml", offset)
    try:
        root = builder.document(text)
    except yaml.YAMLError:
        return None
    if root is None or builder.diagnostics or not isinstance(root[0], dict):
        return None
    return root[0], builder.values, builder.keys


def same(text: str, offset: int = 0) -> bool:
    """Assert the two readers agree whenever plain.py accepts; True when it accepted."""
    fast = read_plain(text, offset)
    if fast is None:
        return False
    slow = composed(text, offset)
    assert slow is not None, f"plain.py accepted what the composer rejects:\n{text}"
    assert _typed(fast[0]) == _typed(slow[0]), text
    assert fast[1] == slow[1], text
    assert fast[2] == slow[2], text
    return True


def _typed(value: Any) -> Any:
    """Data with each scalar's type kept (True == 1 and 1 == 1.0 in Python)."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


def _front_matter(text: str) -> str | None:
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---", 4)
    return None if end < 0 else text[4 : end + 1]


def _spec_texts() -> list[tuple[str, str]]:
    found = []
    for base in (ROOT / "specs", ROOT / "tests", ROOT / "bench", ROOT.parent / "shared"):
        for path in sorted(base.rglob("*")):
            if path.suffix not in (".yaml", ".yml", ".md") or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            body = _front_matter(text) if path.suffix == ".md" else text
            if body:
                found.append((str(path.relative_to(ROOT.parent)), body))
    return found


def test_every_spec_we_hold_reads_the_same() -> None:
    texts = _spec_texts()
    accepted = sum(same(text, 1) for _, text in texts)
    assert texts and accepted >= len(texts) // 2  # the fast path must actually be taken


EDGE_CASES = [
    "a: 1\n",
    "a: 1\nb: -1\nc: +1\nd: 1_000\ne: 0o7\nf: 0x1f\ng: 1.5\nh: .5\ni: 1e3\nj: -.inf\nk: .nan\n",
    "a: true\nb: True\nc: yes\nd: off\ne: null\nf: ~\ng:\nh: 'true'\ni: \"null\"\n",
    "a: 2024-01-02\nb: 2024-01-02 10:00:00\nc: 2024-1-2\nd: '2024-01-02'\n",
    "a: it's\nb: 'it''s'\nc: \"x y\"\nd: a # comment\ne: a#b\nf: 'a # b'\n",
    "a: x: y\n",
    "a: [1, 2, 'three', \"four\", five]\nb: {x: 1, y: two}\nc: []\nd: {}\n",
    "a: [x y, -1, -x]\nb: {k: 'v, w'}\n",
    "a:\n  - 1\n  - b: 2\n    c: 3\n  -\n  - - nested\n",
    "a:\n- 1\n- 2\nb: 3\n",
    "a: |\n  line one\n   indented\n\n  after blank\nb: 1\n",
    "a: |-\n  kept\n\n\nb: 1\n",
    "a: |\n\n  starts blank\n",
    "a: |\nb: 1\n",
    "a: >\n  folded\n  text\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "a: 'multi\n  line'\n",
    "a: plain\n  continued\n",
    "a: 1\na: 2\n",
    "? a\n: 1\n",
    "'quoted key': 1\n\"dq key\": 2\n1: one\ntrue: yes\nnull: n\n",
    'a: "tab\\there"\n',
    "a: caf\u00e9\nb: \u65e5\u672c\n",
    "a:   spaced   \nb:\t1\n",
    "# only a comment\na: 1 # trailing\n\n# end\n",
    "a:\n  b:\n    c:\n      d: deep\n  e: back\n",
    "a: - x\n",
    "a: [1, [2, 3]]\n",
    "a: {b: [1]}\n",
    "a: [\n  1, 2]\n",
    "a: 'x' y\n",
    "a: -\n",
    "a: ---\n",
    "a: ...\n",
    "a: `x`\n",
    "a: @x\n",
    "a: %x\n",
    "a: ? x\n",
    "a: ''\nb: \"\"\n",
    "a: 12:30\nb: 1:2:3\n",
    "a: 0\nb: 00\nc: 01\nd: -0\n",
]


@pytest.mark.parametrize("text", EDGE_CASES, ids=range(len(EDGE_CASES)))
@pytest.mark.parametrize("offset", [0, 7])
def test_edge_cases_read_the_same_or_are_refused(text: str, offset: int) -> None:
    same(text, offset)


def test_refusals_are_real() -> None:
    """The reader must take the common shapes (else the tests above prove nothing) and refuse
    the constructs it does not implement."""
    assert same("a: 1\nb:\n  - x\n  - {k: v}\nc: |\n  text\n")
    for text in ("a: &x 1\nb: *x\n", "a: >\n  f\n", "a: 1\na: 2\n", "? a\n: 1\n", "- 1\n"):
        assert read_plain(text, 0) is None, text


_WORDS = st.sampled_from(
    ["a", "b", "name", "type", "x1", "a-b", "a.b", "on", "null", "1", "true", "-1", "0x10"]
)
_SCALARS = st.one_of(
    st.sampled_from(
        [
            "1",
            "-2",
            "3.5",
            "1e5",
            "true",
            "no",
            "null",
            "~",
            "",
            "2024-01-02",
            "text",
            "two words",
            "it's",
            "a: b",
            "a#b",
            "a #b",
            "'q'",
            "'it''s'",
            '"dq"',
            '"a\\nb"',
            "[1, 2]",
            "[a, 'b']",
            "{k: v}",
            "{k: [1]}",
            "[]",
            "{}",
            "-x",
            "- x",
            "*x",
            "&x v",
            "!!str 5",
            "|",
            "|-",
            ">",
            "12:30",
            "'",
            '"',
            "[",
            "{k: v",
            "é",
            "a  ",
            "x , y",
        ]
    ),
    st.text(alphabet="ab :#'\"-[]{},|>\\é", max_size=8),
)


@st.composite
def _documents(draw: st.DrawFn, depth: int = 0) -> str:
    lines: list[str] = []
    indent = " " * (2 * depth)
    for _ in range(draw(st.integers(1, 4))):
        key = draw(_WORDS)
        kind = draw(st.integers(0, 5 if depth < 2 else 1))
        if kind <= 1:
            lines.append(
                f"{indent}{key}: {draw(_SCALARS)}".rstrip(" ")
                + draw(st.sampled_from(["", "", " # c", "  "]))
            )
        elif kind == 2:
            lines.append(f"{indent}{key}:")
            lines.append(draw(_documents(depth + 1)).rstrip("\n"))
        elif kind == 3:
            lines.append(f"{indent}{key}:")
            dash = indent + draw(st.sampled_from(["  ", ""]))
            for _ in range(draw(st.integers(1, 3))):
                lines.append(f"{dash}- {draw(_SCALARS)}".rstrip(" "))
        elif kind == 4:
            lines.append(f"{indent}{key}: |" + draw(st.sampled_from(["", "-"])))
            for _ in range(draw(st.integers(0, 3))):
                lines.append(indent + "  " + draw(st.sampled_from(["x", " y", "", "a: b", "#c"])))
        else:
            lines.append(f"{indent}{key}:")
            lines.append(f"{indent}  - {draw(_WORDS)}: {draw(_SCALARS)}".rstrip(" "))
            lines.append(f"{indent}    {draw(_WORDS)}: {draw(_SCALARS)}".rstrip(" "))
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "# comment", indent + "# c"])))
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_generated_documents_read_the_same(text: str) -> None:
    same(text, 3)
