"""Golden files for whole builds: every file `schemac build` writes, for the bundled specs, the
hard examples and the quickstart, in each layout. `pytest --update-golden` rewrites them; the
same builds are applied to PostgreSQL in test_verify_e2e.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "builds"
CASES = [
    ("specs", "flyway"),
    ("examples/hard", "flyway"),
    ("examples/hard", "golang-migrate"),
    ("examples/hard", "dbmate"),
    ("examples/quickstart/specs", "flyway"),
]


@pytest.mark.parametrize(("specs", "layout"), CASES, ids=[f"{s}-{f}" for s, f in CASES])
def test_build_output_matches_golden(
    specs: str, layout: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    out = tmp_path / "m"
    result = CliRunner().invoke(
        cli, ["build", str(ROOT / specs), "-o", str(out), "--no-lint", "--layout", layout]
    )
    assert result.exit_code == 0, result.stderr
    expected_dir = GOLDEN / specs.replace("/", "_") / layout
    built = {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}
    if request.config.getoption("--update-golden"):
        expected_dir.mkdir(parents=True, exist_ok=True)
        for old in expected_dir.iterdir():
            old.unlink()
        for name, text in built.items():
            (expected_dir / name).write_text(text, encoding="utf-8")
    elif not expected_dir.is_dir():
        pytest.fail(f"{expected_dir} is missing: run pytest --update-golden, then review it")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(expected_dir.iterdir())}
    assert sorted(built) == sorted(expected)
    for name, text in built.items():
        assert text == expected[name], f"{name} differs from {expected_dir / name}"
