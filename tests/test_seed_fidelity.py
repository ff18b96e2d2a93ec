"""Seed fidelity (issue 10): seeds without a key (ON CONFLICT DO NOTHING), the choice of the
columns an upsert updates (`update: [...]`), both in fresh and in incremental builds, where a
replayed history must hold the same rows as a fresh build of the same specs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.config import Settings
from schemac.model.schema import Schema, SeedTable
from schemac.pipeline import fresh_units, load_schema
from schemac.snapshot import dump_snapshot, load_snapshot, same_schema
from schemac.spec.jsonschema import spec_json_schema
from schemac.verify.apply import MigrationUnit, apply_units
from schemac.verify.backends import Backend
from schemac.verify.run import migration_units
from tests.helpers import resolve_text, write_spec
from tests.static_checks import apply_built, at, located, query
from tests.test_incremental import Case, _evolve, _golden, _judge

PLANS = """
tables:
  plans:
    columns:
      code: {type: text, primary_key: true}
      label: text
      rank: {type: integer, default: 0}
seed:
  plans:
"""
RANKED = "    rows:\n      - {code: free, label: Free, rank: 1}\n      - {code: pro, label: Pro}\n"


def _sql(tmp_path: Path, body: str) -> str:
    schema = resolve_text(tmp_path, body)
    return "\n".join(sql for sql, _ in fresh_units(schema, Settings()))


# --- the spec: what each form means, and what is refused where ----------------------------


def test_seed_without_a_key_skips_any_conflict(tmp_path: Path) -> None:
    sql = _sql(tmp_path, PLANS + RANKED)
    assert "    ('pro', 'Pro', DEFAULT)\nON CONFLICT DO NOTHING;" in sql


@pytest.mark.parametrize(
    "policy,conflict",
    [
        ("key: [code]\n    update: [label]", "(code) DO UPDATE SET label = EXCLUDED.label"),
        (
            "key: [code]\n    update: [rank, label]",
            "(code) DO UPDATE SET rank = EXCLUDED.rank, label = EXCLUDED.label",
        ),
        ("key: [code]\n    update: []", "(code) DO NOTHING"),
        ("key: [code]\n    on_conflict: nothing\n    update: []", "(code) DO NOTHING"),
        (
            "key: [code]\n    on_conflict: update",
            "(code) DO UPDATE SET label = EXCLUDED.label, rank = EXCLUDED.rank",
        ),
        (
            "key: [code]\n    on_conflict: update\n    update: [rank]",
            "(code) DO UPDATE SET rank = EXCLUDED.rank",
        ),
        ("key: [code]", "(code) DO NOTHING"),
    ],
    ids=["one", "author-order", "none", "none-said-twice", "all", "update-list", "default"],
)
def test_update_decides_what_an_existing_row_takes(
    policy: str, conflict: str, tmp_path: Path
) -> None:
    sql = _sql(tmp_path, PLANS + f"    {policy}\n" + RANKED)
    assert f"ON CONFLICT {conflict};" in sql


def test_unknown_update_column_is_located(tmp_path: Path) -> None:
    body = PLANS + "    key: [code]\n    update: [lable, rnk]\n" + RANKED
    assert located(tmp_path, body) == [("E035", *at(body, "lable")), ("E035", *at(body, "rnk"))]


def test_unknown_update_column_exits_2_with_file_line_col(tmp_path: Path) -> None:
    body = PLANS + "    key: [code]\n    update: [lable]\n" + RANKED
    spec = write_spec(tmp_path / "specs", body)
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(tmp_path / "m")])
    assert result.exit_code == 2
    line, col = at(body, "lable")
    assert f"{spec.name}:{line}:{col}: E035 error: seed plans: update names column 'lable'" in (
        result.stderr
    )
    assert "did you mean 'label'?" in result.stderr
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize(
    "policy,needle,code",
    [
        ("key: [code]\n    on_conflict: nothing\n    update: [label]", "nothing", "E086"),
        ("key: [code]\n    on_conflict: update\n    update: []", "update\n", "E086"),
        ("on_conflict: update", "update", "E086"),
        ("update: [label]", "[label]", "E086"),
        ("key: [code]\n    update: [label, code]", "code]\n    rows", "E087"),
        ("key: [code]\n    update: [label, label]", "label]\n", "E087"),
    ],
    ids=[
        "nothing-contradicts-update",
        "update-contradicts-empty-list",
        "update-without-key",
        "update-list-without-key",
        "key-column",
        "twice",
    ],
)
def test_update_that_cannot_be_done(policy: str, needle: str, code: str, tmp_path: Path) -> None:
    body = PLANS + f"    {policy}\n" + RANKED
    assert located(tmp_path, body) == [(code, *at(body, needle))]


def test_update_column_no_row_sets(tmp_path: Path) -> None:
    # EXCLUDED.rank is the proposed row's DEFAULT: the upsert would reset every existing rank
    body = PLANS + "    key: [code]\n    update: [rank]\n    rows: [{code: free, label: Free}]\n"
    assert located(tmp_path, body) == [("E087", *at(body, "rank]"))]


def test_keyless_rows_setting_the_same_values(tmp_path: Path) -> None:
    body = (
        "tables:\n  notes:\n    columns:\n      body: text\n      n: {type: integer, nullable: true}\n"
        "seed:\n  notes:\n    rows:\n      - {body: x, n: 1}\n      - {n: '1', body: x}\n"
        "      - {body: x}\n"
    )
    assert located(tmp_path, body) == [("E082", *at(body, "{n: '1'"))]


def test_keyless_row_setting_nothing(tmp_path: Path) -> None:
    # an all-DEFAULT row would be valid SQL, but nothing would tell it apart from other rows
    body = (
        "tables:\n  hits:\n    columns:\n      n: {type: integer, default: 0}\n"
        "seed:\n  hits:\n    rows: [{n: 1}, {}]\n"
    )
    assert located(tmp_path, body) == [("E039", *at(body, "{}"))]


def test_json_schema_knows_update_and_a_missing_key() -> None:
    validator = jsonschema.Draft202012Validator(spec_json_schema())
    doc = {"spec_type": "database-schema", "title": "x"}
    good = {"plans": {"key": ["code"], "update": ["label"], "rows": [{"code": "a"}]}}
    keyless = {"plans": {"rows": [{"code": "a"}]}}
    assert list(validator.iter_errors({**doc, "seed": good})) == []
    assert list(validator.iter_errors({**doc, "seed": keyless})) == []
    bad = {"plans": {"key": ["code"], "update": "label", "rows": [{"code": "a"}]}}
    assert list(validator.iter_errors({**doc, "seed": bad}))


def test_snapshots_written_before_update_read_the_same() -> None:
    seed = SeedTable(table="plans", key=("code",), on_conflict="update", rows=((("code", "'a'"),),))
    text = dump_snapshot(Schema(seeds=(seed,)), None)
    assert '"update":' not in text  # the layout of snapshots written before the field
    loaded = load_snapshot(text, "schemac.snapshot.json").schema
    assert loaded.seeds[0].update is None and same_schema(loaded, Schema(seeds=(seed,)))
    listed = seed.model_copy(update={"update": ("code",)})
    assert '"update":["code"]' in dump_snapshot(Schema(seeds=(listed,)), None)


# --- PostgreSQL: fresh builds -------------------------------------------------------------


@pytest.mark.postgres
def test_keyless_seed_applies_and_is_idempotent(tmp_path: Path, pg_conninfo: str) -> None:
    body = (
        "tables:\n  tags:\n    columns:\n      name: {type: text, unique: true}\n"
        "      note: {type: text, nullable: true}\n"
        "seed:\n  tags:\n    rows: [{name: a, note: first}, {name: b}]\n"
    )
    result = apply_built(tmp_path, body, pg_conninfo)
    assert result.failure is None, result.failure
    insert = next(s for s in _sql(tmp_path / "again", body).split("\n\n") if "INSERT" in s)
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute("UPDATE tags SET note = 'edited' WHERE name = 'a'")
        conn.execute(insert)  # both rows meet their unique name: both are skipped
    assert query(pg_conninfo, "SELECT name, note FROM tags ORDER BY name") == [
        ("a", "edited"),
        ("b", None),
    ]


@pytest.mark.postgres
def test_update_list_overwrites_only_its_columns(tmp_path: Path, pg_conninfo: str) -> None:
    body = PLANS + "    key: [code]\n    update: [label]\n" + RANKED
    assert apply_built(tmp_path, body, pg_conninfo).failure is None
    insert = next(s for s in _sql(tmp_path / "again", body).split("\n\n") if "INSERT" in s)
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute("UPDATE plans SET label = 'x', rank = 7")
        conn.execute(insert)
    assert query(pg_conninfo, "SELECT code, label, rank FROM plans ORDER BY code") == [
        ("free", "Free", 7),
        ("pro", "Pro", 7),
    ]


# --- PostgreSQL: incremental builds, replay == fresh build --------------------------------

KEYLESS_V1 = """
tables:
  flags:
    columns:
      code: {type: text, unique: true}
      note: {type: text, nullable: true}
      meta: {type: json, nullable: true}
