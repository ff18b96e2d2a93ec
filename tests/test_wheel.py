"""The wheel ships the templates and the catalog queries as package data."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _build_wheel(source: Path, out: Path) -> Path:
    try:
        import build  # noqa: F401

        command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(source)]
    except ImportError:
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), "."]
    subprocess.run(command, cwd=source, check=True, capture_output=True, timeout=300)
    (wheel,) = out.glob("schemac-*.whl")
    return wheel


def test_wheel_contains_templates_and_queries(tmp_path: Path) -> None:
    # build from a copy: setuptools leaves build/ and *.egg-info in the tree it builds
    source = tmp_path / "src-tree"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("src", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    wheel = _build_wheel(source, tmp_path / "dist")
    names = zipfile.ZipFile(wheel).namelist()
    templates = {
        Path(n).name for n in names if n.startswith("schemac/templates/") and n.endswith(".sql.j2")
    }
    assert templates == {p.name for p in (ROOT / "templates").glob("*.sql.j2")}
    queries = [n for n in names if n.startswith("schemac/inspect/queries/") and n.endswith(".sql")]
    assert queries, "schemac/inspect/queries/*.sql missing from the wheel"
