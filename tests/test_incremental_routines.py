"""Incremental builds of function attributes, verbatim bodies and trigger options, judged as
tests/test_incremental.py judges its cases: goldens, replay converging on the v2 specs (with
bodies and attributes compared exactly), the same catalog as a fresh build, the lock proof on a
database holding rows, the probe, and squawk."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemac.verify.backends import Backend
from tests.test_incremental import Case, converge

ITEMS = """
tables:
  items:
    columns:
      id: {type: integer, primary_key: true}
      qty: integer
      note: {type: text, nullable: true}
  orders:
    columns:
      id: {type: integer, primary_key: true}
      touched: {type: integer, default: 0}
"""
PLAIN = (
    ITEMS
    + """
functions:
  double_it:
    arguments: x integer
    returns: integer
    language: sql
    body: SELECT x * 2
"""
)
ATTRIBUTES = (
    ITEMS
    + """
functions:
  double_it:
    arguments: x integer
    returns: integer
    language: sql
    volatility: immutable
    strict: true
    parallel: safe
    cost: 5
    set: {search_path: "pg_catalog, public", work_mem: 64MB}
    body: SELECT x * 2
"""
)
VERBATIM = ATTRIBUTES.replace(
    "    body: SELECT x * 2\n", '    verbatim: true\n    body: " SELECT x * 2 "\n'
)
TOUCH = """
  touch:
    returns: trigger
    body: |
      BEGIN
        NEW.note = coalesce(TG_ARGV[0], '') || TG_NARGS::text;
        RETURN NEW;
      END;
  count_new:
    returns: trigger
    body: |
      BEGIN
        UPDATE orders SET touched = touched + (SELECT count(*) FROM added);
        RETURN NULL;
      END;
"""
TRIGGERS_V1 = (
    ITEMS
    + "functions:"
    + TOUCH
    + """
triggers:
  last_updated: {table: items, timing: before, events: [update], function: touch}
"""
)
TRIGGERS_V2 = (
    ITEMS
    + "functions:"
    + TOUCH
    + """
triggers:
  last_updated:
    {table: items, timing: before, events: [update], update_of: [qty], function: touch,
     arguments: [changed, "2"]}
  orders_last_updated:
    {name: last_updated, table: orders, timing: before, events: [update], function: touch}
  items_added:
    {table: items, timing: after, events: [insert], for_each: statement,
     referencing: {new_table: added}, function: count_new}
"""
).replace(
    "      touched: {type: integer, default: 0}\n",
    "      touched: {type: integer, default: 0}\n      note: {type: text, nullable: true}\n",
)
ROWS = "INSERT INTO items VALUES (1, 1, NULL), (2, 2, NULL); INSERT INTO orders VALUES (1, 0);"
DECLARES_V2 = (
    ITEMS
    + """
functions:
  total_of:
    arguments: item_id integer
    returns: integer
    body: |
      DECLARE
        found items;
      BEGIN
        SELECT * INTO found FROM items WHERE id = item_id;
        RETURN found.qty;
      END;
"""
)

AGGREGATE = (
    ITEMS
    + """
functions:
  _join:
    arguments: a text, b text
    returns: text
    language: sql
    volatility: immutable
    body: SELECT CASE WHEN a IS NULL THEN b ELSE a || ', ' || b END
aggregates:
  group_concat: {arguments: text, sfunc: _join, stype: text}
  total: {arguments: integer, sfunc: int4pl, stype: integer, initcond: 0}
views:
  item_notes:
    query: SELECT group_concat(note) AS notes, total(qty) AS qty FROM items
"""
)
AGGREGATE_INITCOND = AGGREGATE.replace("initcond: 0}", "initcond: 100, parallel: safe}")
AGGREGATE_RETYPED = AGGREGATE.replace(
    "total: {arguments: integer, sfunc: int4pl, stype: integer, initcond: 0}",
    "total: {arguments: integer, sfunc: int84pl, stype: bigint, initcond: 0}",
)

DEFAULT_CALLS_SQL = (
    ITEMS
    + """
  notes:
    columns:
      id: {type: integer, primary_key: true}
      order_id: {type: integer, default: last_order()}
