"""A policy's `description` is COMMENT ON POLICY: built, changed incrementally (judged as
tests/test_incremental.py judges its cases), compared by verify and imported back exactly."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from schemac.verify.backends import Backend
from tests.helpers import build_first, drift_messages, write_spec
from tests.import_helpers import exact_import
from tests.test_incremental import Case, converge

NOTES = """
tables:
  notes:
    columns:
      id: {type: integer, primary_key: true}
      owner: text
    rls:
      policies:
        own_rows:
          using: owner = current_user
          description: Each role sees the notes it owns
"""


@pytest.mark.postgres
def test_the_comment_is_built_after_the_policy(tmp_path: Path, pg_conninfo: str) -> None:
    write_spec(tmp_path / "specs", NOTES)
    up = build_first(tmp_path / "specs", tmp_path / "out")
    comment = "COMMENT ON POLICY own_rows ON notes IS 'Each role sees the notes it owns';"
    assert up.index("CREATE POLICY own_rows ON notes") < up.index(comment)
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(up)  # type: ignore[call-overload]
        row = conn.execute(
            "SELECT obj_description(oid, 'pg_policy') FROM pg_policy WHERE polname = 'own_rows'"
        ).fetchone()
    assert row == ("Each role sees the notes it owns",)


RENAMED = NOTES.replace("Each role sees the notes it owns", "Owners only")
RECREATED = NOTES.replace("using: owner = current_user", 'command: select\n          using: "true"')
ROWS = "INSERT INTO notes VALUES (1, 'a');"

CASES: dict[str, Case] = {
    "policy_comment_changed": Case(NOTES, RENAMED, ROWS),
    "policy_comment_removed": Case(
        NOTES, NOTES.replace("          description: Each role sees the notes it owns\n", ""), ROWS
    ),
    # a new command drops and creates the policy: the comment is written again
    "policy_recreated_keeps_comment": Case(NOTES, RECREATED, ROWS),
}


@pytest.mark.postgres
@pytest.mark.parametrize("case_name", sorted(CASES))
def test_policy_comments_converge(
    tmp_path: Path, case_name: str, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    converge(tmp_path, case_name, CASES[case_name], pg_backend, request)


@pytest.mark.postgres
def test_verify_sees_another_comment(tmp_path: Path, pg_backend: Backend) -> None:
    messages = drift_messages(
        tmp_path, NOTES, pg_backend, "COMMENT ON POLICY own_rows ON notes IS 'changed'"
    )
    assert messages == [
        "policy own_rows on notes: spec says description 'Each role sees the notes it owns', "
        "database has description 'changed'"
    ], messages


@pytest.mark.postgres
def test_import_round_trips_policy_comments(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    ddl = """
    CREATE TABLE notes (id integer PRIMARY KEY, owner text NOT NULL);
    ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_rows ON notes USING (owner = current_user);
    COMMENT ON POLICY own_rows ON notes IS 'it''s yours';
    """
    text = exact_import(pg_backend, pg_conninfo, tmp_path / "specs", ddl)
    assert "it's yours" in text
