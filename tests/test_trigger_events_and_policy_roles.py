"""Found by the fuzzer (they rendered SQL PostgreSQL refuses, exit 70): a trigger listing an
event twice ("duplicate trigger events specified") and a policy with no roles are input errors
at their spec line."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import errors_of

TABLE = """
tables:
  t:
    columns: {id: {type: integer, primary_key: true}}
"""


def test_a_repeated_trigger_event_is_located(tmp_path: Path) -> None:
    body = TABLE + (
        "functions:\n  touch: {returns: trigger, body: 'BEGIN RETURN NEW; END;'}\n"
        "triggers:\n  touch_t: {table: t, timing: before, events: [insert, insert], "
        "function: touch}\n"
    )
    [error] = errors_of(tmp_path, body)
    assert "insert more than once" in error.message
    assert error.span is not None and error.span.line == 9


def test_a_policy_without_roles_is_located(tmp_path: Path) -> None:
    body = TABLE + '    rls:\n      policies:\n        p: {using: "true", roles: []}\n'
    [error] = errors_of(tmp_path, body)
    assert "roles" in error.message and "at least 1" in error.message
    assert error.span is not None and error.span.line == 8
