"""The lint stage itself: rule selection, severities, suppressions, the clean fixture, speed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from schemac.config import Settings
from schemac.diagnostics import Severity
from schemac.lint import active_rules, effective_severity, lint
from schemac.model.schema import Column, ForeignKey, Index, IndexPart, PrimaryKey, Schema, Table
from schemac.pipeline import load_schema
from schemac.rules import get_rule
from schemac.rules.inflection import is_plural, plural, singular, singular_name
from tests.rules.builder import build_schema

CLEAN = Path(__file__).parent / "fixtures" / "clean"


def settings(**lint_settings: object) -> Settings:
    return Settings.model_validate({"lint": lint_settings})


@pytest.mark.parametrize("rls", [True, False])
def test_a_spec_that_follows_every_convention_has_no_findings(rls: bool) -> None:
    config = Settings.model_validate({"tenancy": {"rls": rls}})
    schema, diagnostics = load_schema(CLEAN, config)
    assert schema is not None, [f"{d.span}: {d.message}" for d in diagnostics]
    assert len(schema.tables) == 9
    findings = lint(schema, config)
    assert findings == [], [f"{d.span}: {d.code} {d.message}" for d in findings]


def test_prefix_select_and_exact_select_beat_config_ignore() -> None:
    codes = {r.code for r in active_rules(settings(ignore=["SC2"]), select=["SC204", "SC1"])}
    assert "SC204" in codes and "SC101" in codes and "SC203" not in codes
    assert {r.code for r in active_rules(settings(select=["SC4"]))} == {
        "SC401",
        "SC402",
        "SC403",
        "SC404",
        "SC405",
        "SC406",
    }
    assert "SC307" not in {r.code for r in active_rules(Settings(), ignore=["described"])}


def test_severity_override_most_specific_wins() -> None:
    config = settings(severity={"SC2": "info", "prefer-timestamptz": "warning"})
    assert effective_severity(get_rule("SC204"), config) is Severity.WARNING  # type: ignore[arg-type]
    assert effective_severity(get_rule("SC203"), config) is Severity.INFO  # type: ignore[arg-type]
    assert effective_severity(get_rule("SC101"), config) is Severity.WARNING  # type: ignore[arg-type]


def test_severity_override_applies_to_findings() -> None:
    schema = build_schema({"tables": {"orders": {"columns": {"paid_at": "timestamp"}}}})
    found = lint(schema, settings(severity={"SC204": "warning"}), select=["SC204"])
    assert [(d.code, d.severity) for d in found] == [("SC204", Severity.WARNING)]


def test_innermost_suppression_is_the_one_used() -> None:
    schema = build_schema(
        {
            "documents": [{"path": "doc.md", "lint_ignore": ["SC204"]}],
            "tables": {
                "orders": {
                    "document": "doc.md",
                    "lint_ignore": ["SC204"],
                    "columns": {"paid_at": {"type": "timestamp", "lint_ignore": ["SC204"]}},
                }
            },
        }
    )
    found = lint(schema, Settings(), select=["SC204", "SC001"])
    assert sorted(d.span.path for d in found if d.span) == ["doc.md", "orders"]
    assert all(d.code == "SC001" for d in found)


def test_unused_suppression_is_not_reported_for_rules_that_did_not_run() -> None:
    schema = build_schema(
        {"tables": {"orders": {"lint_ignore": ["SC203"], "columns": {"at": "timestamp"}}}}
    )
    assert lint(schema, Settings(), select=["SC204", "SC001"])[0].code == "SC204"
    assert [d.code for d in lint(schema, Settings(), select=["SC203", "SC001"])] == ["SC001"]


def test_lint_findings_are_sorted_and_named() -> None:
    schema = build_schema(
        {"tables": {"b_items": {"columns": {"x": "json"}}, "a_items": {"columns": {"y": "json"}}}}
    )
    found = lint(schema, Settings(), select=["SC203"])
    assert [d.span.path for d in found if d.span] == ["a_items.y", "b_items.x"]
    assert {d.name for d in found} == {"prefer-jsonb"}


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("addresses", True),
        ("statuses", True),
        ("analyses", True),
        ("categories", True),
        ("news", True),
        ("data", True),
        ("metadata", True),
        ("series", True),
        ("feedback", True),
        ("people", True),
        ("address", False),
        ("status", False),
        ("analysis", False),
        ("campus", False),
        ("alias", False),
        ("user", False),
    ],
)
def test_is_plural(word: str, expected: bool) -> None:
    assert is_plural(word) is expected


def test_singular_and_plural() -> None:
    assert singular("addresses") == "address"
    assert singular("statuses") == "status"
    assert singular("categories") == "category"
    assert singular("status") == "status"
    assert singular("news") == "news"
    assert plural("status") == "statuses"
    assert plural("address") == "addresses"
    assert plural("metadata") == "metadata"
    assert singular_name("user_profiles") == "user_profile"


def synthetic_schema(count: int) -> Schema:
    """`count` tables of 12 columns, each referencing the previous one through an index."""
    tables = []
    for i in range(count):
        columns = [
            Column(name="id", type="uuid", default="gen_random_uuid()", trait="uuid_pk"),
            Column(name="created_at", type="timestamptz", default="now()", trait="timestamps"),
            Column(name="updated_at", type="timestamptz", default="now()", trait="timestamps"),
            Column(name="deleted_at", type="timestamptz", nullable=True, trait="soft_delete"),
            Column(name="version", type="integer", default="1", trait="versioned"),
            Column(name="name", type="varchar(255)"),
            Column(name="amount", type="numeric(19,4)"),
            Column(name="payload", type="jsonb", description="Data."),
            Column(name="is_active", type="boolean", default="true"),
            Column(name="notes", type="text", nullable=True),
            Column(name="happened_at", type="timestamptz"),
        ]
        fks: list[ForeignKey] = []
        indexes: list[Index] = []
        if i:
            columns.append(Column(name=f"widget{i - 1}_item_id", type="uuid"))
            fks.append(
                ForeignKey(
                    name=f"fk_widget{i}_items_prev",
                    columns=(f"widget{i - 1}_item_id",),
                    ref_schema="public",
                    ref_table=f"widget{i - 1}_items",
                    ref_columns=("id",),
                )
            )
            indexes.append(
                Index(
                    name=f"idx_widget{i}_items_widget{i - 1}_item_id",
                    parts=(IndexPart(column=f"widget{i - 1}_item_id"),),
                )
            )
        tables.append(
            Table(
                name=f"widget{i}_items",
                description="Widgets.",
                columns=tuple(columns),
                primary_key=PrimaryKey(name=f"widget{i}_items_pkey", columns=("id",)),
                foreign_keys=tuple(fks),
                indexes=tuple(indexes),
                traits=("standard",),
            )
        )
    return Schema(tables=tuple(tables))


def test_rules_are_fast_on_a_thousand_tables() -> None:
    schema = synthetic_schema(1000)
    lint(schema, Settings())  # warm the inflection and type caches
    started = time.perf_counter()
    findings = lint(schema, Settings())
    elapsed = time.perf_counter() - started
    # SC306 fires on every table (no trigger objects were built); everything else is clean
    assert {d.code for d in findings} == {"SC306"}
    assert elapsed < 1.0, f"lint of 1,000 tables took {elapsed:.2f}s"
