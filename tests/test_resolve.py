from pathlib import Path

from schemac.config import Settings, Tenancy
from tests.helpers import errors_of, resolve_text


def test_short_and_long_column_forms_and_type_aliases(tmp_path: Path) -> None:
    schema = resolve_text(
        tmp_path,
        """
        tables:
          things:
            columns:
              a: int
              b: {type: timestamp with time zone, nullable: true}
              c: {type: character varying(20), default: "'x'"}
              d: {type: boolean, default: false}
        """,
    )
    cols = {c.name: c for c in schema.tables[0].columns}
    assert (cols["a"].type, cols["a"].nullable) == ("integer", False)
    assert (cols["b"].type, cols["b"].nullable) == ("timestamptz", True)
    assert cols["c"].type == "varchar(20)" and cols["c"].default == "'x'"
    assert cols["d"].default == "false"


def test_standard_columns_first_and_last_and_table_columns_override(tmp_path: Path) -> None:
    schema = resolve_text(
        tmp_path,
        """
        tables:
          tenants:
            traits: [uuid_pk]
          users:
            traits: [standard, tenant_scoped]
            columns:
              email: text
              version: {type: bigint, default: 1}
        """,
    )
    users = schema.table("users")
    assert users is not None
    # columns.first, trait columns in trait order, own columns, then columns.last (defaults)
    assert [c.name for c in users.columns] == [
        "id",
        "tenant_id",
        "email",
        "created_at",
        "updated_at",
        "deleted_at",
        "version",
    ]
    assert users.column("version").type == "bigint"  # type: ignore[union-attr]
    assert users.primary_key is not None and users.primary_key.columns == ("id",)
    assert [i.name for i in users.indexes] == ["idx_users_tenant_id"]
    fk = users.foreign_keys[0]
    assert (fk.name, fk.ref_table, fk.ref_columns, fk.on_delete) == (
        "fk_users_tenant_id",
        "tenants",
        ("id",),
        "restrict",
    )
    assert [t.name for t in schema.triggers] == ["set_updated_at"]
    assert [f.name for f in schema.functions] == ["updated_at_trigger"]
    # a trait column points at the traits: entry that brought it in
    assert users.column("created_at").span.line == users.column("id").span.line  # type: ignore[union-attr]


def test_tenant_rls_policy_comes_from_config(tmp_path: Path) -> None:
    body = """
        tables:
          tenants: {traits: [uuid_pk]}
          notes: {traits: [uuid_pk, tenant_scoped]}
        """
    plain = resolve_text(tmp_path, body)
    assert not plain.table("notes").rls.enabled  # type: ignore[union-attr]
    rls = resolve_text(tmp_path, body, Settings(tenancy=Tenancy(rls=True)))
    notes = rls.table("notes")
    assert notes is not None and notes.rls.enabled
    assert notes.rls.policies[0].using == "tenant_id = current_setting('app.tenant_id')::uuid"


def test_derived_names(tmp_path: Path) -> None:
    schema = resolve_text(
        tmp_path,
        """
        tables:
          users:
            traits: [uuid_pk]
            columns:
              email: {type: text, unique: true, check: length(email) > 3}
              tenant: text
            indexes:
              - {columns: [tenant, lower(email)], unique: true}
              - {columns: [email DESC NULLS LAST], method: btree}
        """,
    )
    users = schema.tables[0]
    assert [u.name for u in users.uniques] == ["uq_users_email"]
    assert [c.name for c in users.checks] == ["chk_users_email"]
    assert [i.name for i in users.indexes] == ["uq_users_tenant_email", "idx_users_email"]
    part = users.indexes[1].parts[0]
    assert (part.column, part.descending, part.nulls) == ("email", True, "last")


def test_generated_month_partitions(tmp_path: Path) -> None:
    schema = resolve_text(
        tmp_path,
        """
        tables:
          events:
            columns:
              id: uuid
              created_at: timestamptz
            primary_key: [id, created_at]
            partition_by: {range: [created_at]}
            partitions:
              generate: {interval: month, start: 2026-11-01, count: 3, default: true}
        """,
    )
    parts = schema.tables[0].partitions
    assert [p.name for p in parts] == [
        "events_2026_11",
        "events_2026_12",
        "events_2027_01",
        "events_default",
    ]
    assert (parts[1].range_from, parts[1].range_to) == (("'2026-12-01'",), ("'2027-01-01'",))


def test_view_dependencies_are_read_from_the_query(tmp_path: Path) -> None:
    schema = resolve_text(
        tmp_path,
        """
        tables:
          users: {columns: {id: uuid}}
        views:
          v2: {query: "WITH x AS (SELECT * FROM v1) SELECT * FROM x JOIN pg_class ON true"}
          v1: {query: "SELECT id FROM users;"}
        """,
    )
    views = {v.name: v for v in schema.views}
    assert views["v1"].depends_on == ("public.users",)
    assert views["v2"].depends_on == ("public.v1",)
    assert views["v1"].query == "SELECT id FROM users"


def test_seed_literals_are_escaped(tmp_path: Path) -> None:
    schema = resolve_text(
        tmp_path,
        """
        tables:
          people: {columns: {id: integer, name: text, tags: "text[]"}, primary_key: [id]}
        seed:
          people:
            key: [id]
            rows:
              - {id: 1, name: "O'Brien \\\\ co", tags: [a, "b c"]}
        """,
    )
    row = dict(schema.seeds[0].rows[0])
    # a backslash makes it an E'' literal (the same text under standard_conforming_strings off)
    assert row == {"id": "1", "name": "E'O''Brien \\\\ co'", "tags": '\'{"a","b c"}\''}


def test_each_problem_is_one_located_error(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path,
        """
        tables:
          users:
            columns:
              a: varchr(20)
              b: {type: text, references: userz}
              c: {type: text, default: free}
        """,
    )
    got = sorted((d.code, d.span.line, d.span.col) for d in errors if d.span)  # type: ignore[union-attr]
    assert got == [("E030", 6, 10), ("E033", 8, 32), ("SC309", 7, 35)]
    by_code = {d.code: d for d in errors}
    assert by_code["E030"].help == "did you mean 'varchar'?"
    assert by_code["E033"].help == "write it as a quoted SQL literal: \"'free'\""
    assert by_code["SC309"].help == "did you mean 'users'?"


def test_partition_key_must_be_in_the_primary_key(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path,
        """
        tables:
          events:
            columns: {id: {type: uuid, primary_key: true}, at: timestamptz}
            partition_by: {range: [at]}
        """,
    )
    assert [d.code for d in errors] == ["SC304"]


def test_long_derived_names_are_errors(tmp_path: Path) -> None:
    long = "a" * 40
    errors = errors_of(
        tmp_path,
        f"""
        tables:
          {long}:
            columns: {{{long}_column: text}}
            indexes: [{{columns: [{long}_column]}}]
        """,
    )
    assert [d.code for d in errors] == ["SC108"]
    assert "name:" in (errors[0].help or "")


def test_duplicate_table_across_files_names_both(tmp_path: Path) -> None:
    from schemac.pipeline import load_schema
    from tests.helpers import write_spec

    write_spec(tmp_path / "s", "tables: {users: {columns: {id: uuid}}}\n", "a.yaml")
    write_spec(tmp_path / "s", "tables: {users: {columns: {id: uuid}}}\n", "b.yaml")
    schema, diags = load_schema(tmp_path / "s", Settings())
    assert schema is None
    [dup] = [d for d in diags if d.is_error]
    assert dup.span is not None and dup.span.path.endswith("b.yaml")
    assert "a.yaml:3" in dup.message
