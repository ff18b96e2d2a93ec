"""Static checks of indexes, triggers, policies, functions, views and checks (E120-E159).

Every case is a spec PostgreSQL refuses: it must be rejected with its code at the position of
the `^` in the spec. Where the resolver would otherwise accept the spec, the same spec is built
with the checks switched off and applied on the throwaway PostgreSQL, which must refuse it with
the message the check's comment names: so no check rejects what PostgreSQL would take. Near
misses build, and those PostgreSQL can run are applied too.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from schemac.config import Settings
from schemac.pipeline import fresh_units, load_schema
from schemac.resolve.check_objects import CODES
from schemac.verify.apply import MigrationUnit, apply_units
from tests.helpers import HEADER, write_spec

ITEMS = """
tables:
  items:
    columns:
      id: {type: integer, primary_key: true}
      name: text
      qty: integer
      tags: {type: "text[]", nullable: true}
      doc: {type: jsonb, nullable: true}
      payload: {type: json, nullable: true}
      during: {type: tstzrange, nullable: true}
      ended_at: {type: timestamptz, nullable: true}
"""

TRIGGER_FN = """
functions:
  touch:
    returns: trigger
    language: plpgsql
    body: "BEGIN RETURN NEW; END;"
"""


def items(
    indexes: str = "", more: str = "", extensions: str = "", rls: str = "", checks: str = ""
) -> str:
    """The `items` table with extra index lines, table keys and top-level sections."""
    text = (f"extensions: [{extensions}]\n" if extensions else "") + ITEMS.lstrip("\n")
    if checks:
        text += "    checks:\n" + textwrap.indent(textwrap.dedent(checks).strip("\n"), " " * 6)
        text += "\n"
    if indexes:
        text += "    indexes:\n" + textwrap.indent(textwrap.dedent(indexes).strip("\n"), " " * 6)
        text += "\n"
    if rls:
        text += "    rls:\n      policies:\n"
        text += textwrap.indent(textwrap.dedent(rls).strip("\n"), " " * 8) + "\n"
    return text + textwrap.dedent(more).lstrip("\n")


def trigger(lines: str, more: str = TRIGGER_FN, table: str = "items") -> str:
    body = textwrap.indent(textwrap.dedent(lines).strip("\n"), " " * 4)
    more = textwrap.dedent(more).strip("\n")
    return items(more=f"{more}\ntriggers:\n  t1:\n    table: {table}\n{body}\n")


@dataclass(frozen=True)
class Case:
    id: str
    code: str
    #: the spec, with `^` where the diagnostic points
    spec: str
    #: what PostgreSQL says when the SQL built without the checks is applied; None when the
    #: resolver rejects the spec anyway (then only the diagnostic is checked)
    postgres: str | None


CASES = [
    Case(
        "gin-on-integer",
        "E120",
        items("- {columns: [^qty], method: gin}"),
        'data type integer has no default operator class for access method "gin"',
    ),
    Case(
        "gist-on-text",
        "E120",
        items("- {columns: [^name], method: gist}", extensions="pg_trgm"),
        'data type text has no default operator class for access method "gist"',
    ),
    Case(
        "btree-on-json",
        "E120",
        items("- {columns: [^payload]}"),
        'data type json has no default operator class for access method "btree"',
    ),
    Case(
        "unique-hash",
        "E121",
        items("- {columns: [qty], method: hash, unique: ^true}"),
        'access method "hash" does not support unique indexes',
    ),
    Case(
        "multicolumn-hash",
        "E122",
        items("- {columns: [qty, name], method: ^hash}"),
        'access method "hash" does not support multicolumn indexes',
    ),
    Case(
        "multicolumn-spgist",
        "E122",
        items("- {columns: [name, name], method: ^spgist}"),
        'access method "spgist" does not support multicolumn indexes',
    ),
    Case(
        "trgm-opclass-without-extension",
        "E123",
        items("- {columns: [name], method: gin, opclass: ^gin_trgm_ops}"),
        'operator class "gin_trgm_ops" does not exist for access method "gin"',
    ),
    Case(
        "gin-opclass-on-gist",
        "E123",
        items("- {columns: [name], method: gist, opclass: ^gin_trgm_ops}", extensions="pg_trgm"),
        'operator class "gin_trgm_ops" does not exist for access method "gist"',
    ),
    Case(
        "now-in-expression",
        "E124",
        items("""- {columns: [^"coalesce(ended_at, now())"]}"""),
        "functions in index expression must be marked IMMUTABLE",
    ),
    Case(
        "random-in-expression",
        "E124",
        items("- {columns: [^(qty + random()::int)]}"),
        "functions in index expression must be marked IMMUTABLE",
    ),
    Case(
        "volatile-plpgsql-function-in-expression",
        "E124",
        items(
            "- {columns: [^double_it(qty)]}",
            more="""
            functions:
              double_it:
                returns: integer
                arguments: n integer
                language: plpgsql
                body: "BEGIN RETURN n * 2; END;"
            """,
        ),
        "functions in index expression must be marked IMMUTABLE",
    ),
    Case(
        "stable-sql-function-not-inlined",
        "E124",
        items(
            "- {columns: [^first_qty(qty)]}",
            more="""
            functions:
              first_qty:
                returns: integer
                arguments: n integer
                language: sql
                volatility: stable
                body: SELECT n + 1 LIMIT 1
            """,
        ),
        # the planner creates indexes before SQL functions, so PostgreSQL stops earlier on
        # "function first_qty(integer) does not exist"; test_sql_functions_postgresql_inlines
        # shows the refusal this check stands for
        None,
    ),
    Case(
        "now-in-predicate",
        "E125",
        items("- {columns: [qty], where: ^ended_at > now()}"),
        "functions in index predicate must be marked IMMUTABLE",
    ),
    Case(
        "current-timestamp-in-predicate",
        "E125",
        items("- {columns: [qty], where: ^ended_at < CURRENT_TIMESTAMP}"),
        "functions in index predicate must be marked IMMUTABLE",
    ),
    Case(
        "index-named-like-another-tables-trait-index",
        "E126",
        """
        tables:
          tenants:
            columns: {id: {type: uuid, primary_key: true}}
          notes:
            traits: [tenant_scoped]
            columns: {id: {type: uuid, primary_key: true}}
          memos:
            columns: {id: {type: uuid, primary_key: true}, body: text}
            indexes:
              - {columns: [body], name: ^idx_notes_tenant_id}
        """,
        'relation "idx_notes_tenant_id" already exists',
    ),
    Case(
        "unique-index-beside-unique-constraint",
        "E126",
        """
        tables:
          users:
            columns:
              id: {type: integer, primary_key: true}
              email: {type: text, unique: true}
            indexes:
              - ^{columns: [email], unique: true}
        """,
        'relation "uq_users_email" already exists',
    ),
    Case(
        "index-named-like-a-table",
        "E126",
        items("- {columns: [qty], name: ^items}"),
        'relation "items" already exists',
    ),
    Case(
        "include-on-gin",
        "E127",
        items("- {columns: [doc], method: gin, include: ^[qty]}"),
        'access method "gin" does not support included columns',
    ),
    Case(
        "desc-on-hash",
        "E127",
        items("- {columns: [^qty desc], method: hash}"),
        'access method "hash" does not support ASC/DESC options',
    ),
    Case(
        "unknown-column-in-predicate",
        "E128",
        items("- {columns: [qty], where: ^endd_at IS NULL}"),
        'column "endd_at" does not exist',
    ),
    Case(
        "system-column-in-predicate",
        "E128",
        items("- {columns: [qty], where: ^tableoid > 0}"),
        "index creation on system columns is not supported",
    ),
    Case(
        "unknown-column-in-expression",
        "E128",
        items("- {columns: [^lower(nam)]}"),
        'column "nam" does not exist',
    ),
    Case(
        "trigger-function-returns-integer",
        "E130",
        trigger(
            """
            timing: after
            events: [insert]
            function: ^count_items
            """,
            more="""
            functions:
              count_items:
                returns: bigint
                language: sql
                body: SELECT count(*) FROM items
            """,
        ),
        "function count_items must return type trigger",
    ),
    Case(
        "when-old-on-insert",
        "E131",
        trigger(
            """
            timing: before
            events: [insert, update]
            when: ^OLD.qty > 0
            function: touch
            """
        ),
        "INSERT trigger's WHEN condition cannot reference OLD values",
    ),
    Case(
        "when-new-on-delete",
        "E131",
        trigger(
            """
            timing: after
            events: [delete]
            when: ^NEW.qty > 0
            function: touch
            """
        ),
        "DELETE trigger's WHEN condition cannot reference NEW values",
    ),
    Case(
        "statement-trigger-reads-new",
        "E132",
        trigger(
            """
            timing: after
            events: [update]
            for_each: statement
            when: ^NEW.qty > 0
            function: touch
            """
        ),
        "statement trigger's WHEN condition cannot reference column values",
    ),
    Case(
        "row-truncate-trigger",
        "E133",
        trigger(
            """
            timing: after
            events: [truncate]
            for_each: ^row
            function: touch
            """
        ),
        "TRUNCATE FOR EACH ROW triggers are not supported",
    ),
    Case(
        "instead-of-on-table",
        "E134",
        trigger(
            """
            timing: ^instead of
            events: [insert]
            function: touch
            """
        ),
        '"items" is a table',
    ),
    Case(
        "before-row-on-view",
        "E134",
        trigger(
            """
            timing: ^before
            events: [insert]
            function: touch
            """,
            more=TRIGGER_FN + 'views:\n  item_names: {query: "SELECT id, name FROM items"}\n',
            table="item_names",
        ),
        None,  # the resolver refuses triggers on views as an unknown table (SC309)
    ),
    Case(
        "instead-of-with-when",
        "E136",
        trigger(
            """
            timing: instead of
            events: [insert]
            when: ^NEW.qty > 0
            function: touch
            """,
            more=TRIGGER_FN + 'views:\n  item_names: {query: "SELECT id, name FROM items"}\n',
            table="item_names",
        ),
        None,  # as above; PostgreSQL: INSTEAD OF triggers cannot have WHEN conditions
    ),
    Case(
        "when-unknown-new-column",
        "E135",
        trigger(
            """
            timing: before
            events: [update]
            when: ^NEW.qtty > 0
            function: touch
            """
        ),
        "column new.qtty does not exist",
    ),
    Case(
        "when-bare-column",
        "E135",
        trigger(
            """
            timing: before
            events: [update]
            when: ^qty > 0
            function: touch
            """
        ),
        'column reference "qty" is ambiguous',
    ),
    Case(
        "when-subquery",
        "E135",
        trigger(
            """
            timing: before
            events: [update]
            when: ^NEW.qty > (SELECT 1)
            function: touch
            """
        ),
        "cannot use subquery in trigger WHEN condition",
    ),
    Case(
        "with-check-on-select",
        "E140",
        items(rls="p1: {command: select, using: qty > 0, ^with_check: qty > 0}"),
        "WITH CHECK cannot be applied to SELECT or DELETE",
    ),
    Case(
        "using-on-insert",
        "E140",
        items(rls="p1: {command: insert, ^using: qty > 0}"),
        "only WITH CHECK expression allowed for INSERT",
    ),
    Case(
        "policy-unknown-column",
        "E141",
        items(rls="p1: {command: all, using: ^owner_id = 1}"),
        'column "owner_id" does not exist',
    ),
    Case(
        "policy-subquery-unknown-column",
        "E141",
        items(rls="p1: {using: ^qty IN (SELECT i.qtty FROM items i)}"),
        "column i.qtty does not exist",
    ),
    Case(
        "language-plv8-undeclared",
        "E145",
        """
        functions:
          f:
            returns: integer
            language: ^plv8
            body: return 1;
        """,
        'language "plv8" does not exist',
    ),
    Case(
        "language-in-capitals",
        "E145",
        """
        functions:
          f:
            returns: integer
            language: ^SQL
            body: SELECT 1
        """,
        'language "SQL" does not exist',  # the language is emitted quoted, as written
    ),
    Case(
        "sql-trigger-function",
        "E147",
        """
        functions:
          f:
            returns: ^trigger
            language: sql
            body: SELECT NULL
        """,
        "SQL functions cannot return type trigger",
    ),
    Case(
        "sql-body-unknown-column",
        "E148",
        items(
            more="""
            functions:
              f:
                returns: integer
                language: sql
                body: ^SELECT i.qtty FROM items i LIMIT 1
            """
        ),
        "column i.qtty does not exist",
    ),
    Case(
        "view-unknown-qualified-column",
        "E150",
        items(more="views:\n  v: {query: ^SELECT i.nmae FROM items i}\n"),
        "column i.nmae does not exist",
    ),
    Case(
        "view-unknown-column",
        "E150",
        items(more="views:\n  v: {query: ^SELECT id FROM items WHERE nmae = 'x'}\n"),
        'column "nmae" does not exist',
    ),
    Case(
        "view-unknown-column-in-subquery",
        "E150",
        items(
            more="views:\n  v:\n    query: ^SELECT id FROM items a WHERE EXISTS "
            "(SELECT 1 FROM items b WHERE b.id = a.idd)\n"
        ),
        "column a.idd does not exist",
    ),
    Case(
        "matview-unknown-column",
        "E150",
        items(more="materialized_views:\n  mv: {query: ^SELECT items.quantity FROM items}\n"),
        "column items.quantity does not exist",
    ),
    Case(
        "view-duplicate-column",
        "E151",
        items(more='views:\n  v: {query: ^"SELECT id, name AS id FROM items"}\n'),
        'column "id" specified more than once',
    ),
    Case(
        "view-duplicate-from-stars",
        "E151",
        items(
            more='views:\n  v: {query: ^"SELECT a.*, b.* FROM items a JOIN items b ON a.id = b.qty"}\n'
        ),
        'column "id" specified more than once',
    ),
    Case(
        "view-duplicate-function-names",
        "E151",
        items(more='views:\n  v: {query: ^"SELECT lower(name), lower(name) FROM items"}\n'),
        'column "lower" specified more than once',
    ),
    Case(
        "view-cycle",
        "E152",
        items(more="views:\n  ^a: {query: SELECT * FROM b}\n  b: {query: SELECT * FROM a}\n"),
        'relation "b" does not exist',
    ),
    Case(
        "view-reads-itself",
        "E152",
        items(more="views:\n  ^a: {query: SELECT * FROM a}\n"),
        'relation "a" does not exist',
    ),
    Case(
        "check-unknown-column",
        "E153",
        items(checks="qty_range: ^qty > 0 AND qtty < 10"),
        'column "qtty" does not exist',
    ),
    Case(
        "check-system-column",
        "E153",
        items(checks="fresh: ^xmin IS NOT NULL"),
        'system column "xmin" reference in check constraint is invalid',
    ),
    Case(
        "check-other-table",
        "E153",
        items(checks="qty_range: ^other.qty > 0"),
        'missing FROM-clause entry for table "other"',
    ),
    Case(
        "generated-unknown-column",
        "E154",
        ITEMS + "      total: {type: integer, generated: ^qty * prize}\n",
        'column "prize" does not exist',
    ),
    Case(
        "generated-reads-generated",
        "E154",
        ITEMS
        + "      twice: {type: integer, generated: qty * 2}\n"
        + "      four: {type: integer, generated: ^twice * 2}\n",
        'cannot use generated column "twice" in column generation expression',
    ),
    Case(
        "generated-system-column",
        "E154",
        ITEMS + "      moved: {type: text, generated: ^xmin::text}\n",
        'cannot use system column "xmin" in column generation expression',
    ),
]

NEAR_MISSES = {
    "gin-on-integer-with-btree_gin": items(
        "- {columns: [qty], method: gin}", extensions="btree_gin"
    ),
    "gist-on-integer-with-btree_gist": items(
        "- {columns: [qty], method: gist}", extensions="btree_gist"
    ),
    "gin-on-jsonb-and-array": items(
        "- {columns: [doc], method: gin}\n- {columns: [tags], method: gin}"
    ),
    "gist-on-range": items("- {columns: [during], method: gist}"),
    "gin-trgm-with-pg_trgm": items(
        "- {columns: [name], method: gin, opclass: gin_trgm_ops}", extensions="pg_trgm"
    ),
    "gin-on-integer-with-an-unknown-extension": items(
        "- {columns: [qty], method: gin}", extensions="some_extension"
    ),
    "unique-btree": items("- {columns: [qty], unique: true}"),
    "generated-reads-plain-columns": ITEMS
    + "      total: {type: integer, generated: qty * length(name)}\n"
    + "      home: {type: oid, generated: tableoid}\n",
    "hash-one-column": items("- {columns: [name], method: hash}"),
    "multicolumn-gin": items("- {columns: [doc, tags], method: gin}"),
    "immutable-expression": items("- {columns: [lower(name)], where: ended_at IS NULL}"),
    "date-literal-predicate": items("- {columns: [qty], where: ended_at > '2020-01-01'}"),
    "immutable-spec-function": items(
        "- {columns: [double_it(qty)]}",
        more="""
        functions:
          double_it:
            returns: integer
            arguments: n integer
            language: plpgsql
            volatility: immutable
            body: "BEGIN RETURN n * 2; END;"
        """,
    ),
    "volatile-sql-function-that-inlines": items(
        "- {columns: [plus_one(qty)]}",
        more="""
        functions:
          plus_one:
            returns: integer
            arguments: n integer
            language: sql
            body: SELECT n + 1
        """,
    ),
    "check-reads-tableoid": items(checks="any_table: tableoid > 0"),
    "include-on-gist": items("- {columns: [during], method: gist, include: [qty]}"),
    "named-index-beside-trait-index": """
        tables:
          tenants:
            columns: {id: {type: uuid, primary_key: true}}
          notes:
            traits: [tenant_scoped]
            columns: {id: {type: uuid, primary_key: true}}
            indexes:
              - {columns: [tenant_id, id], name: idx_notes_tenant_note}
        """,
    "update-trigger-reads-old-and-new": trigger(
        """
        timing: before
        events: [update]
        when: NEW.qty IS DISTINCT FROM OLD.qty
        function: touch
        """
    ),
    "whole-row-comparison": trigger(
        """
        timing: after
        events: [update]
        when: OLD.* IS DISTINCT FROM NEW.*
        function: touch
        """
    ),
    "statement-trigger-without-rows": trigger(
        """
        timing: after
        events: [truncate]
        for_each: statement
        function: touch
        """
    ),
    "insert-with-check": items(rls="p1: {command: insert, with_check: qty > 0}"),
    "update-using-and-check": items(
        rls="p1: {command: update, using: qty > 0, with_check: qty > 0}"
    ),
    "policy-reads-another-table": items(
        rls="p1: {using: EXISTS (SELECT 1 FROM items o WHERE o.id = items.qty)}"
    ),
    "policy-calls-functions": items(
        rls="p1: {using: \"name = current_user AND current_setting('app.x', true) IS NULL\"}"
    ),
    "sql-body-reads-parameters": items(
        more="""
        functions:
          qty_of:
            returns: integer
            arguments: item_id integer
            language: sql
            body: SELECT i.qty FROM items i WHERE i.id = item_id
        """
    ),
    "view-with-aliases-and-order": items(
        more='views:\n  v: {query: "SELECT qty AS n, count(*) AS c FROM items GROUP BY n ORDER BY c"}\n'
    ),
    "view-reading-a-cte": items(
        more="views:\n  v: {query: WITH items AS (SELECT 1 AS zz) SELECT items.zz FROM items}\n"
    ),
    "view-reading-a-view": items(
        more="views:\n  v1: {query: SELECT id FROM items}\n  v2: {query: SELECT v1.id FROM v1}\n"
    ),
    "view-unqualified-column-of-a-subquery": items(
        more='views:\n  v: {query: "SELECT zz, qty FROM items, (SELECT 1 AS zz) s"}\n'
    ),
    "view-unqualified-column-of-a-view": items(
        more="views:\n  v1: {query: SELECT id AS item_id FROM items}\n"
        "  v2: {query: SELECT item_id FROM v1}\n"
    ),
    "view-with-whole-row-and-system-columns": items(
        more='views:\n  v: {query: "SELECT items, items.ctid AS row_id FROM items"}\n'
    ),
    "view-with-distinct-names": items(
        more='views:\n  v: {query: "SELECT a.id, b.id AS b_id FROM items a JOIN items b ON a.id = b.qty"}\n'
    ),
    "view-star-with-using": items(
        more="views:\n  v: {query: SELECT a.id FROM items a JOIN items b USING (id)}\n"
    ),
    "view-union-takes-first-names": items(
        more='views:\n  v: {query: "SELECT id, qty FROM items UNION SELECT qty, id FROM items"}\n'
    ),
    "views-in-a-chain": items(
        more="views:\n  a: {query: SELECT * FROM b}\n  b: {query: SELECT id FROM items}\n"
    ),
    "check-on-own-columns": items(checks="qty_range: items.qty > 0 AND qty < 10"),
}


def located(spec: str) -> tuple[str, int, int]:
    """The spec without its `^`, and the file line and column of the `^`."""
    text = textwrap.dedent(spec).lstrip("\n")
    offset = text.index("^")
    before = text[:offset]
    line = before.count("\n") + 1 + HEADER.count("\n")
    col = offset - (before.rfind("\n") + 1) + 1
    return text[:offset] + text[offset + 1 :], line, col


def unchecked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the checks of this module off (the resolver's hook does nothing)."""
    monkeypatch.setattr("schemac.resolve.check_resolved_objects", lambda *args: None)


