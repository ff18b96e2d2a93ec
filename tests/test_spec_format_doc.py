"""docs/spec-format.md: generated, current, valid GFM, every key and trait in it, its SQL runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from schemac.config import Settings, Tenancy
from schemac.pipeline import fresh_units
from schemac.resolve.traits import BUILTIN_TRAITS, COMPOSITE_TRAITS
from schemac.spec.jsonschema import spec_json_schema
from schemac.spec.reference import COMMAND, anchor, render, title
from schemac.spec.trait_reference import TABLE, expansion, resolved
from tests.markdown_referee import cell_text, headings, markdown_tokens, tables, walk

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "spec-format.md"
TEMPLATE = ROOT / "docs" / "spec-format.template.md"
TRAITS = [*BUILTIN_TRAITS, *COMPOSITE_TRAITS]


def _page() -> str:
    return PAGE.read_text(encoding="utf-8")


def _models() -> dict[str, dict[str, Any]]:
    """Model name -> its object schema (the long form of a short-form model)."""
    schema = spec_json_schema()
    found = {"DocumentSpec": schema}
    for name, definition in schema["$defs"].items():
        found[name] = definition["anyOf"][1] if "properties" not in definition else definition
    return found


def test_the_committed_page_is_what_the_generator_writes() -> None:
    expected = render(TEMPLATE.read_text(encoding="utf-8"))
    assert _page() == expected, f"docs/spec-format.md is stale: run `make docs` (or `{COMMAND}`)"


def test_the_generator_is_deterministic() -> None:
    template = TEMPLATE.read_text(encoding="utf-8")
    assert render(template) == render(template)


def test_a_template_without_its_marks_is_refused() -> None:
    with pytest.raises(ValueError, match="keys"):
        render(TEMPLATE.read_text(encoding="utf-8").replace("<!-- keys -->", ""))


@pytest.fixture(scope="module")
def tokens() -> list[dict[str, Any]]:
    (tree,) = markdown_tokens([_page()])
    return tree


def _sections(tokens: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each level-3 heading -> the tokens under it, up to the next heading."""
    out: dict[str, list[dict[str, Any]]] = {}
    current: list[dict[str, Any]] | None = None
    for token in tokens:
        if token["type"] == "heading":
            current = out.setdefault(token["text"], []) if token["depth"] == 3 else None
        elif current is not None:
            current.append(token)
    return out


def test_every_key_of_every_model_is_in_its_section(tokens: list[dict[str, Any]]) -> None:
    sections = _sections(tokens)
    for model, schema in _models().items():
        section = sections.get(title(model))
        assert section is not None, f"no section for {model}"
        (table,) = tables(section)
        assert [cell_text(c) for c in table["header"]] == ["key", "type", "default", "meaning"]
        keys = [cell_text(row[0]) for row in table["rows"]]
        assert keys == list(schema["properties"]), model
        for row in table["rows"]:
            meaning = schema["properties"][cell_text(row[0])]["description"]
            assert cell_text(row[3]) == meaning.replace("`", ""), (
                "shown as written, code spans aside"
            )


def test_every_trait_has_a_section_with_its_sql(tokens: list[dict[str, Any]]) -> None:
    sections = _sections(tokens)
    for trait in TRAITS:
        section = sections[f"`{trait}`"]
        sql = [t["text"] for t in section if t["type"] == "code" and t.get("lang") == "sql"]
        assert sql and sql[0] + "\n" == expansion(trait).sql
        (table,) = tables(section)
        assert table["rows"], trait


def test_the_traits_expansions_are_what_the_resolver_adds() -> None:
    standard = expansion("standard")
    assert standard.expands_to == COMPOSITE_TRAITS["standard"]
    columns = [text.split()[0] for kind, text in standard.rows if kind == "column"]
    assert columns == ["id", "created_at", "updated_at", "deleted_at", "version"]
    tenant = expansion("tenant_scoped")
    assert ("index", "INDEX idx_things_tenant_id ON things USING btree (tenant_id)") in tenant.rows
    assert [kind for kind, _ in tenant.rls_rows] == ["row-level security", "policy"]
    assert "CREATE POLICY tenant_isolation" in tenant.rls_sql
    assert expansion("created_at").rls_sql == "" and expansion("created_at").rls_rows == ()


def test_the_page_is_plain_markdown_whose_links_land(tokens: list[dict[str, Any]]) -> None:
    anchors = {anchor(text) for _, text in headings(tokens)}
    assert len(anchors) == len(headings(tokens)), "two headings share an anchor"
    links = [t["href"] for t in walk(tokens) if t["type"] == "link"]
    assert links and all(href in anchors for href in links), sorted(set(links) - anchors)
    html = [t["raw"] for t in walk(tokens) if t["type"] == "html"]
    assert all(raw.strip().startswith("<!--") for raw in html), html
    assert not any(t["type"] == "image" for t in walk(tokens))


@pytest.mark.postgres
@pytest.mark.parametrize("trait", TRAITS)
def test_the_sql_shown_for_a_trait_runs_and_does_what_it_says(trait: str, pg_conninfo: str) -> None:
    settings = Settings(lock_timeout=None, tenancy=Tenancy(rls=True))
    base = resolved([], settings)
    others = base.model_copy(
        update={"tables": tuple(t for t in base.tables if t.name != TABLE), "triggers": ()}
    )
    shown = expansion(trait)
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        for sql, _ in fresh_units(others, settings):
            conn.execute(sql.encode())
        conn.execute(shown.sql.encode())
        if shown.rls_sql:
            conn.execute(shown.rls_sql.encode())
        conn.execute("INSERT INTO tenants (id) VALUES (gen_random_uuid())")
        values = {"name": "'a'"}
        if any(text.startswith("tenant_id ") for _, text in shown.rows):
            values["tenant_id"] = "(SELECT id FROM tenants)"
        conn.execute(
            f"INSERT INTO things ({', '.join(values)}) VALUES ({', '.join(values.values())})"
        )
        triggers = {text.split()[0] for kind, text in shown.rows if kind == "trigger"}
        if "set_updated_at" in triggers:
            before = conn.execute("SELECT updated_at FROM things").fetchone()
            conn.execute("UPDATE things SET name = 'b'")
            after = conn.execute("SELECT updated_at FROM things").fetchone()
            assert before is not None and after is not None and after[0] > before[0]
        audited = conn.execute("SELECT count(*) FROM audit_logs WHERE entity_type = 'things'")
        row = audited.fetchone()
        assert row is not None and (row[0] == 1) == ("audit_row_change" in triggers)


def test_the_pages_example_spec_resolves_as_its_comments_say() -> None:
    from schemac.load.loader import parse_yaml
    from schemac.resolve import resolve
    from schemac.spec.parse import parse_document

    (tree,) = markdown_tokens([_page()])
    (example,) = [t["text"] for t in tree if t["type"] == "code" and t.get("lang") == "markdown"]
    front = example.split("---\n")[1]
    raw, diagnostics = parse_yaml(front, "example.md")
    assert raw is not None, diagnostics
    spec, diagnostics = parse_document(raw)
    assert spec is not None, [d.message for d in diagnostics]
    schema, diagnostics = resolve([(raw, spec)], Settings(tenancy=Tenancy(rls=True)))
    assert schema is not None and not diagnostics, [d.message for d in diagnostics]
    tenants = schema.table("tenants")
    assert tenants is not None and [i.name for i in tenants.indexes] == ["uq_tenants_slug"]
    assert schema.enum("user_role") is not None
