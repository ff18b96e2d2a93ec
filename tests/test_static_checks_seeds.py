"""Static checks of seed rows (resolve/check_seeds.py, values.py): each refused seed gives its
code at the offending cell or row, its near miss still builds, and PostgreSQL refuses (or
silently drops) what the checks refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.static_checks import apply_built, apply_unchecked, at, builds, located, query, refused

TABLE = """
extensions: [citext]
enums:
  mood: [happy, sad, "1"]
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      small: {type: smallint, nullable: true}
      big: {type: bigint, nullable: true}
      price: {type: "numeric(5,2)", nullable: true}
      ratio: {type: real, nullable: true}
      flag: {type: boolean, nullable: true}
      ref: {type: uuid, nullable: true}
      day: {type: date, nullable: true}
      at: {type: timestamptz, nullable: true}
      code: {type: varchar(3), nullable: true}
      letter: {type: char(2), nullable: true}
      doc: {type: jsonb, nullable: true}
      tags: {type: "text[]", nullable: true}
      note: {type: text, nullable: true}
      feeling: {type: mood, nullable: true}
      spent: {type: interval, nullable: true}
seed:
  t:
    key: [id]
    rows:
"""


def one_row(cell: str) -> str:
    return TABLE + f"      - {{id: 1, {cell}}}\n"


BAD_VALUES = {
    "text-into-integer": "small: abc",
    "bool-into-integer": "small: true",
    "smallint-out-of-range": "small: 40000",
    "smallint-out-of-range-as-text": 'small: "-40000"',
    "bigint-out-of-range": "big: 9223372036854775808",
    "float-rounds-out-of-range": "small: 32767.5",
    "numeric-overflow": "price: 999.995",
    "numeric-not-a-number": "price: ten",
    "real-out-of-range": 'ratio: "1e39"',
    "nan-is-a-bare-word": "ratio: .nan",
    "not-a-boolean": "flag: maybe",
    "number-into-boolean": "flag: 1",
    "not-a-uuid": "ref: 1234",
    "uuid-with-space": 'ref: " 00000000-0000-0000-0000-000000000001"',
    "invalid-date": 'day: "2024-02-30"',
    "year-zero": 'day: "0000-01-01"',
    "date-past-postgresql": 'day: "5874898-01-01"',
    "number-into-date": "day: 20240101",
    "word-into-date": "day: soon",
    "invalid-hour": 'at: "2024-01-01 25:00:00"',
    "varchar-too-long": "code: abcd",
    "number-too-long-for-varchar": "code: 12345",
    "char-too-long": "letter: abc",
    "list-into-jsonb": "doc: [1, 2]",
    "number-into-jsonb": "doc: 5",
    "invalid-json-text": "doc: '{a: 1}'",
    "text-into-array": "tags: a",
    "mapping-into-integer": "small: {a: 1}",
    "number-into-enum": "feeling: 1",
    "number-into-interval": "spent: 5",
}

GOOD_VALUES = {
    "integer-with-spaces": 'small: " 12 "',
    "float-into-integer-rounds": "small: 32767.4",
    "numeric-rounds-inside": "price: 999.994",
    "numeric-nan": "price: NaN",
    "real-infinity": "ratio: Infinity",
    "boolean-prefix": "flag: tr",
    "uuid-forms": 'ref: "{a0eebc999c0b4ef8bb6d6bb9bd380a11}"',
    "uuid-grouped": "ref: a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
    "leap-day": 'day: "2024-02-29"',
    "year-10000": 'day: "10000-01-01"',
    "date-words": "day: epoch",
    "date-other-spelling": "day: Jan 8 1999",
    "yaml-date": "day: 2024-02-29",
    "timestamp-24h": 'at: "2024-01-01 24:00:00"',
    "yaml-timestamp": "at: 9999-12-31T23:00:00-05:00",
    "trailing-spaces-cut": 'code: "ab   "',
    "boolean-into-text": "note: true",
    "mapping-into-jsonb": "doc: {a: [1, 2]}",
    "json-text": "doc: '{\"a\": 1}'",
    "list-into-array": "tags: [a, b]",
    "array-literal": "tags: '{a,b}'",
    "interval-text": "spent: 1 day",
}


@pytest.mark.parametrize("cell", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_value_of_the_wrong_type(cell: str, tmp_path: Path) -> None:
    body = one_row(cell)
    column = cell.partition(": ")[0]
    assert located(tmp_path, body) == [("E080", *at(body, cell, len(column) + 2))]


@pytest.mark.parametrize("cell", GOOD_VALUES.values(), ids=GOOD_VALUES.keys())
def test_value_postgresql_reads(cell: str, tmp_path: Path) -> None:
    builds(tmp_path, one_row(cell))


REQUIRED = """
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      name: text
      kind: {type: text, default: "'plain'"}
      serial_no: serial
      auto: {type: bigint, identity: by_default}
      maybe: {type: text, nullable: true}
seed:
  t:
    key: [id]
    rows:
