import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from schemac.config import Settings, Tenancy
from schemac.model.schema import Schema
from schemac.snapshot import (
    SNAPSHOT_FORMAT,
    SnapshotError,
    dump_snapshot,
    load_snapshot,
    same_schema,
    snapshot_hash,
)
from schemac.write import hash_bytes
from tests.helpers import resolve_text

RICH = """
extensions: [pgcrypto]

enums:
  ticket_status:
    values: [open, in progress, closed]
    description: Workflow state; 'in progress' holds a space.

tables:
  tenants: {traits: [uuid_pk]}
  users:
    description: Accounts (Siobhán's too).
    traits: [standard, tenant_scoped]
    columns:
      email: {type: text, unique: true, check: length(email) > 3, description: Login}
      status: {type: ticket_status, default: "'open'"}
      badge_no: {type: bigint, identity: always}
      code: {type: varchar(20), collation: "C"}
      attributes: {type: jsonb, default: "'{}'::jsonb"}
    indexes:
      - {columns: [tenant_id, lower(email)], unique: true}
      - {columns: [attributes], method: gin, opclass: jsonb_path_ops}
      - {columns: [code], include: [email], where: "code <> ''"}
    rls:
      enabled: true
      force: true
      policies:
        users_self: {command: select, using: "id = current_setting('app.user_id')::uuid"}
  events:
    columns:
      id: uuid
      user_id: {type: uuid, references: {table: users, on_delete: cascade, deferrable: true}}
      created_at: timestamptz
    primary_key: [id, created_at]
    partition_by: {range: [created_at]}
    partitions:
      generate: {interval: month, start: 2026-11-01, count: 2, default: true}
  regions:
    columns: {id: uuid, region: varchar(20)}
    primary_key: [id, region]
    partition_by: {list: [region]}
    partitions:
      - {name: regions_eu, values: [eu-west, eu-central]}
      - {name: regions_default, default: true}

views:
  active_users: {query: "SELECT id, email FROM users WHERE deleted_at IS NULL", description: Live}

materialized_views:
  user_counts:
    query: SELECT tenant_id, count(*) AS n FROM active_users GROUP BY tenant_id
    indexes:
      - {columns: [tenant_id], unique: true}
    refresh: {every: 15m, concurrently: true}

functions:
  touch_email:
    returns: trigger
    body: |
      BEGIN
        NEW.email := lower(NEW.email);
        RETURN NEW;
      END;

triggers:
  users_touch_email: {table: users, timing: before, events: [insert, update], function: touch_email}

seed:
  tenants:
    key: [id]
    on_conflict: update
    rows:
      - {id: 10000000-0000-0000-0000-000000000001}
"""


@pytest.fixture
def rich(tmp_path: Path) -> Schema:
    return resolve_text(tmp_path, RICH, Settings(tenancy=Tenancy(rls=True)))


def test_rich_spec_round_trips(rich: Schema) -> None:
    # the spec really has every kind of object (else the round trip proves little)
    assert rich.enums and rich.extensions and rich.views and rich.functions
    assert rich.triggers and rich.seeds and rich.materialized_views[0].indexes
    users = rich.table("users")
    assert users is not None and len(users.rls.policies) == 2
    assert len(rich.table("events").partitions) == 3  # type: ignore[union-attr]

    text = dump_snapshot(rich, None)
    loaded = load_snapshot(text, "schemac.snapshot.json")
    assert (loaded.format, loaded.parent) == (SNAPSHOT_FORMAT, None)
    assert loaded.hash == snapshot_hash(text) == hash_bytes(text.encode("utf-8"))
    assert same_schema(loaded.schema, rich)
    # `==` also sees spec-only fields (document, traits...), which a snapshot never holds
    assert loaded.schema != rich
    again = load_snapshot(dump_snapshot(loaded.schema, loaded.hash), "s.json")
    assert again.schema == loaded.schema and again.parent == loaded.hash


