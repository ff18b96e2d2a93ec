"""The spec JSON Schema accepts every spec schemac accepts, and rejects what it rejects."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.load.loader import discover, load_file
from schemac.spec.jsonschema import spec_json_schema

ROOT = Path(__file__).resolve().parent.parent
SPECS = [
    p
    for d in ("specs", "examples/hard", "examples/quickstart/specs")
    for p in discover(ROOT / d)
    if p.name != "glossary.md"
]


def validator() -> jsonschema.Draft202012Validator:
    schema = spec_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=None)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_spec_validates(path: Path) -> None:
    doc, diags = load_file(path)
    assert doc is not None and not diags
    data = _jsonable(doc.data)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(data)]
    assert errors == []


def test_misspelled_keys_and_bad_values_are_rejected() -> None:
    bad = {
        "spec_type": "database-schema",
        "title": "x",
        "tables": {"t": {"colums": {}, "columns": {"a": {"type": "int", "nullable": "maybe"}}}},
    }
    messages = sorted(e.message for e in validator().iter_errors(bad))
    assert any("colums" in m for m in messages)
    assert any("maybe" in m for m in messages)


def test_command_prints_the_schema() -> None:
    result = CliRunner().invoke(cli, ["json-schema"])
    assert result.exit_code == 0
    assert '"$id": "https://schemac.dev/spec.schema.json"' in result.stdout


def _jsonable(value: object) -> object:
    """YAML dates become strings, as an editor's YAML language server sees them."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[attr-defined]
    return value


def test_init_writes_a_starter_that_lints_clean_and_builds(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["init", str(tmp_path / "specs")])
    assert first.exit_code == 0, first.stderr
    assert (tmp_path / "specs" / "identity.md").is_file()
    lint = runner.invoke(cli, ["lint", str(tmp_path / "specs")])
    assert lint.exit_code == 0 and "No problems found" in lint.stdout, lint.stdout + lint.stderr
    build = runner.invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(tmp_path / "m")])
    assert build.exit_code == 0, build.stderr
    again = runner.invoke(cli, ["init", str(tmp_path / "specs")])
    assert again.exit_code == 2 and "never overwrites" in again.stderr


def _undescribed(node: object, path: str) -> list[str]:
    """Every definition and property under node without a non-empty description."""
    found: list[str] = []
    if isinstance(node, dict):
        for name, definition in (node.get("$defs") or {}).items():
            if not str(definition.get("description") or "").strip():
                found.append(f"$defs.{name}")
        for key, prop in (node.get("properties") or {}).items():
            if not str(prop.get("description") or "").strip():
                found.append(f"{path}.{key}")
        for key, value in node.items():
            found += _undescribed(value, f"{path}.{key}" if key != "$defs" else "$defs")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _undescribed(value, f"{path}[{i}]")
    return found


def test_every_definition_and_property_has_a_description() -> None:
    schema = spec_json_schema()
    assert str(schema.get("description") or "").strip()
    missing = _undescribed(schema, "")
    assert missing == [], (
        "describe these in src/schemac/spec/descriptions.py (MODELS / FIELDS): "
        + ", ".join(missing)
    )


def test_no_description_is_left_for_a_model_or_key_that_is_gone() -> None:
    from schemac.spec.descriptions import FIELDS, MODELS
    from schemac.spec.models import DocumentSpec

    raw = DocumentSpec.model_json_schema(by_alias=True)
    keys = {name: set(d.get("properties", {})) for name, d in raw["$defs"].items()}
    keys["DocumentSpec"] = set(raw["properties"])
    assert set(MODELS) == set(keys)
    stale = sorted(
        f"{model}.{key}"
        for model, fields in FIELDS.items()
        for key in fields
        if key not in keys.get(model, set())
    )
    assert stale == []


def test_a_short_form_keeps_its_models_description() -> None:
    column = spec_json_schema()["$defs"]["ColumnSpec"]
    short, long_form = column["anyOf"]
    assert column["description"] == long_form["description"]
    assert "short form" in short["description"]
    assert long_form["properties"]["nullable"]["description"].startswith("allow NULL")
