"""Reporters: compiler-style text, JSON, SARIF 2.1.0 (schema-valid) and GitHub annotations."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from schemac.diagnostics import Diagnostic, Severity
from schemac.report import (
    choose_format,
    render,
    render_github,
    render_json,
    render_sarif,
    render_text,
    summary,
)
from schemac.rules import ALL_RULES
from schemac.source import Span

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

SPEC = """spec_type: database-schema
title: Orders
tables:
  orders:
    columns:
      paid_at: timestamp
"""


@pytest.fixture
def diagnostics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Diagnostic]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "orders.yaml").write_text(SPEC, encoding="utf-8")
    return [
        Diagnostic(
            "SC204",
            Severity.ERROR,
            "'orders.paid_at' is timestamp without time zone",
            Span("specs/orders.yaml", 6, 7),
            "use timestamptz",
            "prefer-timestamptz",
        ),
        Diagnostic(
            "SC307",
            Severity.INFO,
            "table 'orders' has no description",
            Span("specs/orders.yaml", 4, 3),
            None,
            "described",
        ),
        Diagnostic("E001", Severity.ERROR, "cannot read schemac.toml: bad, very bad", None),
    ]


def test_text_has_location_caret_excerpt_and_help(diagnostics: list[Diagnostic]) -> None:
    text = render_text(diagnostics[:1])
    assert text.splitlines() == [
        "specs/orders.yaml:6:7: SC204 error: 'orders.paid_at' is timestamp without time zone",
        " 6 |       paid_at: timestamp",
        "   |       ^^^^^^^",
        "  help: use timestamptz",
    ]


def test_text_without_file_or_span_still_renders(diagnostics: list[Diagnostic]) -> None:
    missing = Diagnostic("SC203", Severity.WARNING, "x is json", Span("gone.yaml", 3, 1))
    text = render_text([missing, diagnostics[2]])
    assert text.splitlines() == [
        "gone.yaml:3:1: SC203 warning: x is json",
        "E001 error: cannot read schemac.toml: bad, very bad",
    ]


def test_summary_counts_by_severity(diagnostics: list[Diagnostic]) -> None:
    assert summary(diagnostics) == "Found 3 problems (2 errors, 1 info)."
    assert summary([]) == "No problems found."


def test_json_is_flat_and_complete(diagnostics: list[Diagnostic]) -> None:
    data = json.loads(render_json(diagnostics))
    assert data[0] == {
        "code": "SC204",
        "name": "prefer-timestamptz",
        "severity": "error",
        "message": "'orders.paid_at' is timestamp without time zone",
        "help": "use timestamptz",
        "path": "specs/orders.yaml",
        "line": 6,
        "column": 7,
    }
    assert data[2]["path"] is None


def test_sarif_validates_against_the_sarif_2_1_0_schema(diagnostics: list[Diagnostic]) -> None:
    log = json.loads(render_sarif(diagnostics))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_sarif_has_what_code_scanning_reads(diagnostics: list[Diagnostic]) -> None:
    log = json.loads(render_sarif(diagnostics))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules[: len(ALL_RULES)]] == [r.code for r in ALL_RULES]
    by_id = {r["id"]: r for r in rules}
    sc204 = by_id["SC204"]
    assert sc204["name"] == "prefer-timestamptz"
    assert sc204["shortDescription"]["text"].startswith("Points in time are `timestamptz`")
    assert "## Why" in sc204["help"]["markdown"]
    assert sc204["defaultConfiguration"]["level"] == "error"
    assert by_id["SC307"]["defaultConfiguration"]["level"] == "note"
    assert "E001" in by_id, "input-error codes get a descriptor too"
    first = run["results"][0]
    assert first["ruleId"] == "SC204"
    assert rules[first["ruleIndex"]]["id"] == "SC204"
    assert first["level"] == "error"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "specs/orders.yaml"
    assert location["region"] == {"startLine": 6, "startColumn": 7}
    assert run["results"][1]["level"] == "note"


def test_sarif_uris_are_relative_to_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = Diagnostic("SC203", Severity.WARNING, "m", Span(str(tmp_path / "a.yaml"), 1, 1))
    log = json.loads(render_sarif([absolute]))
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"] == "a.yaml"


def test_github_annotations_escape_properties_and_data(diagnostics: list[Diagnostic]) -> None:
    lines = render_github(diagnostics).splitlines()
    assert lines[0] == (
        "::error file=specs/orders.yaml,line=6,col=7,title=SC204 prefer-timestamptz::"
        "'orders.paid_at' is timestamp without time zone%0Ahelp: use timestamptz"
    )
    assert lines[1].startswith("::notice file=specs/orders.yaml,line=4,col=3,title=SC307 described")
    assert lines[2] == "::error title=E001::cannot read schemac.toml: bad, very bad"
    odd = Diagnostic("SC203", Severity.WARNING, "100% bad", Span("a,b:c.yaml", 1, 1), name="n")
    assert (
        render_github([odd])
        == "::warning file=a%2Cb%3Ac.yaml,line=1,col=1,title=SC203 n::100%25 bad"
    )


def test_choose_format() -> None:
    assert choose_format(None, {}) == "text"
    assert choose_format(None, {"GITHUB_ACTIONS": "true"}) == "github"
    assert choose_format("sarif", {"GITHUB_ACTIONS": "true"}) == "sarif"
    assert choose_format("json", {}) == "json"


def test_render_dispatches_on_format(diagnostics: list[Diagnostic]) -> None:
    assert render(diagnostics, "json") == render_json(diagnostics)
    assert render(diagnostics, "github") == render_github(diagnostics)