def apply_fresh(tmp_path: Path, conninfo: str) -> str | None:
    """Build the spec in tmp_path/specs from nothing and apply it: PostgreSQL's error or None."""
    schema, diagnostics = load_schema(tmp_path / "specs", Settings())
    assert schema is not None, [f"{d.span}: {d.code} {d.message}" for d in diagnostics]
    units = [
        MigrationUnit("(fresh build)", sql, transactional, "up", f"fresh{i}")
        for i, (sql, transactional) in enumerate(fresh_units(schema, Settings()))
    ]
    failure = apply_units(conninfo, units).failure
    return None if failure is None else failure.message


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rejected_at_the_key(tmp_path: Path, case: Case) -> None:
    text, line, col = located(case.spec)
    write_spec(tmp_path / "specs", text)
    schema, diagnostics = load_schema(tmp_path / "specs", Settings())
    assert schema is None
    found = [(d.code, d.span.line, d.span.col) for d in diagnostics if d.is_error and d.span]
    assert (case.code, line, col) in found, [f"{d.span}: {d.code} {d.message}" for d in diagnostics]
    assert all(d.help for d in diagnostics if d.code == case.code)


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.postgres], ids=[c.id for c in CASES if c.postgres]
)
def test_postgresql_refuses_what_the_check_rejects(
    tmp_path: Path, case: Case, pg_conninfo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    unchecked(monkeypatch)
    write_spec(tmp_path / "specs", located(case.spec)[0])
    assert case.postgres is not None
    message = apply_fresh(tmp_path, pg_conninfo)
    assert message is not None and case.postgres in message, message


@pytest.mark.parametrize("name", sorted(NEAR_MISSES))
def test_near_miss_builds(tmp_path: Path, name: str) -> None:
    write_spec(tmp_path / "specs", NEAR_MISSES[name])
    schema, diagnostics = load_schema(tmp_path / "specs", Settings())
    assert schema is not None, [f"{d.span}: {d.code} {d.message}" for d in diagnostics]


#: near misses PostgreSQL cannot run here (an extension the test server does not have)
_NOT_APPLIED = {
    "gin-on-integer-with-an-unknown-extension",
    # the planner creates the index before the SQL function (test_sql_functions_... below)
    "volatile-sql-function-that-inlines",
}


@pytest.mark.parametrize("name", sorted(set(NEAR_MISSES) - _NOT_APPLIED))
def test_postgresql_takes_the_near_miss(tmp_path: Path, name: str, pg_conninfo: str) -> None:
    write_spec(tmp_path / "specs", NEAR_MISSES[name])
    assert apply_fresh(tmp_path, pg_conninfo) is None


def test_every_code_has_a_case_and_each_case_a_code() -> None:
    assert {c.code for c in CASES} == set(CODES)
    assert all(name == name.lower() and " " not in name for name, _ in CODES.values())


def test_unknown_trigger_table_and_function_stay_sc309(tmp_path: Path) -> None:
    """Covered where triggers are resolved; the checks here add nothing to them."""
    text, line, col = located(
        trigger(
            """
            timing: before
            events: [insert]
            function: ^nope
            """
        )
    )
    write_spec(tmp_path / "specs", text)
    _, diagnostics = load_schema(tmp_path / "specs", Settings())
    assert [(d.code, d.span.line, d.span.col) for d in diagnostics if d.span] == [
        ("SC309", line, col)
    ]


def test_unknown_policy_command_is_a_parse_error(tmp_path: Path) -> None:
    text, line, col = located(items(rls="p1: {command: ^selekt, using: qty > 0}"))
    write_spec(tmp_path / "specs", text)
    _, diagnostics = load_schema(tmp_path / "specs", Settings())
    assert [(d.code, d.span.line, d.span.col) for d in diagnostics if d.span] == [
        ("E020", line, col)
    ]


@pytest.mark.parametrize(
    "function,accepted",
    [
        ("LANGUAGE sql AS 'SELECT $1 + 1'", True),  # inlined: judged by its body
        ("LANGUAGE sql STABLE AS 'SELECT $1 + 1'", True),
        ("LANGUAGE sql AS 'SELECT $1 + 1 LIMIT 1'", False),  # a LIMIT keeps it a call
        ("LANGUAGE sql SECURITY DEFINER AS 'SELECT $1 + 1'", False),
        ("LANGUAGE sql AS 'SELECT $1 + random()::int'", False),  # inlined, and volatile
        ("LANGUAGE plpgsql AS 'BEGIN RETURN $1 + 1; END'", False),
        ("LANGUAGE plpgsql IMMUTABLE AS 'BEGIN RETURN $1 + 1; END'", True),
    ],
)
def test_sql_functions_postgresql_inlines(
    function: str, accepted: bool, pg_conninfo: str, tmp_path: Path
) -> None:
    """The rule check_indexes._mutable_functions follows for functions the spec declares."""
    sql = (
        "CREATE TABLE t (n integer);\n"
        f"CREATE FUNCTION f(integer) RETURNS integer {function};\n"
        "CREATE INDEX i ON t ((f(n)));\n"
    )
    failure = apply_units(pg_conninfo, [MigrationUnit("t.sql", sql, True, "up", "1")]).failure
    assert (failure is None) == accepted, failure and failure.message
    if failure is not None:
        assert failure.message == "functions in index expression must be marked IMMUTABLE"
    assert accepted_by_schemac(function, tmp_path) is accepted


def accepted_by_schemac(function: str, tmp_path: Path) -> bool:
    """Whether the resolver takes the same function in an index expression."""
    language = "plpgsql" if "plpgsql" in function else "sql"
    volatility = (
        "immutable" if "IMMUTABLE" in function else "stable" if "STABLE" in function else "volatile"
    )
    body = function.split(" AS ", 1)[1].strip("'").replace("$1", "n")
    spec = items(
        "- {columns: [f(qty)]}",
        more=f"""
        functions:
          f:
            returns: integer
            arguments: n integer
            language: {language}
            volatility: {volatility}
            security_definer: {"true" if "SECURITY DEFINER" in function else "false"}
            body: "{body}"
        """,
    )
    write_spec(tmp_path / "specs", spec)
    schema, _ = load_schema(tmp_path / "specs", Settings())
    return schema is not None