def test_layout_is_one_key_and_one_item_per_line(rich: Schema) -> None:
    text = dump_snapshot(rich, "h1:abc")
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}" and text.endswith("}\n")
    names = [line.split('"')[1] for line in lines if line.startswith('  "')]
    assert names == sorted(names) and {"format", "parent", "tables"} <= set(names)
    assert '  "format": 1,' in lines and '  "parent": "h1:abc",' in lines
    start = lines.index('  "tables": [')
    tables = lines[start + 1 : lines.index("  ],", start)]
    assert len(tables) == len(rich.tables)
    assert json.loads(tables[0].rstrip(",")) == rich.tables[0].model_dump(mode="json")
    assert "Siobhán" in text  # not \\u-escaped
    assert json.loads(text)["tables"] == rich.model_dump(mode="json")["tables"]


def test_output_is_byte_stable(rich: Schema) -> None:
    text = dump_snapshot(rich, "h1:parent")
    assert dump_snapshot(rich, "h1:parent") == text
    assert dump_snapshot(rich.model_copy(), "h1:parent") == text  # not only the cache
    loaded = load_snapshot(text, "s.json").schema
    assert dump_snapshot(loaded, "h1:parent") == text
    assert dump_snapshot(rich, None) != text


def test_format_0_snapshot_of_older_schemac_loads(rich: Schema) -> None:
    # what schemac wrote before versioned snapshots: the same lines without format and parent
    old = "".join(
        line
        for line in dump_snapshot(rich, None).splitlines(keepends=True)
        if not line.startswith(('  "format"', '  "parent"'))
    )
    assert '"format"' not in old
    loaded = load_snapshot(old, "db/schemac.snapshot.json")
    assert (loaded.format, loaded.parent) == (0, None)
    assert same_schema(loaded.schema, rich)
    # dumping it again only adds the two metadata lines
    new = dump_snapshot(loaded.schema, None).splitlines()
    assert [line for line in new if line not in old.splitlines()] == [
        '  "format": 1,',
        '  "parent": null,',
    ]


def test_unknown_fields_of_a_newer_schemac_are_ignored(rich: Schema) -> None:
    data = json.loads(dump_snapshot(rich, None))
    data["owners"] = ["team-a"]  # a new top-level collection
    data["database"]["locale"] = "C"
    table = data["tables"][1]
    table["columns"][0]["compression"] = "lz4"  # deep inside a column
    table["rls"]["policies"][0]["comment"] = {"nested": [1, 2]}
    table["indexes"][0]["parts"][0]["sort"] = "asc"
    data["seeds"][0]["batch"] = 10
    loaded = load_snapshot(json.dumps(data), "s.json")
    with pytest.raises(ValidationError):  # the model alone forbids every one of them
        Schema.model_validate({k: v for k, v in data.items() if k not in ("format", "parent")})
    assert same_schema(loaded.schema, rich)


def test_missing_optional_fields_take_defaults(rich: Schema) -> None:
    data = json.loads(dump_snapshot(rich, None))
    for key in ("views", "seeds", "database"):
        del data[key]
    del data["tables"][0]["rls"]
    loaded = load_snapshot(json.dumps(data), "s.json").schema
    assert loaded.views == () and loaded.seeds == () and loaded.database.version == 16
    assert not loaded.tables[0].rls.enabled


def test_excluded_fields_in_a_snapshot_are_not_loaded(rich: Schema) -> None:
    data = json.loads(dump_snapshot(rich, None))
    data["tables"][0]["columns"][0]["span"] = {"path": "x", "line": "not a number"}
    data["tables"][0]["renamed_from"] = "old"
    loaded = load_snapshot(json.dumps(data), "s.json").schema
    assert loaded.tables[0].renamed_from is None and loaded.tables[0].columns[0].span is None


def test_newer_format_is_an_error_that_says_upgrade(rich: Schema) -> None:
    text = dump_snapshot(rich, None).replace('"format": 1,', f'"format": {SNAPSHOT_FORMAT + 1},')
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(text, "db/schemac.snapshot.json")
    assert caught.value.message.startswith("db/schemac.snapshot.json: written by a newer schemac")
    assert caught.value.help is not None and "upgrade schemac" in caught.value.help


@pytest.mark.parametrize("value", ['"1"', "true", "-1", "1.5"])
def test_format_that_is_not_a_number_is_an_error(rich: Schema, value: str) -> None:
    text = dump_snapshot(rich, None).replace('"format": 1,', f'"format": {value},')
    with pytest.raises(SnapshotError, match="not a format number"):
        load_snapshot(text, "s.json")


