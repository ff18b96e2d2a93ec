"""`check` and the committed schema document, when the team opts in with config `document`:
stale, edited or missing is one `check:` line with the command that fixes it, exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli
from tests.helpers import write_spec

SPEC = """
tables:
  teams:
    description: Who works together.
    columns:
      id: {type: integer, primary_key: true}
      name: text
"""


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output + result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_spec(tmp_path / "specs", SPEC)
    (tmp_path / "schemac.toml").write_text('document = "docs/schema.md"\n', encoding="utf-8")
    assert _run("build", "specs", "-m", "db/migrations", "--no-lint")[0] == 0
    return tmp_path


def test_check_passes_with_a_current_document(project: Path) -> None:
    assert _run("docs", "specs", "-o", "docs/schema.md")[0] == 0
    code, output = _run("check", "specs", "-m", "db/migrations")
    assert code == 0, output


def test_check_fails_on_a_stale_or_edited_document(project: Path) -> None:
    assert _run("docs", "specs", "-o", "docs/schema.md")[0] == 0
    write_spec(project / "specs", SPEC.replace("Who works together.", "People in one team."))
    assert _run("build", "specs", "-m", "db/migrations", "--no-lint")[0] == 0
    code, output = _run("check", "specs", "-m", "db/migrations")
    assert code == 1, output
    assert (
        "check: the schema document docs/schema.md is stale (or edited by hand): "
        "run 'schemac docs specs -o docs/schema.md' and commit it"
    ) in output
    assert _run("docs", "specs", "-o", "docs/schema.md")[0] == 0
    assert _run("check", "specs", "-m", "db/migrations")[0] == 0
    path = project / "docs/schema.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nhand-written\n", encoding="utf-8")
    code, output = _run("check", "specs", "-m", "db/migrations")
    assert code == 1 and "is stale (or edited by hand)" in output


def test_check_fails_on_a_missing_document(project: Path) -> None:
    code, output = _run("check", "specs", "-m", "db/migrations")
    assert code == 1
    assert "check: the schema document docs/schema.md (config 'document') does not exist" in output


def test_without_the_setting_the_document_is_not_checked(project: Path) -> None:
    (project / "schemac.toml").write_text("", encoding="utf-8")
    code, output = _run("check", "specs", "-m", "db/migrations")
    assert code == 0, output
