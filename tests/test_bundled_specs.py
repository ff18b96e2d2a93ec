"""The bundled specs follow every convention under the repository's own configuration."""

from __future__ import annotations

from pathlib import Path

from schemac.config import load_settings
from schemac.lint import lint
from schemac.pipeline import load_schema

ROOT = Path(__file__).resolve().parent.parent


def test_bundled_specs_lint_clean_with_tenancy_rls_on() -> None:
    settings, path, diags = load_settings(ROOT)
    assert path == ROOT / "pyproject.toml" and diags == []
    assert settings.tenancy.rls is True
    schema, problems = load_schema(ROOT / "specs", settings)
    assert schema is not None, problems
    assert [f"{d.span}: {d.code} {d.message}" for d in lint(schema, settings)] == []
    users = schema.table("users")
    assert users is not None and users.rls.enabled
    assert [p.name for p in users.rls.policies] == ["tenant_isolation"]