seed:
  flags:
    rows:
      - {code: a, note: A}
      - {code: b, note: null, meta: {x: 1}}
      - {code: c, note: C}
"""
UPDATE_V1 = """
tables:
  plans:
    columns:
      code: {type: text, primary_key: true}
      label: text
      rank: {type: integer, default: 0}
seed:
  plans:
    key: [code]
    update: [label]
    rows:
      - {code: free, label: Free, rank: 1}
      - {code: pro, label: Pro, rank: 2}
      - {code: team, label: Team, rank: 3}
"""

CASES = {
    # a row without a key is its values: a changed row is a removed one and an added one; the
    # removed row holding NULL and json is found by IS NULL and by its text
    "seed_without_key": Case(
        KEYLESS_V1,
        KEYLESS_V1.replace("      - {code: b, note: null, meta: {x: 1}}\n", "")
        .replace("note: C}", "note: C2}")
        .replace("note: A}", "note: A}\n      - {code: d, meta: '[1, 2]'}"),
        probe="""
DO $$ BEGIN
  IF (SELECT string_agg(code || '=' || coalesce(note, '-'), ',' ORDER BY code) FROM flags)
     <> 'a=A,c=C2,d=-' THEN RAISE EXCEPTION 'seed'; END IF;
END $$;
""",
    ),
    # changed rows are upserted on exactly the columns that changed (one statement per set of
    # changed columns); a new row meeting a hand-made row takes only the `update` columns
    "seed_update_columns": Case(
        UPDATE_V1,
        UPDATE_V1.replace("label: Free,", "label: Free forever,")
        .replace("rank: 2}", "rank: 5}")
        .replace(
            "label: Team, rank: 3}",
            "label: Teams, rank: 4}\n      - {code: biz, label: Business, rank: 6}",
        ),
        rows="INSERT INTO plans VALUES ('biz', 'Hand-made', 9);",
        probe="""
