"""Incremental builds of the object kinds that are not tables (sequences of their own), judged
on PostgreSQL as tests/test_incremental.py judges its cases: goldens, replay of the whole
history converging on v2, a fresh build of v2 giving the same catalog, the lock proof on a
database holding rows (and a probe of live traffic after the migration), squawk."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemac.verify.backends import Backend
from tests.test_incremental import Case, converge

ORDERS = """
tables:
  orders:
    columns:
      id: {type: integer, primary_key: true}
      no: {type: integer, nullable: true}
  shipments:
    columns:
      id: {type: integer, primary_key: true}
"""
ORDER_NO = """
sequences:
  order_no: {as: integer, start: 100, owned_by: orders.no}
"""
NUMBERED = "no: {type: integer, nullable: true, default: \"nextval('order_no'::regclass)\"}"
ORDERS_NUMBERED = ORDER_NO + ORDERS.replace("no: {type: integer, nullable: true}", NUMBERED)
SHIPMENTS = """
tables:
  shipments:
    columns:
      id: {type: integer, primary_key: true}
"""
ROWS = "INSERT INTO orders (id, no) VALUES (1, 1), (2, 2); INSERT INTO shipments VALUES (1);"
PROBE = """
INSERT INTO orders (id) VALUES (3);
DO $$ BEGIN
  IF (SELECT no FROM orders WHERE id = 3) IS NULL THEN RAISE EXCEPTION 'no number'; END IF;
END $$;
"""

FILMS = """
domains:
  year: {type: integer, checks: {year_check: VALUE >= 1901}}
tables:
  films:
    columns:
      id: {type: integer, primary_key: true}
      released: {type: year, nullable: true}
"""
FILMS_ROWS = "INSERT INTO films VALUES (1, 1999), (2, 2005);"
FILMS_PROBE = "INSERT INTO films (id, released) VALUES (3, 2010);"

SEMVER = """
composites:
  semver_triple:
    attributes: {major: numeric, minor: numeric}
tables:
  crates:
    columns:
      id: {type: integer, primary_key: true}
      v: text
functions:
  to_semver:
    arguments: v text
    returns: semver_triple
    language: sql
    body: SELECT (split_part(v, '.', 1)::numeric, split_part(v, '.', 2)::numeric)::semver_triple
"""
#: a PL/pgSQL body is not bound to the attributes when it is created (an SQL body is, and
#: the down of an attribute change would re-create it before the type is back)
SEMVER_PLPGSQL = (
    SEMVER.split("functions:")[0]
    + """functions:
  to_semver:
    arguments: v text
    returns: semver_triple
    body: |
      DECLARE r semver_triple;
      BEGIN
        r.major := split_part(v, '.', 1)::numeric;
        RETURN r;
      END;
