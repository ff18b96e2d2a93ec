"""The schema document as a GFM renderer reads it (marked, tests/markdown_referee.py): spec text
is shown, never obeyed (no HTML, link, image, heading or broken table from a description or a
name); sections the specs say nothing about are left out; the conventions are those the
configuration enforces."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from schemac.config import Settings
from schemac.document.markdown import render_document
from schemac.document.markup import code, fenced, one_line, paragraph, text
from schemac.document.source import load_documented
from tests.helpers import write_spec
from tests.markdown_referee import cell_text, headings, markdown_tokens, tables, walk

ROOT = Path(__file__).resolve().parent.parent

EVIL = (
    "line one\nline two | <script>alert(1)</script> <img src=x onerror=alert(1)> "
    "[click](javascript:alert(1)) ![pixel](http://t.example/p.png) <http://t.example> "
    "**bold** _it_ `code` ~~gone~~ &amp; &lt; $x$ \\| end"
)

ADVERSARIAL: dict[str, Any] = {
    "spec_type": "database-schema",
    "title": "spec",
    "description": EVIL,
    "owner": "a|b <i>c</i>",
    "tables": {
        "odd <b>|</b> name": {
            "description": f"# not a heading\n- not a list\n1. not a list either\n{EVIL}",
            "columns": {
                "id": {"type": "uuid", "primary_key": True, "default": "gen_random_uuid()"},
                "col|umn `x`": {
                    "type": "text",
                    "default": "'a|b'",
                    "check": 'length("col|umn `x`") < 10',
                    "description": EVIL,
                },
                "tricky": {
                    "type": "text",
                    "nullable": True,
                    "default": "E'\\\\|'",
                    "description": "1. # > - + =",
                },
            },
            "indexes": [{"columns": ["tricky"], "where": "tricky <> '<b>'"}],
        }
    },
    "enums": {"mood": {"values": ["a|b", "<i>", "`x`"], "description": EVIL}},
    "views": {"v <script>": {"description": EVIL, "query": "SELECT 1 AS \"```\", '<script>' AS x"}},
    "functions": {
        "f": {
            "returns": "integer",
            "language": "sql",
            "description": f"# {EVIL}",
            "body": "SELECT 1 -- ```` a fence?",
        }
    },
}


def document_of(
    tmp_path: Path, body: str | dict[str, Any], settings: Settings | None = None
) -> str:
    specs = tmp_path / "specs"
    if isinstance(body, dict):
        specs.mkdir(parents=True)
        (specs / "spec.yaml").write_text(
            yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    else:
        write_spec(specs, body)
    documented, diagnostics = load_documented(specs, settings or Settings())
    assert documented is not None, [d.message for d in diagnostics]
    return render_document(documented, settings or Settings())


def test_text_escapes_everything_markdown_or_html_would_obey() -> None:
    assert text("a|b") == "a\\|b"
    assert text("<b>&") == "&lt;b&gt;&amp;"
    assert text("snake_case _x_ *y* [l](u) `c` ~s~ $m$ \\") == (
        "snake_case \\_x\\_ \\*y\\* \\[l\\](u) \\`c\\` \\~s\\~ \\$m\\$ \\\\"
    )
    assert text("one\r\ntwo\n\n three\u2028four") == "one two three four"
    assert text("rtl\u202eltr") == "rtl\\\\u202eltr"  # shows \\u202e
    assert paragraph("# h") == "\\# h" and paragraph("- l") == "\\- l"
    assert paragraph("12. x") == "12\\. x" and paragraph("plain") == "plain"


def test_code_spans_hold_any_text() -> None:
    assert code("a`b") == "``a`b``"
    assert code("`x`") == "`` `x` ``"
    assert code("a|b") == "`a\\|b`" and code("a|b", cell=False) == "`a|b`"
    assert code("E'\\\\|'") == "E'\\\\\\\\\\|'"  # a backslash before a pipe: escaped text
    assert code("E'\\\\'") == "`E'\\\\'`"
    assert code("") == "" and one_line(" a\nb ") == "a b"
    assert fenced("x ```` y\n```", "sql") == ["`````sql", "x ```` y", "```", "`````"]
    assert fenced("a\u202eb\tc\n") == ["```", "a\\u202eb\tc", "```"]  # tabs kept, bidi shown


def test_spec_text_is_shown_never_obeyed(tmp_path: Path) -> None:
    document = document_of(tmp_path, ADVERSARIAL)
    (tokens,) = markdown_tokens([document])
    kinds = {t["type"] for t in walk(tokens)}
    assert not kinds & {"html", "link", "image", "del", "em"}, kinds
    ours = {"**Indexes**", "**Constraints**", "**Partitioning**", "**Row-level security**"}
    assert {t["raw"] for t in walk(tokens) if t["type"] == "strong"} <= ours
    lists = [t for t in walk(tokens) if t["type"] == "list_item"]
    assert all(t["raw"].startswith("- ") and "\n" not in t["raw"].strip() for t in lists)
    outside_code = [line for line in document.splitlines() if "`" not in line]
    assert not any("<" in line or ">" in line for line in outside_code)
    assert headings(tokens) == [
        (1, "Database schema"),
        (2, "Specifications"),
        (2, "Technology"),
        (2, "Entity-relationship diagram"),
        (2, "Conventions"),
        (3, "Naming"),
        (3, "Type standards"),
        (3, "Structure"),
        (3, "Tenancy and security"),
        (2, "Tables"),
        (3, "spec"),
        (4, "`odd <b>|</b> name`"),
        (2, "Enums"),
        (2, "Views"),
        (3, "`v <script>`"),
        (2, "Functions and triggers"),
        (3, "`f()`"),
        (2, "Migrations"),
        (3, "Zero-downtime rules"),
    ]
    shown = one_line(EVIL)
    found = tables(tokens)
    specs_table = found[0]
    header = [cell_text(c) for c in specs_table["header"]]
    row = dict(zip(header, (cell_text(c) for c in specs_table["rows"][0]), strict=True))
    assert row["Description"] == shown and row["Owner"] == "a|b <i>c</i>"
    columns = next(t for t in found if cell_text(t["header"][0]) == "Column")
    cells = [[cell_text(c) for c in r] for r in columns["rows"]]
    assert [r[0] for r in cells] == ["id", "col|umn `x`", "tricky"]
    assert cells[1][3] == "'a|b'" and cells[1][5] == shown
    assert cells[1][4] == 'CHECK length("col|umn `x`") < 10'
    assert cells[2][3] == "E'\\\\|'" and cells[2][5] == "1. # > - + ="
    enums = next(t for t in found if cell_text(t["header"][0]) == "Enum")
    assert [cell_text(c) for c in enums["rows"][0]] == ["mood", "a|b, <i>, `x`", "", shown]
    paragraphs = [t["text"] for t in tokens if t["type"] == "paragraph"]
    assert any(p.startswith("\\# not a heading") for p in paragraphs)
    code_blocks = [t for t in tokens if t["type"] == "code"]
    assert any(b["text"] == "SELECT 1 -- ```` a fence?" for b in code_blocks)
    assert any(b["text"] == "SELECT 1 AS \"```\", '<script>' AS x" for b in code_blocks)


def test_sections_the_specs_do_not_fill_are_left_out(tmp_path: Path) -> None:
    body = "tables:\n  notes:\n    columns:\n      id: {type: uuid, primary_key: true}\n"
    document = document_of(tmp_path, body)
    (tokens,) = markdown_tokens([document])
    titles = [t for depth, t in headings(tokens) if depth == 2]
    assert titles == [
        "Specifications",
        "Technology",
        "Entity-relationship diagram",
        "Conventions",
        "Tables",
        "Migrations",
    ]
    for absent in (
        "**Indexes**",
        "**Partitioning**",
        "**Row-level security**",
        "**Constraints**",
        "Traits:",
    ):
        assert absent not in document
    specs_table = tables(tokens)[0]
    assert [cell_text(c) for c in specs_table["header"]] == ["Spec", "Title", "Type"]
    assert "Time zone" not in document and "Extensions" not in document
    empty = document_of(tmp_path / "empty", "enums:\n  mood: [a, b]\n")
    assert "## Tables" not in empty and "erDiagram" not in empty and "## Enums" in empty


def test_conventions_follow_the_configuration(tmp_path: Path) -> None:
    settings = Settings.model_validate(
        {
            "lint": {
                "ignore": ["SC1", "SC504"],
                "severity": {"SC301": "error", "SC5": "info", "SC503": "info"},
            },
            "conventions": {"required_columns": ["id", "created_at"]},
            "format": "dbmate",
            "versioning": "timestamp",
            "lock_timeout": "2s",
            "statement_timeout": "1min",
        }
    )
    body = """
    lint: {ignore: [SC307]}
    tables:
      logs:
        lint: {ignore: [SC301]}
        columns:
          id: {type: uuid, primary_key: true}
          note: {type: json, lint: {ignore: [SC203]}}
    """
    document = document_of(tmp_path, body, settings)
    (tokens,) = markdown_tokens([document])
    rows = {
        cell_text(r[0]).split()[0]: [cell_text(c) for c in r]
        for t in tables(tokens)
        for r in t["rows"]
    }
    assert not any(code.startswith("SC1") for code in rows) and "SC504" not in rows
    assert rows["SC301"][2] == "error" and rows["SC301"][3] == "logs"
    assert rows["SC203"][3] == "logs.note" and rows["SC307"][3] == "spec.yaml (whole spec)"
    assert rows["SC501"][2] == "info"  # a prefix override reaches the planner rules
    assert rows["SC503"][2].startswith("error")  # a gate: only --allow-destructive lifts it
    assert "- Standard columns (SC301): `id`, `created_at`." in document
    assert "dbmate: `{version}_{slug}.sql`" in document
    assert "UTC timestamps" in document and "`2s`" in document and "`1min`" in document


@pytest.mark.parametrize("specs", ["specs", "examples/hard", "examples/quickstart/specs"])
def test_bundled_documents_read_as_intended(specs: str) -> None:
    documented, _ = load_documented(ROOT / specs, Settings())
    assert documented is not None
    document = render_document(documented, Settings())
    (tokens,) = markdown_tokens([document])
    kinds = {t["type"] for t in walk(tokens)}
    assert "html" not in kinds and "link" not in kinds and "image" not in kinds
    table_headings = [t for depth, t in headings(tokens) if depth == 4]
    assert table_headings == [
        f"`{t.name}`" if t.schema_name == "public" else f"`{t.qualified_name}`"
        for t in documented.schema.tables
    ]
    for table in tables(tokens):
        for row in table["rows"]:
            assert len(row) == len(table["header"])
