from pathlib import Path

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
