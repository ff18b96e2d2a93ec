"""Trigger functions are written CREATE OR REPLACE FUNCTION, as the schema standard writes
updated_at_trigger() (issue 10); other new functions stay plain CREATE FUNCTION, which fails
loudly on a name already taken."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from schemac.config import Settings
from schemac.pipeline import fresh_units
from tests.helpers import resolve_text

SPEC = """
tables:
  docs:
    traits: [timestamps]
    columns:
      id: {type: integer, primary_key: true}
      title: text
functions:
  stamp_title:
    returns: TRIGGER
    body: |
      BEGIN
        NEW.title = trim(NEW.title);
        RETURN NEW;
      END;
  double:
    arguments: n integer
    returns: integer
    language: sql
    body: SELECT n * 2
triggers:
  docs_stamp_title: {table: docs, timing: before, events: [insert], function: stamp_title}
"""


def _statements(tmp_path: Path) -> list[str]:
    schema = resolve_text(tmp_path, SPEC)
    sql = "\n".join(text for text, _ in fresh_units(schema, Settings()))
    return re.findall(r"^CREATE (?:OR REPLACE )?FUNCTION .*?^\$function\$;$", sql, re.M | re.S)


def test_trigger_functions_are_created_or_replaced(tmp_path: Path) -> None:
    heads = {s.split("(", 1)[0] for s in _statements(tmp_path)}
    assert heads == {
        # the timestamps trait's function, and the user's (its return type in any case)
        "CREATE OR REPLACE FUNCTION updated_at_trigger",
        "CREATE OR REPLACE FUNCTION stamp_title",
        "CREATE FUNCTION double",
    }


@pytest.mark.postgres
def test_a_trigger_function_that_exists_is_replaced(tmp_path: Path, pg_conninfo: str) -> None:
    create = next(s for s in _statements(tmp_path) if "updated_at_trigger" in s)
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(
            "CREATE FUNCTION updated_at_trigger() RETURNS trigger LANGUAGE plpgsql "
            "AS $$BEGIN RETURN NULL; END$$"
        )
        conn.execute(create)
        body = conn.execute("SELECT prosrc FROM pg_proc WHERE proname = 'updated_at_trigger'")
        assert "NEW.updated_at" in body.fetchone()[0]