"""
)
SEMVER_INDEXED = SEMVER.replace(
    "      v: text\n",
    "      v: text\n    indexes:\n      - {name: idx_crates_semver, columns: [to_semver(v)]}\n",
).replace("    language: sql\n", "    language: sql\n    volatility: immutable\n")
SEMVER_ROWS = "INSERT INTO crates VALUES (1, '1.2');"
SEMVER_PROBE = "SELECT to_semver(v) FROM crates;"

CASES: dict[str, Case] = {
    # a sequence of its own, called by an existing column's default and owned by it
    "sequence_created_and_owned": Case(ORDERS, ORDERS_NUMBERED, ROWS, probe=PROBE),
    # every option ALTER SEQUENCE changes in place, AS integer -> bigint among them
    "sequence_options_changed": Case(
        ORDERS_NUMBERED,
        ORDERS_NUMBERED.replace(
            "{as: integer, start: 100, owned_by: orders.no}",
            "{as: bigint, start: 500, increment: 2, max: 900000, cache: 10, cycle: true, "
            "owned_by: orders.no, description: Order numbers}",
        ),
        ROWS,
        probe=PROBE,
    ),
    # the owner moves to another table's column, then (below) to none
    "sequence_owner_changed": Case(
        ORDERS_NUMBERED,
        ORDERS_NUMBERED.replace("owned_by: orders.no", "owned_by: shipments.id"),
        ROWS,
        probe=PROBE,
    ),
    "sequence_owner_removed": Case(
        ORDERS_NUMBERED,
        ORDERS_NUMBERED.replace(", owned_by: orders.no", ""),
        ROWS,
        probe=PROBE,
    ),
    # the default stops calling it and the sequence goes
    "sequence_dropped": Case(ORDERS_NUMBERED, ORDERS, ROWS, destructive=True),
    # the table that owns it goes too: DROP TABLE takes the sequence with it
    "sequence_dropped_with_its_table": Case(ORDERS_NUMBERED, SHIPMENTS, ROWS, destructive=True),
    # a domain, and a new column of an existing table typed with it
    "domain_created_and_used": Case(
        SHIPMENTS,
        FILMS.split("tables:")[0]
        + SHIPMENTS.replace(
            "      id: {type: integer, primary_key: true}",
            "      id: {type: integer, primary_key: true}\n      made: {type: year, nullable: true}",
        ),
        "INSERT INTO shipments VALUES (1);",
        probe="INSERT INTO shipments VALUES (2, 1999);",
    ),
    # a new check: NOT VALID, then VALIDATE in a later transaction
    "domain_check_added": Case(
        FILMS,
        FILMS.replace(
            "{year_check: VALUE >= 1901}", "{year_check: VALUE >= 1901, recent: VALUE < 2100}"
        ),
        FILMS_ROWS,
        probe=FILMS_PROBE,
    ),
    # a changed check is dropped and added again (NOT VALID, VALIDATE)
    "domain_check_changed": Case(
        FILMS, FILMS.replace("VALUE >= 1901", "VALUE >= 1900"), FILMS_ROWS, probe=FILMS_PROBE
    ),
    "domain_default_and_not_null_set": Case(
        FILMS,
        FILMS.replace(
            "year: {type: integer,", "year: {type: integer, not_null: true, default: 2000,"
        ),
        FILMS_ROWS,
        probe="INSERT INTO films (id) VALUES (3);",
    ),
    "domain_relaxed": Case(
        FILMS.replace(
            "year: {type: integer,", "year: {type: integer, not_null: true, default: 2000,"
        ),
        FILMS.replace(", checks: {year_check: VALUE >= 1901}", ", description: A year"),
        FILMS_ROWS,
        probe="INSERT INTO films (id, released) VALUES (3, NULL), (4, 12);",
    ),
    # a composite type, and a function returning it
    "composite_created": Case(
        SEMVER.split("functions:")[0].split("tables:")[1].join(["tables:", ""]),
        SEMVER,
        SEMVER_ROWS,
        probe=SEMVER_PROBE,
    ),
    # an attribute appended, another dropped, while a function uses the type
    "composite_attributes_changed": Case(
        SEMVER_PLPGSQL.replace("minor: numeric}", "minor: numeric, patch: text}"),
        SEMVER_PLPGSQL.replace("minor: numeric}", "minor: numeric, teeny: numeric}"),
        SEMVER_ROWS,
        probe=SEMVER_PROBE,
        destructive=True,
    ),
    # attributes retyped (crates.io's semver_triple, int4 -> numeric): the type is dropped and
    # created again with the SQL function returning it and the expression index calling it
    "composite_retyped_with_function_and_index": Case(
        SEMVER_INDEXED.replace("numeric", "integer"),
        SEMVER_INDEXED,
        SEMVER_ROWS,
        probe=SEMVER_PROBE + " INSERT INTO crates VALUES (2, '3.4');",
    ),
    "composite_dropped": Case(
        SEMVER,
        SEMVER.split("functions:")[0].split("tables:")[1].join(["tables:", ""]),
        SEMVER_ROWS,
        destructive=True,
    ),
    "domain_dropped": Case(
        FILMS,
        FILMS.split("domains:")[0]
        + FILMS.split("\n", 3)[3].replace(
            "{type: year, nullable: true}", "{type: integer, nullable: true}"
        ),
        FILMS_ROWS,
        destructive=True,
    ),
}


@pytest.fixture(params=sorted(CASES))
def case_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.postgres
def test_incremental_objects_converge(
    tmp_path: Path, case_name: str, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    converge(tmp_path, case_name, CASES[case_name], pg_backend, request)
