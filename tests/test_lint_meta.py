"""Meta-tests of the rule registry: every rule is documented, tested both ways, and unique."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import yaml

from schemac.rules import ALL_RULES, get_rule, select_rules
from schemac.rules.base import DOC_SECTIONS, Rule, sections
from schemac.rules.docs import pages

ROOT = Path(__file__).parent.parent
CASES = Path(__file__).parent / "rules" / "cases"
KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
CODE = re.compile(r"^SC\d{3}$")
IDS = [rule.code for rule in ALL_RULES]


def test_codes_and_names_are_unique_and_well_formed() -> None:
    codes = [r.code for r in ALL_RULES]
    names = [r.name for r in ALL_RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    assert all(CODE.match(c) for c in codes)
    assert all(KEBAB.match(n) for n in names)
    assert codes == sorted(codes), "ALL_RULES is kept in code order"


@pytest.mark.parametrize("rule", ALL_RULES, ids=IDS)
def test_rule_docstring_has_every_section(rule: Rule) -> None:
    assert rule.summary.endswith("."), "the summary is one sentence"
    found = sections(rule.doc or "")
    assert list(found)[: len(DOC_SECTIONS)] == list(DOC_SECTIONS)
    for title in DOC_SECTIONS:
        assert found[title].strip(), f"empty '## {title}' section"


@pytest.mark.parametrize("rule", ALL_RULES, ids=IDS)
def test_rule_examples_are_valid_yaml_or_toml(rule: Rule) -> None:
    for title in ("Example", "Use instead"):
        blocks = re.findall(r"```(\w+)\n(.*?)```", rule.section(title), re.S)
        assert blocks, f"'## {title}' has no code block"
        for language, body in blocks:
            if language == "yaml":
                assert isinstance(yaml.safe_load(body), dict)


@pytest.mark.parametrize("rule", ALL_RULES, ids=IDS)
def test_rule_module_is_named_after_the_rule(rule: Rule) -> None:
    module = importlib.import_module(rule.check.__module__)
    if rule.scope == "schema":
        assert module.__name__.rsplit(".", 1)[1] == rule.name.replace("-", "_")
        assert module.RULE is rule


@pytest.mark.parametrize("rule", ALL_RULES, ids=IDS)
def test_rule_has_failing_and_passing_cases(rule: Rule) -> None:
    path = CASES / f"{rule.code}.yaml"
    if rule.scope == "resolver":
        # raised by the resolver: its cases are resolver tests, and lint must never report it
        assert not path.exists()
        return
    assert path.is_file(), f"missing {path.relative_to(ROOT)}"
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    assert any(case["expect"] for case in cases), "no failing case"
    assert any(not case["expect"] for case in cases), "no passing case"


def test_lookup_by_code_name_and_prefix() -> None:
    assert get_rule("SC204") is get_rule("prefer-timestamptz") is get_rule("sc204")
    assert get_rule("SC999") is None
    assert {r.code for r in select_rules("SC2")} == {f"SC20{i}" for i in range(1, 9)}
    assert select_rules("nothing") == ()


def test_generated_docs_match_the_docstrings() -> None:
    docs = ROOT / "docs" / "rules"
    expected = pages()
    for name, text in expected.items():
        assert (docs / name).read_text(encoding="utf-8") == text, (
            f"docs/rules/{name} is stale: run `python -m schemac.rules.docs docs/rules`"
        )
    assert {p.name for p in docs.glob("*.md")} == set(expected)