DO $$ BEGIN
  IF (SELECT string_agg(code || '=' || label || '/' || rank, ',' ORDER BY code) FROM plans)
     <> 'biz=Business/9,free=Free forever/1,pro=Pro/5,team=Teams/4' THEN
    RAISE EXCEPTION 'seed';
  END IF;
END $$;
""",
    ),
    # the key is dropped: the old rows are told apart by their values from now on
    "seed_loses_its_key": Case(
        UPDATE_V1,
        UPDATE_V1.replace("    key: [code]\n    update: [label]\n", "")
        .replace("label: Pro, rank: 2}", "label: Pro, rank: 2, extra: 1}")
        .replace(
            "      rank: {type: integer, default: 0}\n",
            "      rank: {type: integer, default: 0}\n      extra: {type: integer, nullable: true}\n",
        ),
    ),
}
#: per case: the seeded table and the columns its rows are compared by, in v2 and in v1
TABLES = {
    "seed_without_key": ("flags", "code, note, meta::text", "code, note, meta::text"),
    "seed_update_columns": ("plans", "code, label, rank", "code, label, rank"),
    "seed_loses_its_key": ("plans", "code, label, rank, extra", "code, label, rank"),
}


@pytest.mark.postgres
@pytest.mark.parametrize("name", sorted(CASES))
def test_incremental_seed_replays_like_a_fresh_build(
    name: str, tmp_path: Path, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    case = CASES[name]
    specs, out, new = _evolve(tmp_path, case, "flyway")
    _golden(name, out, new, request.config.getoption("--update-golden"))
    _judge(pg_backend, case, specs, out, new)
    table, columns, columns_v1 = TABLES[name]
    replayed = _rows(pg_backend, migration_units(out, "flyway")[0], table, columns)
    schema, _ = load_schema(specs, Settings())
    assert schema is not None
    fresh = [
        MigrationUnit("(fresh)", sql, transactional, "up", f"f{i}")
        for i, (sql, transactional) in enumerate(fresh_units(schema, Settings()))
    ]
    assert replayed == _rows(pg_backend, fresh, table, columns)
    # and the down migrations of v2 give back exactly the rows of v1
    up, down = migration_units(out, "flyway")
    undo = down[: sum(1 for p in new if p.name.startswith("U"))]
    write_spec(tmp_path / "v1", case.v1)
    v1, _ = load_schema(tmp_path / "v1", Settings())
    assert v1 is not None
    first = [
        MigrationUnit("(v1)", sql, transactional, "up", f"v{i}")
        for i, (sql, transactional) in enumerate(fresh_units(v1, Settings()))
    ]
    assert _rows(pg_backend, [*up, *undo], table, columns_v1) == _rows(
        pg_backend, first, table, columns_v1
    )


def _rows(backend: Backend, units: list[MigrationUnit], table: str, columns: str) -> str:
    with backend.database() as conninfo:
        result = apply_units(conninfo, units)
        assert result.failure is None, result.failure.render()
        with psycopg.connect(conninfo) as conn:
            rows = conn.execute(f"SELECT {columns} FROM {table} ORDER BY 1").fetchall()
    return json.dumps(rows, default=str)