def test_broken_json_names_the_line(rich: Schema) -> None:
    lines = dump_snapshot(rich, None).splitlines()
    lines.insert(5, "<<<<<<< HEAD")  # as a bad merge leaves it
    with pytest.raises(SnapshotError) as caught:
        load_snapshot("\n".join(lines), "db/schemac.snapshot.json")
    message = caught.value.message
    assert message.startswith("db/schemac.snapshot.json: not valid JSON at line 6, column 1 ")
    assert caught.value.help is not None and "version control" in caught.value.help


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "not valid JSON at line 1"),
        ("[1, 2]", "a JSON object was expected"),
        ('{"parent": 3}', "parent snapshot hash"),
        ('{"tables": [{"name": "t", "columns": [{"name": "a"}]}]}', "tables.0.columns.0.type"),
        ('{"tables": "users"}', "tables"),
        ("[" * 100_000, "nested too deeply"),
        ('{"tables": [{"name": "t", "rls": ' + "[" * 900 + "]" * 900 + "}]}", "tables.0.rls"),
        ('{"schemas": ' + "[" * 900 + "]" * 900 + "}", "schemas.0"),
        ('{"schemas": ["a\\ud800"]}', "half a UTF-16 pair"),  # it could never be written back
    ],
)
def test_bad_input_is_a_snapshot_error(text: str, expected: str) -> None:
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(text, "s.json")
    assert expected in caught.value.message and caught.value.help


def test_an_escaped_surrogate_pair_is_one_character() -> None:
    loaded = load_snapshot('{"schemas": ["\\ud83d\\ude00"]}', "s.json").schema
    assert loaded.schemas == ("\U0001f600",)
    assert '\n    "\U0001f600"\n' in dump_snapshot(loaded, None)


def test_renamed_from_alone_keeps_the_schema_the_same(tmp_path: Path) -> None:
    body = """
        tables:
          users:
            columns:
              email: {type: text, description: Login}
        """
    before = resolve_text(tmp_path / "a", body)
    renamed = resolve_text(tmp_path / "b", body.replace("Login}", "Login, renamed_from: mail}"))
    assert renamed.tables[0].columns[0].renamed_from == "mail"
    assert same_schema(before, renamed)
    assert dump_snapshot(before, None) == dump_snapshot(renamed, None)
    described = resolve_text(tmp_path / "c", body.replace("Login", "Login name"))
    assert not same_schema(before, described)


def test_loading_like_the_next_schema_reuses_its_unchanged_items(
    rich: Schema, tmp_path: Path
) -> None:
    """load_snapshot(like=) gives the same schema as a full load, with every item whose line
    is unchanged taken from `like` (the planner then skips it by identity)."""
    text = dump_snapshot(rich, "h1:parent")
    changed = resolve_text(
        tmp_path / "next",
        RICH.replace(
            "      email:", "      nickname: {type: text, nullable: true}\n      email:", 1
        ),
        Settings(tenancy=Tenancy(rls=True)),
    )
    full = load_snapshot(text, "s.json")
    like = load_snapshot(text, "s.json", like=changed)
    assert (like.hash, like.parent, like.format) == (full.hash, full.parent, full.format)
    # the same snapshot data (`==` also sees the spec-only fields the reused items carry)
    assert same_schema(like.schema, full.schema) and not same_schema(like.schema, changed)
    reused = [t.name for t in like.schema.tables if any(t is n for n in changed.tables)]
    differs = [t.name for t in like.schema.tables if t.name not in reused]
    assert differs and len(reused) == len(rich.tables) - len(differs)
    assert not any(t is n for t in like.schema.tables for n in rich.tables)
    # a text in another layout, or with a broken line, is read (and refused) as without `like`
    pretty = json.dumps(json.loads(text), indent=1) + "\n"
    assert load_snapshot(pretty, "s.json", like=changed).schema == full.schema  # parsed
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("    {"))
    lines[at] = lines[at].replace("{", "{<<<", 1)
    with pytest.raises(SnapshotError, match="not valid JSON"):
        load_snapshot("".join(lines), "s.json", like=changed)