functions:
  last_order:
    returns: integer
    language: sql
    volatility: stable
    body: SELECT coalesce(max(id), 0) FROM orders
"""
)

CASES = {
    # graphile-starter's pattern: the function must exist before the table whose default calls
    # it, and its body reads a table: created early with check_function_bodies off
    "sql_function_in_a_column_default": Case(
        ITEMS,
        DEFAULT_CALLS_SQL,
        ROWS,
        probe="INSERT INTO notes (id) VALUES (1);"
        "DO $$ BEGIN ASSERT (SELECT order_id FROM notes) = 1; END $$;",
    ),
    "aggregate_added_with_a_view": Case(
        ITEMS,
        AGGREGATE,
        ROWS,
        probe="DO $$ BEGIN ASSERT (SELECT qty FROM item_notes) = 3; END $$;",
    ),
    "aggregate_replaced_in_place": Case(
        AGGREGATE,
        AGGREGATE_INITCOND,
        ROWS,
        probe="DO $$ BEGIN ASSERT (SELECT qty FROM item_notes) = 103; END $$;",
    ),
    "aggregate_state_type_changed_under_a_view": Case(
        AGGREGATE,
        AGGREGATE_RETYPED,
        ROWS,
        probe="DO $$ BEGIN ASSERT (SELECT qty FROM item_notes) = 3::bigint; END $$;",
    ),
    "aggregate_removed_with_its_view": Case(AGGREGATE, ITEMS, ROWS),
    "function_attributes_added": Case(
        PLAIN,
        ATTRIBUTES,
        ROWS,
        probe="DO $$ BEGIN ASSERT double_it(NULL) IS NULL; ASSERT double_it(2) = 4; END $$;",
    ),
    "function_attributes_removed": Case(
        ATTRIBUTES,
        PLAIN,
        ROWS,
        probe="DO $$ BEGIN ASSERT (SELECT proconfig IS NULL AND NOT proisstrict FROM pg_proc "
        "WHERE proname = 'double_it'); END $$;",
    ),
    "function_body_becomes_verbatim": Case(
        ATTRIBUTES,
        VERBATIM,
        ROWS,
        probe="DO $$ BEGIN ASSERT (SELECT prosrc FROM pg_proc WHERE proname = 'double_it') "
        "= ' SELECT x * 2 '; END $$;",
    ),
    "trigger_options_and_shared_name": Case(
        TRIGGERS_V1,
        TRIGGERS_V2,
        ROWS,
        probe="UPDATE items SET note = NULL WHERE id = 1;"
        "DO $$ BEGIN ASSERT (SELECT note FROM items WHERE id = 1) IS NULL; END $$;"
        "UPDATE items SET qty = 5 WHERE id = 1;"
        "DO $$ BEGIN ASSERT (SELECT note FROM items WHERE id = 1) = 'changed2'; END $$;"
        "INSERT INTO items VALUES (3, 3, NULL), (4, 4, NULL);"
        "DO $$ BEGIN ASSERT (SELECT touched FROM orders WHERE id = 1) = 2; END $$;"
        "UPDATE orders SET id = 1 WHERE id = 1;"
        "DO $$ BEGIN ASSERT (SELECT note FROM orders WHERE id = 1) = '0'; END $$;",
    ),
    "trigger_options_removed": Case(TRIGGERS_V2, TRIGGERS_V1, ROWS, destructive=True),
    "plpgsql_declares_a_table_type": Case(
        ITEMS,
        DECLARES_V2,
        ROWS,
        probe="DO $$ BEGIN ASSERT total_of(2) = 2; END $$;",
    ),
}


@pytest.fixture(params=sorted(CASES))
def case_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.postgres
def test_incremental_routines_converge(
    tmp_path: Path, case_name: str, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    converge(tmp_path, case_name, CASES[case_name], pg_backend, request)
