"""Static checks of tables (resolve/check_tables.py, check_types.py, check_names.py,
check_documents.py): each refused spec gives its code at the offending key or value, its
near miss still builds, and a sample shows PostgreSQL really refuses the SQL built without the
check."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from schemac.render.check import RenderBug
from tests.static_checks import apply_built, apply_unchecked, at, builds, located, query, refused


@dataclass
class Case:
    id: str
    body: str
    #: (code, needle, shift): the error's code and where it points (see static_checks.at)
    errors: list[tuple[str, str, int]] = field(default_factory=list)

    def expected(self) -> list[tuple[str, int, int]]:
        return sorted((code, *at(self.body, needle, shift)) for code, needle, shift in self.errors)


def table(columns: str, extra: str = "") -> str:
    return f"tables:\n  t:\n    columns:\n{columns}{extra}"


REFUSED = [
    Case("varchar-0", table("      a: varchar(0)\n"), [("E100", "varchar(0)", 0)]),
    Case(
        "numeric-precision-1001",
        table('      a: {type: "numeric(1001,2)"}\n'),
        [("E100", '"numeric(1001', 0)],
    ),
    Case(
        "numeric-scale-1001",
        table('      a: {type: "numeric(5,1001)"}\n'),
        [("E100", '"numeric(5', 0)],
    ),
    Case(
        "numeric-scale-above-precision-before-15",
        "database: {version: 14}\n" + table('      a: {type: "numeric(2,3)"}\n'),
        [("E100", '"numeric(2', 0)],
    ),
    Case("bit-0", table("      a: bit(0)\n"), [("E100", "bit(0)", 0)]),
    Case("varbit-0", table("      a: varbit(0)\n"), [("E100", "varbit(0)", 0)]),
    Case("char-too-long", table("      a: char(10485761)\n"), [("E100", "char(", 0)]),
    Case(
        "varchar-beyond-int4",
        table("      a: varchar(99999999999)\n"),
        [("E100", "varchar(", 0)],
    ),
    Case("array-of-varchar-0", table('      a: "varchar(0)[]"\n'), [("E100", '"varchar', 0)]),
    Case("timestamptz-7", table("      a: timestamptz(7)\n"), [("E101", "timestamptz(7)", 0)]),
    Case("time-7", table("      a: {type: time(7)}\n"), [("E101", "time(7)", 0)]),
    Case("interval-9", table("      a: interval(9)\n"), [("E101", "interval(9)", 0)]),
    Case(
        "trait-column-type",
        "traits:\n  wide:\n    columns:\n      a: varchar(0)\n"
        + table("      b: text\n", "    traits: [wide]\n"),
        [("E100", "wide]", 0)],
    ),
    Case("system-column", table("      id: integer\n      xmin: integer\n"), [("E109", "xmin", 0)]),
    Case("system-column-ctid", table("      ctid: text\n"), [("E109", "ctid", 0)]),
    Case(
        "nullable-identity",
        table("      id: {type: bigint, identity: always, nullable: true}\n"),
        [("E113", "nullable: true", len("nullable: "))],
    ),
    Case(
        "nullable-serial",
        table("      id: {type: serial, nullable: true}\n"),
        [("E113", "nullable: true", len("nullable: "))],
    ),
    Case(
        "serial-with-default",
        table("      id: {type: bigserial, default: 1}\n"),
        [("E114", "default: 1", len("default: "))],
    ),
    Case(
        "serial-generated",
        table("      a: integer\n      id: {type: serial, generated: a + 1}\n"),
        [("E114", "generated: a", len("generated: "))],
    ),
    Case(
        "check-name-twice",
        table(
            "      id: {type: integer, check: id > 0}\n", "    checks:\n      chk_t_id: id < 9\n"
        ),
        [("E108", "id < 9", 0)],
    ),
    Case(
        "foreign-key-named-like-primary-key",
        table(
            "      id: {type: integer, primary_key: true}\n",
            "    foreign_keys:\n"
            "      - {columns: [id], references: {table: p, columns: [id]}, name: t_pkey}\n",
        )
        + "  p:\n    columns:\n      id: {type: integer, primary_key: true}\n",
        [("E108", "{columns: [id], references", 0)],
    ),
    Case(
        "primary-key-index-named-like-table",
        table("      id: {type: integer, primary_key: true}\n")
        + "  t_pkey:\n    columns:\n      id: integer\n",
        [("E106", "primary_key: true", len("primary_key: "))],
    ),
    Case(
        "unique-index-named-like-view",
        table("      code: {type: text, unique: true}\n")
        + "views:\n  uq_t_code: {query: SELECT 1 AS one}\n",
        [("E106", "unique: true", len("unique: "))],
    ),
    Case(
        "serial-sequence-named-like-table",
        table("      id: serial\n") + "  t_id_seq:\n    columns:\n      id: integer\n",
        [("E106", "id: serial", 0)],
    ),
    Case(
        "identity-sequence-named-like-index",
        table("      id: {type: integer, identity: by_default}\n")
        + "  u:\n    columns:\n      a: integer\n"
        + "    indexes: [{columns: [a], name: t_id_seq}]\n",
        [("E106", "id: {type: integer, identity", 0)],
    ),
    Case(
        "enum-named-like-table",
        "enums:\n  t: [a, b]\n" + table("      id: integer\n"),
        [("E107", "t: [a, b]", 0)],
    ),
    Case(
        "enum-named-like-view",
        "enums:\n  v: [a, b]\nviews:\n  v: {query: SELECT 1 AS one}\n",
        [("E107", "v: [a, b]", 0)],
    ),
    Case(
        "enum-label-64-bytes",
        "enums:\n  e: [ok, " + "a" * 64 + "]\n",
        [("E105", "a" * 64, 0)],
    ),
    Case(
        "enum-label-64-bytes-multibyte",
        "enums:\n  e:\n    values: [ok, " + "é" * 32 + "]\n",
        [("E105", "é" * 32, 0)],
    ),
    Case("schema-pg", "schema: pg_app\n" + table("      id: integer\n"), [("E112", "pg_app", 0)]),
    Case(
        "table-schema-pg",
        table("      id: integer\n", "    schema: pg_catalog\n"),
        [("E112", "pg_catalog", 0)],
    ),
    Case(
        "enum-schema-pg",
        "enums:\n  e: {values: [a], schema: pg_enums}\n",
        [("E112", "pg_enums", 0)],
    ),
]

NEAR_MISSES = {
    "varchar-1": table("      a: varchar(1)\n"),
    "varchar-max": table("      a: varchar(10485760)\n      b: bit(83886080)\n"),
    "numeric-1000": table('      a: {type: "numeric(1000,2)"}\n      b: "numeric(1)"\n'),
    "numeric-scale-above-precision-on-15": table('      a: {type: "numeric(2,3)"}\n'),
    "numeric-scale-1000": table('      a: {type: "numeric(5,1000)"}\n'),
    "bit-1": table("      a: bit(1)\n"),
    "timestamptz-6": table("      a: timestamptz(6)\n      b: time(0)\n      c: interval(6)\n"),
    "system-column-lookalikes": table(
        "      oid: integer\n      xmin_at: integer\n      XMIN: text\n"
    ),
    "identity-not-null": table("      id: {type: bigint, identity: always}\n"),
    "serial-alone": table("      id: serial\n      n: {type: integer, default: 1}\n"),
    "nullable-identity-in-primary-key-is-E042-only": table("      id: bigint\n"),
    "distinct-constraint-names": table(
        "      id: {type: integer, check: id > 0}\n", "    checks:\n      chk_t_id_small: id < 9\n"
    ),
    "table-named-like-another-tables-pkey": table("      id: integer\n")
    + "  t_pkey:\n    columns:\n      id: integer\n",
    "sequence-name-free": table("      id: serial\n")
    + "  t_id_seq2:\n    columns:\n      id: integer\n",
    "enum-named-like-array-type": "enums:\n  _t: [a, b]\n" + table("      id: integer\n"),
    "enum-label-63-bytes": "enums:\n  e: [" + "a" * 63 + ", " + "é" * 31 + "]\n",
    "schema-lookalike": "schema: app_pg\n" + table("      id: integer\n", "    schema: pgx\n"),
    "function-in-pg-catalog": "functions:\n  f:\n    schema: pg_catalog\n    returns: integer\n"
    "    language: sql\n    body: SELECT 1\n",
}


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.id)
def test_refused_at_the_offending_key(case: Case, tmp_path: Path) -> None:
    assert located(tmp_path, case.body) == case.expected()


@pytest.mark.parametrize("body", NEAR_MISSES.values(), ids=NEAR_MISSES.keys())
def test_near_miss_still_builds(body: str, tmp_path: Path) -> None:
    builds(tmp_path, body)


def test_more_than_1600_columns(tmp_path: Path) -> None:
    columns = "".join(f"      c{i}: integer\n" for i in range(1601))
    assert located(tmp_path, table(columns)) == [("E110", *at(table(columns), "c1600:"))]
    builds(tmp_path / "ok", table("".join(f"      c{i}: integer\n" for i in range(1600))))


def test_more_than_32_index_keys(tmp_path: Path) -> None:
    columns = "".join(f"      c{i}: integer\n" for i in range(40))
    names = ", ".join(f"c{i}" for i in range(30))
    body = table(
        columns,
        f"    indexes:\n      - {{columns: [{names}], include: [c30, c31, c32], name: wide}}\n",
    )
    assert located(tmp_path, body) == [("E111", *at(body, "{columns: [c0"))]
    ok = table(
        columns, f"    indexes:\n      - {{columns: [{names}], include: [c30, c31], name: wide}}\n"
    )
    builds(tmp_path / "ok", ok)


def test_more_than_32_primary_key_columns(tmp_path: Path) -> None:
    columns = "".join(f"      c{i}: integer\n" for i in range(33))
    body = table(columns, f"    primary_key: [{', '.join(f'c{i}' for i in range(33))}]\n")
    assert located(tmp_path, body) == [("E111", *at(body, "[c0"))]


@pytest.mark.parametrize(
    "body,needle,what",
    [
        ('tables:\n  "":\n    columns:\n      id: integer\n', '""', "table"),
        (table('      "": integer\n'), '""', "column"),
        (table("      id: integer\n", '    checks:\n      "": id > 0\n'), '""', "check"),
    ],
    ids=["table", "column", "check"],
)
def test_empty_names(body: str, needle: str, what: str, tmp_path: Path) -> None:
    found = located(tmp_path, body)
    # identifiers.py refuses empty names as E060 when it runs first; either way, one error
    assert len(found) == 1 and found[0][0] in ("E116", "E060")
    assert found[0][1:] == at(body, needle)


def test_empty_partition_name(tmp_path: Path) -> None:
    body = table(
        "      id: integer\n",
        '    partition_by: {list: [id]}\n    partitions:\n      - {name: "", values: [1]}\n',
    )
    found = located(tmp_path, body)
    assert [code for code, *_ in found] in (["E116"], ["E060"])
    assert found[0][1:] == at(body, '""')


# --- PostgreSQL refuses what the checks refuse ------------------------------------------


@pytest.mark.parametrize(
    "body,message",
    [
        (table("      a: varchar(0)\n"), "length for type varchar must be at least 1"),
        (
            table('      a: "numeric(1001,2)"\n'),
            "NUMERIC precision 1001 must be between 1 and 1000",
        ),
        (table("      a: bit(0)\n"), "length for type bit must be at least 1"),
        (table("      xmin: integer\n"), 'column name "xmin" conflicts with a system column name'),
        (table("      id: {type: serial, default: 1}\n"), "multiple default values specified"),
        (
            table("      id: {type: integer, primary_key: true}\n")
            + "  t_pkey:\n    columns:\n      id: integer\n",
            'relation "t_pkey" already exists',
        ),
        (
            table("      id: serial\n") + "  t_id_seq:\n    columns:\n      id: integer\n",
            'relation "t_id_seq" already exists',
        ),
        ("enums:\n  t: [a]\n" + table("      id: integer\n"), 'type "t" already exists'),
        (
            table(
                "      id: {type: integer, check: id > 0}\n",
                "    checks:\n      chk_t_id: id < 9\n",
            ),
            'constraint "chk_t_id" already exists',
        ),
        ("enums:\n  e: [" + "a" * 64 + "]\n", "invalid enum label"),
        ("schema: pg_app\n" + table("      id: integer\n"), 'unacceptable schema name "pg_app"'),
        (
            table("".join(f"      c{i}: integer\n" for i in range(1601))),
            "tables can have at most 1600 columns",
        ),
        (
            table(
                "".join(f"      c{i}: integer\n" for i in range(33)),
                f"    indexes: [{{columns: [{', '.join(f'c{i}' for i in range(33))}], name: wide}}]\n",
            ),
            "cannot use more than 32 columns in an index",
        ),
    ],
    ids=[
        "varchar-0",
        "numeric-1001",
        "bit-0",
        "xmin",
        "serial-default",
        "pkey-like-table",
        "sequence-like-table",
        "enum-like-table",
        "constraint-twice",
        "enum-label",
        "schema-pg",
        "1601-columns",
        "33-index-keys",
    ],
)
@pytest.mark.postgres
def test_postgresql_refuses_it_without_the_check(
    body: str, message: str, tmp_path: Path, pg_conninfo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert message in refused(apply_unchecked(tmp_path, body, pg_conninfo, monkeypatch))


@pytest.mark.postgres
def test_postgresql_silently_cuts_seconds_precision_to_6(
    tmp_path: Path, pg_conninfo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = table("      a: timestamptz(7)\n")
    assert apply_unchecked(tmp_path, body, pg_conninfo, monkeypatch).failure is None
    types = query(
        pg_conninfo,
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = 't'::regclass AND attname = 'a'",
    )
    assert types == [("timestamp(6) with time zone",)]


@pytest.mark.postgres
def test_postgresql_makes_a_nullable_identity_not_null(
    tmp_path: Path, pg_conninfo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = table("      id: {type: bigint, identity: always, nullable: true}\n")
    assert apply_unchecked(tmp_path, body, pg_conninfo, monkeypatch).failure is None
    not_null = query(
        pg_conninfo,
        "SELECT attnotnull FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'id'",
    )
    assert not_null == [(True,)]


@pytest.mark.parametrize(
    "body",
    [table("      a: varchar(99999999999)\n")],
    ids=["huge-modifier"],  # an empty name is refused by resolve/identifiers.py (E060) first
)
def test_without_the_check_schemac_itself_fails(
    body: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """These were internal errors (exit 70): the rendered SQL does not even parse."""
    from schemac.resolve import check_documents

    monkeypatch.setattr(check_documents, "check_documents", lambda *args: None)
    monkeypatch.setattr("schemac.resolve.checks.check_documents", lambda *args: None)
    with pytest.raises(RenderBug):
        apply_unchecked(tmp_path, body, "", monkeypatch)


NEAR_MISS_BODIES = list(NEAR_MISSES.values())
NEAR_MISS_IDS = list(NEAR_MISSES)


@pytest.mark.postgres
@pytest.mark.parametrize("body", NEAR_MISS_BODIES, ids=NEAR_MISS_IDS)
def test_postgresql_takes_the_near_miss(body: str, tmp_path: Path, pg_conninfo: str) -> None:
    result = apply_built(tmp_path, body, pg_conninfo)
    assert result.failure is None, result.failure