"""


def test_not_null_column_left_out(tmp_path: Path) -> None:
    body = REQUIRED + "      - {id: 1, name: a}\n      - {id: 2}\n"
    assert located(tmp_path, body) == [("E081", *at(body, "{id: 2}"))]


def test_not_null_column_set_to_null(tmp_path: Path) -> None:
    body = REQUIRED + "      - {id: 1, name: null}\n"
    assert located(tmp_path, body) == [("E081", *at(body, "null}"))]


def test_columns_with_defaults_may_be_left_out(tmp_path: Path) -> None:
    builds(tmp_path, REQUIRED + "      - {id: 1, name: a}\n      - {id: 2, name: b, maybe: null}\n")


def test_a_before_insert_trigger_may_fill_not_null_columns(tmp_path: Path) -> None:
    body = (
        REQUIRED
        + "      - {id: 1}\n"
        + (
            "functions:\n  fill:\n    returns: trigger\n"
            "    body: \"BEGIN NEW.name := 'x'; RETURN NEW; END;\"\n"
            "triggers:\n  t_fill: {table: t, timing: before, events: [insert], function: fill}\n"
        )
    )
    builds(tmp_path, body)


KEYED = """
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      ref: {type: uuid, unique: true, nullable: true}
      code: {type: text, nullable: true}
      n: {type: integer, nullable: true}
    indexes:
      - {columns: [code, n], unique: true}
seed:
  t:
    key: [id]
"""


@pytest.mark.parametrize(
    "rows,needle",
    [
        ("[{id: 1}, {id: 2}, {id: 1}]", "1}]"),
        ('[{id: 1}, {id: "1"}]', '"1"'),
        (
            "[{id: 1, ref: A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}, "
            "{id: 2, ref: a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}]",
            "a0eebc99",
        ),
        ("[{id: 1, code: x, n: 1}, {id: 2, code: x, n: 1}]", "x, n: 1}]"),
    ],
    ids=["key", "key-spelled-as-text", "unique-uuid-in-any-case", "unique-index"],
)
def test_rows_repeating_a_key(rows: str, needle: str, tmp_path: Path) -> None:
    body = KEYED + f"    rows: {rows}\n"
    assert located(tmp_path, body) == [("E082", *at(body, needle))]


@pytest.mark.parametrize(
    "rows",
    [
        "[{id: 1, ref: null}, {id: 2, ref: null}]",
        "[{id: 1, code: x}, {id: 2, code: x}]",
        "[{id: 1, code: x, n: 1}, {id: 2, code: x, n: 2}]",
        "[{id: 1, code: a}, {id: 2, code: A}]",
    ],
    ids=["nulls-are-distinct", "unique-index-partly-left-out", "distinct", "text-is-exact"],
)
def test_rows_with_distinct_keys(rows: str, tmp_path: Path) -> None:
    builds(tmp_path, KEYED + f"    rows: {rows}\n")


def test_key_that_is_not_unique(tmp_path: Path) -> None:
    body = KEYED.replace("key: [id]", "key: [code]") + "    rows: [{id: 1, code: x}]\n"
    assert located(tmp_path, body) == [("E084", *at(body, "[code]"))]


def test_key_of_a_unique_index_in_any_order(tmp_path: Path) -> None:
    body = KEYED.replace("key: [id]", "key: [n, code]") + "    rows: [{id: 1, code: x, n: 1}]\n"
    builds(tmp_path, body)


GENERATED = """
tables:
  t:
    columns:
      id: {type: bigint, identity: always, primary_key: true}
      code: {type: text, unique: true}
      upper_code: {type: text, generated: upper(code)}
      other: {type: bigint, identity: by_default}
seed:
  t:
    key: [code]
    rows:
"""


@pytest.mark.parametrize("cell", ["id: 5", "upper_code: X"], ids=["identity-always", "generated"])
def test_values_for_columns_postgresql_fills(cell: str, tmp_path: Path) -> None:
    body = GENERATED + f"      - {{code: x, {cell}}}\n"
    column = cell.split(":")[0]
    assert located(tmp_path, body) == [("E085", *at(body, cell, len(column) + 2))]


def test_identity_by_default_takes_a_value(tmp_path: Path) -> None:
    builds(tmp_path, GENERATED + "      - {code: x, other: 5}\n")


REFERENCES = """
tables:
  parents:
    columns:
      id: {type: integer, primary_key: true}
      label: {type: text, nullable: true}
  children:
    columns:
      id: {type: integer, primary_key: true}
      parent_id: {type: bigint, references: parents, nullable: true}
seed:
  parents:
    key: [id]
    rows: [{id: 1}, {id: 2}]
  children:
    key: [id]
