"""Every rule's YAML cases (tests/rules/cases/SCxxx.yaml): findings land exactly where expected.

A case file holds `cases:`, each with a `schema` in the compact builder format, optional
`settings` (Settings fields), optional `select`/`ignore` (default: select the file's rule), and
`expect`: the objects (builder span paths) the rule's findings must point at, one entry per
finding (`-` for a finding without a location). `messages` optionally lists substrings that
must appear in the findings' text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from schemac.config import Settings
from schemac.lint import lint
from tests.rules.builder import build_schema

CASES_DIR = Path(__file__).parent / "cases"


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            found.append((path.stem, case))
    return found


CASES = load_cases()


@pytest.mark.parametrize(
    ("code", "case"), CASES, ids=[f"{code}-{case['name']}" for code, case in CASES]
)
def test_rule_case(code: str, case: dict[str, Any]) -> None:
    settings = Settings.model_validate(case.get("settings", {}))
    schema = build_schema(case["schema"], settings)
    diagnostics = lint(
        schema, settings, select=case.get("select", [code]), ignore=case.get("ignore", [])
    )
    found = [d for d in diagnostics if d.code == code]
    where = sorted(d.span.path if d.span else "-" for d in found)
    assert where == sorted(case["expect"]), [f"{d.span}: {d.message}" for d in found]
    text = "\n".join(f"{d.message} | {d.help}" for d in found)
    for fragment in case.get("messages", ()):
        assert fragment in text
    assert all(d.name for d in found)
