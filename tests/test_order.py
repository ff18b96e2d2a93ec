from pathlib import Path

from schemac.plan.changes import AddForeignKey, CreateTable, CreateView
from schemac.plan.diff import fresh_plan
from tests.helpers import resolve_text


def test_fk_cycle_and_self_reference_are_added_after_the_tables(tmp_path: Path) -> None:
    schema = resolve_text(
        tmp_path,
        """
        tables:
          a: {columns: {id: uuid, b_id: {type: uuid, references: b}}, primary_key: [id]}
          b: {columns: {id: uuid, a_id: {type: uuid, references: a}}, primary_key: [id]}
          people:
            columns:
              id: {type: uuid, primary_key: true}
              manager_id: {type: uuid, nullable: true, references: {table: people, on_delete: set null}}
          c: {columns: {id: uuid, a_id: {type: uuid, references: a}}, primary_key: [id]}
        """,
    )
    up = fresh_plan(schema).up[0].changes
    creates = [c for c in up if isinstance(c, CreateTable)]
    # ready tables keep the written order; a cycle is entered at its first written table
    assert [c.table.name for c in creates] == ["people", "a", "b", "c"]
    inline = {c.table.name: [fk.name for fk in c.inline_fks] for c in creates}
    assert inline == {"a": [], "b": ["fk_b_a_id"], "people": [], "c": ["fk_c_a_id"]}
    added = [c.foreign_key.name for c in up if isinstance(c, AddForeignKey)]
    assert added == ["fk_people_manager_id", "fk_a_b_id"]
    # the cyclic FKs come after every CREATE TABLE
    last_create = max(i for i, c in enumerate(up) if isinstance(c, CreateTable))
    assert all(i > last_create for i, c in enumerate(up) if isinstance(c, AddForeignKey))


def test_views_follow_the_views_they_read_whatever_the_written_order(tmp_path: Path) -> None:
    schema = resolve_text(
        tmp_path,
        """
        tables:
          t: {columns: {id: uuid}}
        views:
          top: {query: SELECT * FROM middle}
          middle: {query: SELECT * FROM bottom}
          bottom: {query: SELECT * FROM t}
        """,
    )
    views = [c.view.name for c in fresh_plan(schema).up[0].changes if isinstance(c, CreateView)]
    assert views == ["bottom", "middle", "top"]


def test_tables_follow_their_fk_targets(tmp_path: Path) -> None:
    schema = resolve_text(
        tmp_path,
        """
        tables:
          child: {columns: {id: uuid, parent_id: {type: uuid, references: parent}}, primary_key: [id]}
          parent: {columns: {id: uuid}, primary_key: [id]}
        """,
    )
    plan = fresh_plan(schema)
    creates = [c.table.name for c in plan.up[0].changes if isinstance(c, CreateTable)]
    assert creates == ["parent", "child"]
    drops = [c.name for c in plan.down[0].changes if getattr(c, "object_type", None) == "table"]
    assert drops == ["child", "parent"]


def test_sql_functions_follow_the_tables_their_bodies_read(tmp_path: Path) -> None:
    schema = resolve_text(
        tmp_path,
        """
        functions:
          size_of: {returns: bigint, language: sql, body: SELECT count(*) FROM t}
          touch: {returns: trigger, body: "BEGIN RETURN NEW; END;"}
        tables:
          t: {columns: {id: uuid}}
        views:
          v: {query: SELECT size_of() AS n}
        """,
    )
    kinds = [
        (type(c).__name__, getattr(getattr(c, "function", None), "name", None))
        for c in fresh_plan(schema).up[0].changes
    ]
    names = [k for k, _ in kinds]
    assert kinds.index(("CreateFunction", "touch")) < names.index("CreateTable")
    assert (
        names.index("CreateTable")
        < kinds.index(("CreateFunction", "size_of"))
        < names.index("CreateView")
    )
