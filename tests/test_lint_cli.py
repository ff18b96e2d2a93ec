"""`schemac lint` and `schemac rules` end to end: real spec files, real pipeline, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from schemac.cli import cli

CLEAN = Path(__file__).parent / "rules" / "fixtures" / "clean"
HEADER = "spec_type: database-schema\ntitle: Test\n"

ORDERS = """
tables:
  orders:
    description: Customer orders.
    traits: [standard]
    columns:
      paid_at: timestamp
      notes: varchar
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project directory (the working directory) with specs/orders.yaml."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    write(tmp_path, ORDERS)
    return tmp_path


def write(root: Path, body: str, name: str = "orders.yaml") -> Path:
    (root / "specs").mkdir(exist_ok=True)
    path = root / "specs" / name
    path.write_text(HEADER + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def test_clean_specs_pass(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schemac.toml").write_text("[tenancy]\nrls = true\n", encoding="utf-8")
    result = run("lint", str(CLEAN))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "No problems found."


def test_errors_exit_1_with_located_text(project: Path) -> None:
    result = run("lint")
    assert result.exit_code == 1
    out = result.stdout
    assert "specs/orders.yaml:8:7: SC204 error: 'orders.paid_at' is timestamp" in out
    assert " 8 |       paid_at: timestamp\n   |       ^^^^^^^\n  help: use timestamptz" in out
    assert "SC202 warning" in out
    assert out.rstrip().endswith("Found 2 problems (1 error, 1 warning).")


def test_warnings_only_exit_0_unless_fail_on_warning(project: Path) -> None:
    assert run("lint", "--ignore", "SC204").exit_code == 0
    assert run("lint", "--ignore", "SC204", "--fail-on", "warning").exit_code == 1


def test_select_and_ignore_accept_codes_names_prefixes_and_commas(project: Path) -> None:
    only_types = run("lint", "--select", "SC2", "--format", "json")
    assert {d["code"] for d in json.loads(only_types.stdout)} == {"SC202", "SC204"}
    named = run("lint", "--select", "prefer-timestamptz,varchar-length", "--ignore", "SC202")
    assert "SC204" in named.stdout and "SC202" not in named.stdout


def test_unknown_selector_is_bad_input(project: Path) -> None:
    result = run("lint", "--ignore", "SC2O4")
    assert result.exit_code == 2
    assert "unknown rule 'SC2O4' in --ignore" in result.stderr
    assert "did you mean 'SC204'?" in result.stderr


def test_config_ignore_and_severity(project: Path) -> None:
    (project / "schemac.toml").write_text(
        '[lint]\nignore = ["SC204"]\nseverity = { varchar-length = "error" }\n', encoding="utf-8"
    )
    result = run("lint", "--format", "json")
    assert result.exit_code == 1
    assert [(d["code"], d["severity"]) for d in json.loads(result.stdout)] == [("SC202", "error")]
    # naming a rule on the command line runs it even though config ignores it
    assert "SC204" in run("lint", "--select", "SC204").stdout


def test_bad_input_exits_2_with_diagnostics_on_stderr(project: Path) -> None:
    write(project, "tables:\n  orders:\n    columns:\n      paid_at: timestampz\n")
    result = run("lint")
    assert result.exit_code == 2
    assert "specs/orders.yaml:6" in result.stderr
    assert result.stdout == ""


def test_sarif_and_json_formats(project: Path) -> None:
    sarif = json.loads(run("lint", "--format", "sarif").stdout)
    results = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["SC204", "SC202"]
    region = results[0]["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == "specs/orders.yaml"
    data = json.loads(run("lint", "--format", "json").stdout)
    assert data[0]["code"] == "SC204" and data[0]["line"] == 8


def test_github_format_is_the_default_inside_actions(project: Path) -> None:
    result = run("lint", env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith(
        "::error file=specs/orders.yaml,line=8,col=7,title=SC204 prefer-timestamptz::"
    )
    assert run("lint", "--format", "text", env={"GITHUB_ACTIONS": "true"}).stdout.startswith(
        "specs/orders.yaml:8:7"
    )


def test_suppressions_in_the_spec(project: Path) -> None:
    write(
        project,
        """
        lint: {ignore: [SC307]}
        tables:
          orders:
            traits: [standard]
            lint: {ignore: [SC204]}
            columns:
              paid_at: timestamp
              notes: {type: varchar, lint: {ignore: [varchar-length, SC203]}}
        """,
    )
    result = run("lint", "--format", "json")
    found = [(d["code"], d["line"]) for d in json.loads(result.stdout)]
    assert found == [("SC001", 10)], result.stdout
    assert result.exit_code == 0


def test_rules_lists_every_rule(project: Path) -> None:
    from schemac.rules import ALL_RULES
    from schemac.rules.safety import PLANNER_RULES

    result = run("rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(ALL_RULES) + len(PLANNER_RULES)
    assert "(checked by build)" in next(line for line in lines if line.startswith("SC503"))
    sc204 = next(line for line in lines if line.startswith("SC204"))
    assert sc204.split()[:3] == ["SC204", "prefer-timestamptz", "error"]
    assert "(raised by the resolver)" in next(line for line in lines if line.startswith("SC108"))


@pytest.mark.parametrize("key", ["SC204", "prefer-timestamptz", "sc204"])
def test_rules_shows_one_rule(key: str) -> None:
    result = run("rules", key)
    assert result.exit_code == 0
    assert result.stdout.startswith("SC204 prefer-timestamptz (error)")
    for section in ("## What it does", "## Why", "## Example", "## Use instead"):
        assert section in result.stdout


def test_rules_unknown_suggests_and_exits_2() -> None:
    result = run("rules", "prefer-timestamp")
    assert result.exit_code == 2
    assert "unknown rule 'prefer-timestamp'" in result.stderr
    assert "did you mean 'prefer-timestamptz'?" in result.stderr


def test_lint_never_imports_heavy_modules(project: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from click.testing import CliRunner
        from schemac.cli import cli
        result = CliRunner().invoke(cli, ["lint"])
        assert result.exit_code == 1, result.output
        heavy = {"psycopg", "testcontainers", "jinja2", "pglast"}
        print(sorted(m for m in sys.modules if m.split(".")[0] in heavy))
        """
    )
    src = Path(__file__).parent.parent / "src"
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=project,
        env={"PYTHONPATH": str(src), "PATH": ""},
        check=True,
    )
    assert done.stdout.strip() == "[]"
