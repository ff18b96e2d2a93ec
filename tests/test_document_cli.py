"""`schemac docs` and `schemac erd` from the command line: golden documents for the bundled
specs and the examples, byte-identical reruns, `--check` for CI, and bad input (exit 2,
located, nothing written). `pytest --update-golden` rewrites tests/golden/docs/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli
from tests.helpers import write_spec

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "docs"
#: spec directory -> whether it is documented with the repository's configuration (the bundled
#: specs are, as `make demo` builds them; the examples use the defaults, as their golden builds)
CASES = {"specs": True, "examples/hard": False, "examples/quickstart/specs": False}

SPEC = """
extensions: [pgcrypto]
tables:
  tenants:
    description: Tenants.
    traits: [standard]
    columns: {name: text}
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def options(specs: str) -> list[str]:
    config = ["--config", str(ROOT / "pyproject.toml")] if CASES[specs] else []
    return [str(ROOT / specs), *config]


def golden(name: str, text: str, request: pytest.FixtureRequest) -> None:
    path = GOLDEN / name
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}: run pytest --update-golden"
    assert text == path.read_text(encoding="utf-8"), f"differs from {path}"


@pytest.mark.parametrize("specs", CASES)
def test_docs_match_golden(specs: str, request: pytest.FixtureRequest) -> None:
    code, out, err = run("docs", *options(specs))
    assert code == 0, err
    golden(f"{specs.replace('/', '_')}.md", out, request)


def test_erd_matches_golden_and_the_document(request: pytest.FixtureRequest) -> None:
    code, mermaid, err = run("erd", *options("specs"))
    assert code == 0, err
    code, dot, err = run("erd", *options("specs"), "--format", "dot")
    assert code == 0, err
    golden("specs.dot", dot, request)
    _, document, _ = run("docs", *options("specs"))
    assert f"```mermaid\n{mermaid}```\n" in document


def test_docs_are_byte_identical_wherever_they_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a" / "schema.md", tmp_path / "b.md"
    assert run("docs", *options("specs"), "-o", str(first))[0] == 0
    monkeypatch.chdir(ROOT)  # a relative SPECS path, another working directory
    assert run("docs", "specs", "-o", str(second), "--config", "pyproject.toml")[0] == 0
    assert first.read_bytes() == second.read_bytes()
    assert b"\r" not in first.read_bytes() and first.read_bytes().endswith(b"\n")


def test_docs_writes_and_reports(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    out = tmp_path / "docs" / "schema.md"
    code, stdout, err = run("docs", str(tmp_path / "specs"), "-o", str(out))
    assert code == 0, err
    assert stdout == f"wrote {out}\n"
    assert out.read_text(encoding="utf-8").startswith("# Database schema\n")
    assert [p.name for p in out.parent.iterdir()] == ["schema.md"]  # no temporary file left


def test_check_tells_a_stale_document(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    specs, out = str(tmp_path / "specs"), tmp_path / "schema.md"
    code, _, err = run("docs", specs, "-o", str(out), "--check")
    assert code == 1 and f"{out} does not exist" in err and "schemac docs" in err
    assert not out.exists()
    assert run("docs", specs, "-o", str(out))[0] == 0
    code, stdout, _ = run("docs", specs, "-o", str(out), "--check")
    assert code == 0 and "up to date" in stdout
    out.write_text(out.read_text() + "hand edit\n")
    edited = out.read_bytes()
    code, _, err = run("docs", specs, "-o", str(out), "--check")
    assert code == 1 and "not what the specs make" in err
    assert out.read_bytes() == edited  # --check never writes
    assert run("docs", specs, "--check")[0] == 2  # nothing to compare with


def test_bad_specs_exit_2_located_and_write_nothing(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", "tables:\n  users:\n    columns: {id: uuidd}\n")
    out = tmp_path / "schema.md"
    out.write_text("the committed document\n")
    for command in (["docs", "-o", str(out)], ["erd"], ["erd", "--format", "dot"]):
        code, stdout, err = run(command[0], str(tmp_path / "specs"), *command[1:])
        assert code == 2, (command, err)
        assert re.search(r"spec\.yaml:\d+:\d+: E\d+ error: .*uuidd", err), err
        assert "help:" in err or "did you mean" in err
        assert stdout == ""
    assert out.read_text() == "the committed document\n"


def test_unreadable_specs_exit_2(tmp_path: Path) -> None:
    code, stdout, err = run("docs", str(tmp_path / "missing"))
    assert code == 2 and stdout == ""
    assert "error" in err


def test_unwritable_output_exit_2_and_write_nothing(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    specs = str(tmp_path / "specs")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run("docs", specs, "-o", str(blocker / "sub" / "schema.md"))
    assert code == 2
    assert f"error: cannot write {blocker / 'sub' / 'schema.md'}" in err
    assert "help:" in err and "nothing was written" in err
    assert blocker.read_text() == "x"
    code, _, err = run("docs", specs, "-o", str(tmp_path))
    assert code == 2 and "is a directory" in err
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            assert run("docs", specs, "-o", str(locked / "schema.md"))[0] == 2
            assert list(locked.iterdir()) == []
        finally:
            locked.chmod(0o700)


def test_failed_write_removes_the_folders_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_spec(tmp_path / "specs", SPEC)

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    out = tmp_path / "new" / "deeper" / "schema.md"
    code, _, err = run("docs", str(tmp_path / "specs"), "-o", str(out))
    assert code == 2 and "No space left on device" in err
    assert not (tmp_path / "new").exists()


def test_commands_are_listed_and_lazy(tmp_path: Path) -> None:
    code, stdout, _ = run("--help")
    assert code == 0
    assert re.search(r"^\s+docs\s", stdout, re.MULTILINE)
    assert re.search(r"^\s+erd\s", stdout, re.MULTILINE)
    write_spec(tmp_path / "specs", SPEC)
    script = textwrap.dedent(
        f"""
        import sys
        from click.testing import CliRunner
        from schemac.cli import cli
        for args in (["docs", {str(tmp_path / "specs")!r}], ["erd", {str(tmp_path / "specs")!r}],
                     ["erd", {str(tmp_path / "specs")!r}, "--format", "dot"]):
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, result.output
        heavy = {{"psycopg", "testcontainers", "jinja2", "pglast"}}
        print(sorted(m for m in sys.modules if m.split(".")[0] in heavy))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
        check=True,
    )
    assert done.stdout.strip() == "[]"


def test_the_readme_excerpt_is_what_docs_writes_for_the_bundled_specs() -> None:
    from schemac.config import Settings
    from schemac.document.markdown import render_document
    from schemac.document.source import load_documented

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- docs-excerpt:start -->\n```markdown\n", "```\n<!-- docs-excerpt:end -->"
    excerpt = readme[readme.index(start) + len(start) : readme.index(end)]
    documented, diagnostics = load_documented(root / "specs", Settings())
    assert documented is not None, diagnostics
    assert excerpt.strip() and excerpt in render_document(documented, Settings()), (
        "README's excerpt of the schema document is stale: paste the sections again from "
        "`schemac docs specs`"
    )