"""


def test_row_referencing_a_key_no_seed_row_holds(tmp_path: Path) -> None:
    body = REFERENCES + "    rows: [{id: 1, parent_id: 2}, {id: 2, parent_id: 3}]\n"
    assert located(tmp_path, body) == [("E083", *at(body, "3}]"))]


@pytest.mark.parametrize(
    "body",
    [
        REFERENCES + "    rows: [{id: 1, parent_id: 2}, {id: 2, parent_id: null}]\n",
        REFERENCES.replace(
            "key: [id]\n    rows: [{id: 1}, {id: 2}]", "key: [label]\n    rows: [{label: a}]"
        ).replace(
            "id: {type: integer, primary_key: true}\n      label: {type: text, nullable: true}",
            "id: {type: integer, primary_key: true, identity: by_default}\n"
            "      label: {type: text, unique: true}",
        )
        + "    rows: [{id: 1, parent_id: 1}]\n",
        REFERENCES.replace("  parents:\n    key: [id]\n    rows: [{id: 1}, {id: 2}]\n", "")
        + "    rows: [{id: 1, parent_id: 7}]\n",
        REFERENCES
        + "    rows: [{id: 1, parent_id: 7}]\n"
        + "functions:\n  more:\n    returns: trigger\n    body: BEGIN RETURN NEW; END;\n"
        + "triggers:\n  more_rows: {table: children, timing: after, events: [insert], "
        "function: more}\n",
    ],
    ids=["present-or-null", "parent-key-from-a-default", "parent-not-seeded", "user-trigger"],
)
def test_references_that_may_hold(body: str, tmp_path: Path) -> None:
    builds(tmp_path, body)


def test_unknown_seed_column(tmp_path: Path) -> None:
    body = REQUIRED + "      - {id: 1, name: a, nmae: b}\n"
    assert located(tmp_path, body) == [("E035", *at(body, "nmae"))]


# --- PostgreSQL refuses what the checks refuse ------------------------------------------


@pytest.mark.parametrize(
    "body,message",
    [
        (one_row("small: abc"), 'invalid input syntax for type smallint: "abc"'),
        (one_row("small: 40000"), "smallint out of range"),
        (one_row('day: "2024-02-30"'), "date/time field value out of range"),
        (one_row("code: abcd"), "value too long for type character varying(3)"),
        (one_row("price: 999.995"), "numeric field overflow"),
        (one_row("doc: [1, 2]"), "invalid input syntax for type json"),
        (one_row("flag: 1"), "is of type boolean but expression is of type integer"),
        (REQUIRED + "      - {id: 2}\n", 'null value in column "name"'),
        (
            KEYED.replace("key: [id]", "key: [id]\n    on_conflict: update")
            + "    rows: [{id: 1, code: a}, {id: 1, code: b}]\n",
            "ON CONFLICT DO UPDATE command cannot affect row a second time",
        ),
        (
            KEYED + "    rows: [{id: 1, code: x, n: 1}, {id: 2, code: x, n: 1}]\n",
            "duplicate key value violates unique constraint",
        ),
        (
            KEYED.replace("key: [id]", "key: [code]") + "    rows: [{id: 1, code: x}]\n",
            "there is no unique or exclusion constraint matching the ON CONFLICT specification",
        ),
        (
            GENERATED + "      - {code: x, id: 5}\n",
            'cannot insert a non-DEFAULT value into column "id"',
        ),
        (
            REFERENCES + "    rows: [{id: 1, parent_id: 3}]\n",
            'violates foreign key constraint "fk_children_parent_id"',
        ),
    ],
    ids=[
        "text-into-integer",
        "out-of-range",
        "invalid-date",
        "too-long",
        "numeric-overflow",
        "list-into-jsonb",
        "number-into-boolean",
        "not-null-left-out",
        "duplicate-upsert",
        "duplicate-unique",
        "no-arbiter",
        "identity-always",
        "dangling-reference",
    ],
)
@pytest.mark.postgres
def test_postgresql_refuses_it_without_the_check(
    body: str, message: str, tmp_path: Path, pg_conninfo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert message in refused(apply_unchecked(tmp_path, body, pg_conninfo, monkeypatch))


@pytest.mark.postgres
def test_postgresql_silently_drops_a_repeated_key(
    tmp_path: Path, pg_conninfo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = KEYED + "    rows: [{id: 1, code: first}, {id: 1, code: second}]\n"
    assert apply_unchecked(tmp_path, body, pg_conninfo, monkeypatch).failure is None
    assert query(pg_conninfo, "SELECT id, code FROM t") == [(1, "first")]


NEAR_MISS_BODIES = [one_row(cell) for cell in GOOD_VALUES.values()]
NEAR_MISS_IDS = list(GOOD_VALUES)


@pytest.mark.postgres
@pytest.mark.parametrize("body", NEAR_MISS_BODIES, ids=NEAR_MISS_IDS)
def test_postgresql_takes_the_near_miss(body: str, tmp_path: Path, pg_conninfo: str) -> None:
    result = apply_built(tmp_path, body, pg_conninfo)
    assert result.failure is None, result.failure


def test_a_refused_column_type_does_not_judge_its_values(tmp_path: Path) -> None:
    body = (
        "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      code: varchar(0)\nseed:\n  t:\n    key: [id]\n    rows: [{id: 1, code: abc}]\n"
    )
    assert located(tmp_path, body) == [("E100", *at(body, "varchar(0)"))]
