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


def test_the_source_excerpt_of_a_diagnostic_is_shown_escaped(tmp_path: Path) -> None:
    """A bidi override in the spec line under a diagnostic would reorder what the reviewer
    reads: the excerpt escapes it like the message does, and the caret still points right."""
    from schemac.report import render_text

    body = TABLE.replace("t:\n", "t\u202ex:\n    lint: {ignore: [nope]}\n", 1)
    body += (
        "  u:\n    columns: {id: {type: integer, primary_key: true, "
        "description: 'a\u202eb', default: bogus}}\n"
    )
    errors = errors_of(tmp_path, body)
    text = render_text(errors)
    assert errors and "\u202e" not in text and "\\u202e" in text
    lines = text.splitlines()
    checked = 0
    for error in errors:
        assert error.span is not None
        source = (tmp_path / "specs" / "spec.yaml").read_text().splitlines()[error.span.line - 1]
        if "\u202e" not in source[: error.span.col]:
            continue
        at = next(i for i, line in enumerate(lines) if line.startswith(f" {error.span.line} | "))
        shown, caret = lines[at], lines[at + 1]
        prefix = len(f" {error.span.line} | ")
        # the caret is under the character the column names, in the escaped line
        assert shown[caret.index("^")] == source[error.span.col - 1]
        assert caret.index("^") == prefix + len(source[: error.span.col - 1]) + 5
        checked += 1
    assert checked  # a diagnostic whose column lies after the escaped character


def test_an_enum_name_the_type_model_cannot_read_is_located(tmp_path: Path) -> None:
    """Enum types are read back as lower-case identifiers: a capital or a space in the enum's
    name or schema is refused at the enum (it was "unknown type", or exit 70 for a schema)."""
    for enums, where in (
        ("enums:\n  Mood: [a]\n", "'Mood'"),
        ('enums:\n  mood: {values: [a], schema: "Odd Schema"}\n', "'Odd Schema'"),
    ):
        [error] = errors_of(tmp_path / where.strip("'"), enums)
        assert error.code == "E053" and where in error.message and error.help
        assert error.span is not None and error.span.line == 4
