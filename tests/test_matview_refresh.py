"""Materialized view `refresh:` (issue 10): recorded in the snapshot, shown in the document, and
run by `refresh_<view>()` (CONCURRENTLY with a plain-column unique index) and, when the policy
gives a schedule (`every:` or `schedule:`), a pg_cron job guarded by the extension's presence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.config import Settings
from schemac.model.schema import Schema
from schemac.pipeline import fresh_units
from schemac.plan import changes as c
from schemac.plan.diff import diff
from schemac.resolve.refresh import cron_problem, every_to_cron
from schemac.snapshot import dump_snapshot, load_snapshot, same_schema
from schemac.verify.backends import Backend
from tests.helpers import errors_of, resolve_text, write_spec
from tests.static_checks import apply_built, query
from tests.test_incremental import Case, _evolve, _golden, _judge

BASE = """
tables:
  orders:
    columns:
      id: {type: integer, primary_key: true}
      region: text
materialized_views:
  region_totals:
    query: SELECT region, count(*) AS n FROM orders GROUP BY region
    indexes:
      - {columns: [region], unique: true}
    refresh: {every: 15m, concurrently: true, max_staleness: 1h}
  order_list:
    query: SELECT id, region FROM orders
"""


def _view(schema: Schema, name: str) -> object:
    return next(v for v in schema.materialized_views if v.name == name)


@pytest.mark.parametrize(
    ("every", "cron"),
    [
        ("30s", "30 seconds"),
        ("1m", "* * * * *"),
        ("15m", "*/15 * * * *"),
        ("60m", "0 * * * *"),
        ("1h", "0 * * * *"),
        ("2 hours", "0 */2 * * *"),
        ("24h", "0 0 * * *"),
        ("1d", "0 0 * * *"),
    ],
)
def test_every_has_a_cron_form(every: str, cron: str) -> None:
    assert every_to_cron(every) == (cron, None)


@pytest.mark.parametrize("every", ["7m", "90m", "5h", "2d", "0s", "soon", "45s"])
def test_every_without_a_cron_form(every: str) -> None:
    schedule, problem = every_to_cron(every)
    assert schedule is None and problem


@pytest.mark.parametrize(
    ("schedule", "ok"),
    [
        ("*/15 * * * *", True),
        ("0 3 * * 1-5", True),
        ("0,30 8-18/2 1,15 jan-jun mon", True),
        ("0 0 $ * *", True),
        ("10 seconds", True),
        ("*/15 * * *", False),
        ("60 * * * *", False),
        ("* 24 * * *", False),
        ("* * 0 * *", False),
        ("* * * 13 *", False),
        ("*/0 * * * *", False),
        ("5-1 * * * *", False),
        ("@hourly", False),
        ("90 seconds", False),
    ],
)
def test_cron_expressions(schedule: str, ok: bool) -> None:
    assert (cron_problem(schedule) is None) is ok


def test_resolved_policy(tmp_path: Path) -> None:
    schema = resolve_text(tmp_path, BASE)
    totals = schema.materialized_views[0]
    assert totals.refresh is not None
    assert (totals.refresh.schedule, totals.refresh.function) == (
        "*/15 * * * *",
        "refresh_region_totals",
    )
    assert totals.refresh.refreshes_concurrently
    fn = next(f for f in schema.functions if f.name == "refresh_region_totals")
    assert "REFRESH MATERIALIZED VIEW CONCURRENTLY region_totals;" in fn.body
    assert fn.returns == "void" and fn.description is not None
    assert "every 15m" in fn.description and "pg_cron" in fn.description
    # no refresh: no function; a partial unique index cannot serve CONCURRENTLY
    assert not any(f.name == "refresh_order_list" for f in schema.functions)
    body = BASE.replace("unique: true}", "unique: true, where: region IS NOT NULL}")
    partial = resolve_text(tmp_path / "p", body).materialized_views[0]
    assert partial.refresh is not None and not partial.refresh.refreshes_concurrently
    # an explicit schedule is taken as written (spaces squeezed)
    body = BASE.replace("every: 15m", 'schedule: "0  3 * * *"')
    mv = resolve_text(tmp_path / "s", body).materialized_views[0]
    assert mv.refresh is not None and mv.refresh.schedule == "0 3 * * *"


def test_a_declared_function_of_that_name_wins(tmp_path: Path) -> None:
    body = (
        BASE
        + """
functions:
  refresh_region_totals:
    returns: void
    body: |
      BEGIN
        REFRESH MATERIALIZED VIEW region_totals;
      END;
