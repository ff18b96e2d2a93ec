from pathlib import Path

from schemac.source import Span
from schemac.verify.locate import spec_object
from tests.helpers import resolve_text

SPEC = """
tables:
  users:
    columns: {id: uuid, tenant_id: uuid, email: text}
    primary_key: [id]
    indexes: [{columns: [email]}]
  notes:
    columns: {id: uuid, user_id: {type: uuid, references: users}}
    primary_key: [id]
    rls: {policies: {mine: {using: "true"}}}
views:
  v: {query: SELECT * FROM users}
"""


def test_statements_map_back_to_the_object_that_declared_them(tmp_path: Path) -> None:
    schema = resolve_text(tmp_path, SPEC)
    cases = {
        "CREATE TABLE users (\n    id uuid\n);": "table users",
        "-- header\nCREATE INDEX idx_users_email ON users (email);": "index idx_users_email on users",
        "ALTER TABLE notes ADD CONSTRAINT fk_notes_user_id FOREIGN KEY (user_id) REFERENCES users (id);": "foreign key fk_notes_user_id on notes",
        "CREATE VIEW v AS\nSELECT * FROM users;": "view v",
        "CREATE POLICY mine ON notes AS PERMISSIVE FOR ALL TO public USING (true);": "policy mine on notes",
        "COMMENT ON COLUMN users.email IS 'x';": "table users",
    }
    for statement, expected in cases.items():
        found = spec_object(schema, statement)
        assert found is not None and found[0] == expected, statement
        assert found[1] is not None and found[1].line > 0, statement
    assert spec_object(schema, "SELECT 1;") is None


def test_a_statement_of_the_specs_is_located_at_the_change_that_caused_it(
    tmp_path: Path,
) -> None:
    from schemac.config import Settings
    from schemac.plan.changes import Comment
    from schemac.plan.diff import fresh_plan
    from schemac.render.environment import make_environment
    from schemac.render.sql import render_change
    from schemac.verify.apply import split_statements
    from schemac.verify.locate import fresh_sources, locate

    spec = SPEC.replace(
        "columns: {id: uuid, tenant_id: uuid, email: text}",
        "columns:\n      id: uuid\n      tenant_id: uuid\n"
        "      email: {type: text, description: Where mail goes}",
    )
    schema = resolve_text(tmp_path, spec)
    sources = fresh_sources(schema, Settings())
    env = make_environment(None)
    changes = [ch for unit in fresh_plan(schema).up for ch in unit.changes]
    assert changes
    for change in changes:
        for statement in split_statements(render_change(change, env)):
            # spacing and comments do not matter: the file's statement is found as rendered
            shown = "-- a label\n" + "\n  ".join(statement.text.split(" ")) + "\n"
            found = locate(schema, shown, sources)
            assert found is not None and found[0] == change.describe(), statement.text
            if change.span is not None:
                assert _at(found[1]) == _at(change.span), statement.text
    # the column comment points at the column's own line, not at its table (as by name)
    email = schema.table("users").column("email")  # type: ignore[union-attr]
    comment = next(ch for ch in changes if isinstance(ch, Comment) and ch.target == "column")
    assert _at(comment.span) == _at(email.span)
    by_name = spec_object(schema, "COMMENT ON COLUMN users.email IS 'Where mail goes';")
    assert by_name is not None and _at(by_name[1]) != _at(email.span)
    # a statement no change renders falls back to the object its words name
    assert locate(schema, "CREATE INDEX idx_users_email ON users (lower(email));", sources)


def _at(span: Span | None) -> tuple[str, int, int] | None:
    """Where a span points (Span itself compares equal to any span, so models compare by data)."""
    return (span.path, span.line, span.col) if span is not None else None
