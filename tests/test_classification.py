"""`classification:` on columns and tables: what the loader accepts and refuses (located, with
a did-you-mean, exit 2), that a classification is never a schema change (not in the snapshot,
`check` stays green, `build` has nothing to do), and the schema document's "Data
Classification & Compliance" section as a GFM parser reads it (golden:
tests/golden/docs/classified.md, `pytest --update-golden` rewrites it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.config import Settings
from schemac.document.markdown import render_document
from schemac.document.source import load_documented
from schemac.model.classification import LEVELS, Classification, rank
from schemac.spec.jsonschema import spec_json_schema
from tests.helpers import errors_of, resolve_text, write_spec
from tests.markdown_referee import cell_text, headings, markdown_tokens, tables

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "classified"
GOLDEN = ROOT / "tests" / "golden" / "docs" / "classified.md"
BODY = """
tables:
  users:
    classification: internal
    columns:
      id: {type: uuid, primary_key: true}
      email: {type: text, classification: pii}
      phone: {type: text, classification: {level: sensitive, retention: "30 days"}}
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_levels_are_a_closed_ordered_set() -> None:
    assert LEVELS == ("public", "internal", "pii", "sensitive", "secret")
    assert [rank(level) for level in LEVELS] == [0, 1, 2, 3, 4]


def test_short_and_long_forms_and_the_table_default(tmp_path: Path) -> None:
    (table,) = resolve_text(tmp_path, BODY).tables
    assert {c.name: c.classification for c in table.columns} == {
        "id": Classification(level="internal"),
        "email": Classification(level="pii"),
        "phone": Classification(level="sensitive", retention="30 days"),
    }


@pytest.mark.parametrize(
    ("written", "line", "col", "hint"),
    [
        ("email: {type: text, classification: pi}", 8, 43, "did you mean 'pii'?"),
        ("email: {type: text, classification: {level: Secret}}", 8, 51, "did you mean 'secret'?"),
        ("email: {type: text, classification: xyz}", 8, 43, "levels: public, internal, pii"),
    ],
)
def test_an_unknown_level_is_located_with_a_hint(
    written: str, line: int, col: int, hint: str, tmp_path: Path
) -> None:
    body = BODY.replace("email: {type: text, classification: pii}", written)
    (found,) = errors_of(tmp_path, body)
    assert found.code == "E170" and found.span is not None and found.help is not None
    assert (found.span.line, found.span.col) == (line, col)
    assert hint in found.help


def test_an_unknown_table_default_is_reported_once(tmp_path: Path) -> None:
    found = errors_of(tmp_path, BODY.replace("classification: internal", "classification: interal"))
    assert [(d.code, d.span.line if d.span else 0) for d in found] == [("E170", 5)]
    assert found[0].help == "did you mean 'internal'?"


def test_a_misspelt_key_of_the_long_form(tmp_path: Path) -> None:
    (found,) = errors_of(tmp_path, BODY.replace("retention:", "retension:"))
    assert "unknown key 'retension'" in found.message and found.help == "did you mean 'retention'?"


def test_cli_exits_2_located_for_every_command(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", BODY.replace("classification: pii", "classification: pi"))
    for command in ("lint", "docs", "mask"):
        code, stdout, err = run(command, str(tmp_path / "specs"))
        assert code == 2, (command, err)
        assert re.search(r"spec\.yaml:8:43: E170 error: unknown classification level 'pi'", err)
        assert "Traceback" not in err and stdout == ""


def test_json_schema_offers_the_levels() -> None:
    definitions = spec_json_schema()["$defs"]
    short, long_form = definitions["ClassificationSpec"]["anyOf"]
    assert short["enum"] == list(LEVELS)
    assert long_form["properties"]["level"]["enum"] == list(LEVELS)
    assert "classification" in definitions["ColumnSpec"]["anyOf"][1]["properties"]
    assert "classification" in definitions["TableSpec"]["properties"]


def test_classifying_is_not_a_schema_change(tmp_path: Path) -> None:
    specs, out = tmp_path / "specs", tmp_path / "migrations"
    write_spec(specs, BODY)
    assert run("build", str(specs), "-o", str(out))[0] == 0
    snapshot = (out / "schemac.snapshot.json").read_text(encoding="utf-8")
    assert "classification" not in snapshot and "sensitive" not in snapshot
    files = sorted(p.name for p in out.iterdir())
    write_spec(specs, BODY.replace("classification: pii", "classification: public"))
    code, stdout, err = run("check", str(specs), "-m", str(out))
    assert code == 0, stdout + err
    code, stdout, _ = run("build", str(specs), "-o", str(out))
    assert code == 0 and "nothing to do" in stdout
    assert sorted(p.name for p in out.iterdir()) == files
    assert (out / "schemac.snapshot.json").read_text(encoding="utf-8") == snapshot


def _document(specs: Path) -> str:
    documented, diagnostics = load_documented(specs, Settings())
    assert documented is not None, [d.message for d in diagnostics]
    return render_document(documented, Settings())


def test_document_section_matches_golden_and_reads_as_tables(
    request: pytest.FixtureRequest,
) -> None:
    document = _document(FIXTURE)
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text(document, encoding="utf-8")
    assert document == GOLDEN.read_text(encoding="utf-8"), f"differs from {GOLDEN}"
    (tokens,) = markdown_tokens([document])
    titles = [title for _, title in headings(tokens)]
    assert titles.index("Data Classification & Compliance") < titles.index("Tables")
    shown = [
        ([cell_text(c) for c in t["header"]], [[cell_text(c) for c in row] for row in t["rows"]])
        for t in tables(tokens)
    ]
    classified = next(rows for header, rows in shown if header[:2] == ["Table", "Column"])
    assert ["users", "email", "pii", "deleted 30 days after account closure"] in classified
    assert ["users", "password_hash", "secret", ""] in classified
    assert ["tenants", "id", "internal", ""] in classified  # the table's default
    assert ["subscriptions", "topic", "public", ""] in classified
    levels = next(rows for header, rows in shown if header == ["Level", "Meaning"])
    assert [row[0] for row in levels] == list(LEVELS)
    users = next(rows for header, rows in shown if any(r[0] == "full_name" for r in rows))
    assert [(r[0], r[-1]) for r in users if r[0] in ("full_name", "id", "role")] == [
        ("id", ""),
        ("full_name", "pii"),
        ("role", "internal"),
    ]


def test_document_without_classification_has_no_section(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", "tables:\n  users:\n    columns: {id: {type: uuid}}\n")
    document = _document(tmp_path / "specs")
    assert "Data Classification" not in document and "| Classification |" not in document