"""
    )
    schema = resolve_text(tmp_path, body)
    mine = [f for f in schema.functions if f.name == "refresh_region_totals"]
    assert len(mine) == 1 and "CONCURRENTLY" not in mine[0].body


@pytest.mark.parametrize(
    ("refresh", "code", "line", "col", "needle"),
    [
        ('{schedule: "*/15 * * *"}', "E070", 13, 25, "4 fields"),
        ('{schedule: "0 25 * * *"}', "E070", 13, 25, "'25' is not a valid hour"),
        ("{every: 90m}", "E070", 13, 22, "whole hours that divide a day"),
        ('{every: 1h, schedule: "0 * * * *"}', "E071", 13, 36, "both"),
    ],
)
def test_bad_schedule_is_located(
    refresh: str, code: str, line: int, col: int, needle: str, tmp_path: Path
) -> None:
    body = BASE.replace("{every: 15m, concurrently: true, max_staleness: 1h}", refresh)
    errors = errors_of(tmp_path, body)
    assert [e.code for e in errors] == [code]
    assert needle in errors[0].message and errors[0].help
    span = errors[0].span
    assert span is not None and (span.line, span.col) == (line, col)
    # the command line: one located message, exit 2, nothing written
    out = tmp_path / "m"
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(out)])
    assert result.exit_code == 2
    assert f"spec.yaml:{line}:{col}" in result.stderr and code in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_snapshot_records_the_policy(tmp_path: Path) -> None:
    schema = resolve_text(tmp_path, BASE)
    text = dump_snapshot(schema, None)
    data = json.loads(text)
    refresh = data["materialized_views"][0]["refresh"]
    assert refresh["schedule"] == "*/15 * * * *" and refresh["every"] == "15m"
    loaded = load_snapshot(text, "schemac.snapshot.json").schema
    assert same_schema(loaded, schema)
    changed = resolve_text(tmp_path / "b", BASE.replace("every: 15m", "every: 1h"))
    assert not same_schema(loaded, changed)
    # a snapshot written before refresh was recorded reads as "no policy": the build adds it
    del data["materialized_views"][0]["refresh"]
    old = load_snapshot(json.dumps(data), "old.json").schema
    kinds = [type(ch).__name__ for ch in diff(old, schema)[0]]
    assert "ScheduleRefresh" in kinds and "CreateMaterializedView" not in kinds


def test_a_refresh_change_is_a_reschedule_not_a_rebuild(tmp_path: Path) -> None:
    old = resolve_text(tmp_path / "a", BASE)
    new = resolve_text(tmp_path / "b", BASE.replace("every: 15m", "every: 1h"))
    changes, problems = diff(old, new)
    assert problems == []
    jobs = [ch for ch in changes if isinstance(ch, c.ScheduleRefresh)]
    assert [(j.job, j.schedule, j.previous) for j in jobs] == [
        ("public.refresh_region_totals", "0 * * * *", "*/15 * * * *")
    ]
    assert {type(ch).__name__ for ch in changes} == {"ScheduleRefresh", "Comment"}
    # without a schedule the job goes, the function stays
    none = resolve_text(tmp_path / "c", BASE.replace("every: 15m, ", ""))
    jobs = [ch for ch in diff(old, none)[0] if isinstance(ch, c.ScheduleRefresh)]
    assert [(j.schedule, j.previous) for j in jobs] == [(None, "*/15 * * * *")]


def test_document_shows_the_policy(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", BASE)
    out = tmp_path / "schema.md"
    result = CliRunner().invoke(cli, ["docs", str(tmp_path / "specs"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert (
        "Refresh: every `15m`, concurrently (readers are not blocked), at most `1h` stale, by "
        "`refresh_region_totals()`, scheduled `*/15 * * * *` with pg_cron (where installed)."
    ) in text
    assert "### `refresh_region_totals()`" in text


@pytest.mark.postgres
def test_applies_without_pg_cron_and_the_function_refreshes(
    tmp_path: Path, pg_conninfo: str
) -> None:
    body = BASE + "    refresh: {every: 1h}\n"  # order_list: no unique index, plain refresh
    sql = "\n".join(s for s, _ in fresh_units(resolve_text(tmp_path / "r", body), Settings()))
    assert "PERFORM cron.schedule('public.refresh_region_totals', '*/15 * * * *'," in sql
    assert "REFRESH MATERIALIZED VIEW order_list;" in sql
    result = apply_built(tmp_path, body, pg_conninfo)
    assert result.failure is None, result.failure
    assert query(pg_conninfo, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_cron'") == [
        (0,)
    ]
    import psycopg

    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute("INSERT INTO orders VALUES (1, 'eu'), (2, 'eu'), (3, 'us')")
        conn.execute("SELECT refresh_region_totals()")
        conn.execute("SELECT refresh_order_list()")
    assert query(pg_conninfo, "SELECT region, n FROM region_totals ORDER BY 1") == [
        ("eu", 2),
        ("us", 1),
    ]
    assert query(pg_conninfo, "SELECT count(*) FROM order_list") == [(3,)]
    comment = query(pg_conninfo, "SELECT obj_description('refresh_region_totals'::regproc)")
    assert "every 15m" in str(comment[0][0])


#: each incremental case: v1 -> v2 of the refresh policy
CASES = {
    "matview_refresh_rescheduled": Case(BASE, BASE.replace("every: 15m", "every: 1h")),
    "matview_refresh_unique_index_added": Case(
        BASE + "    refresh: {every: 1h}\n",
        BASE + "    indexes:\n      - {columns: [id], unique: true}\n    refresh: {every: 1h}\n",
    ),
    "matview_refresh_removed": Case(
        BASE, BASE.replace("    refresh: {every: 15m, concurrently: true, max_staleness: 1h}\n", "")
    ),
}


@pytest.mark.postgres
@pytest.mark.parametrize("name", sorted(CASES))
def test_refresh_changes_converge(
    name: str, tmp_path: Path, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    case = CASES[name]
    specs, out, new = _evolve(tmp_path, case, "flyway")
    _golden(name, out, new, request.config.getoption("--update-golden"))
    up = "".join(p.read_text() for p in sorted(new) if p.name.startswith("V"))
    assert "MATERIALIZED VIEW region_totals AS" not in up  # never rebuilt for its policy
    if name == "matview_refresh_rescheduled":
        assert "cron.schedule('public.refresh_region_totals', '0 * * * *'" in up
    elif name == "matview_refresh_unique_index_added":
        assert "CREATE OR REPLACE FUNCTION refresh_order_list()" in up
        assert "REFRESH MATERIALIZED VIEW CONCURRENTLY order_list;" in up
    else:
        assert "cron.unschedule(jobid)" in up and "DROP FUNCTION" in up
    _judge(pg_backend, case, specs, out, new)
