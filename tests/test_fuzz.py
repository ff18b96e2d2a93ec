"""Generated specs through load -> parse -> resolve -> render (`schemac build --no-lint`).

Every outcome must be one of two: exit 0 with SQL that PostgreSQL's parser (pglast) reads, file
by file, or exit 2 with diagnostics that each point at a file:line:col. Never an exception (exit
70 outside the test runner). The specs are drawn from the whole spec format (SPEC_FORMAT.md):
columns of every kind of type with modifiers, defaults, checks, indexes, foreign keys, enums,
views, functions and triggers, seeds, partitions, names with quotes, unicode and keywords; then
some are mutated (keys deleted, values replaced by random scalars, lines duplicated or dropped).

A crash found here whose fix lies outside load/ is kept in REGRESSIONS as its minimal spec, an
xfail(strict=True) test, and a signature the property tolerates, until it is fixed; then the
entry goes (the strict xfail fails the suite as soon as the crash is gone, as a reminder).
"""

from __future__ import annotations

import datetime
import re
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemac.cli import cli
from schemac.config import Settings
from schemac.pipeline import load_schema

# --- names ------------------------------------------------------------------------------------

#: names that quoting, keywords, case folding, unicode and the 63-byte limit all have to handle
ODD_NAMES = [
    "id",
    "name",
    "users",
    "tenants",
    "order",
    "select",
    "user",
    "table",
    "group",
    "end",
    "Mixed",
    "UPPER",
    "with space",
    'quo"te',
    "it's",
    "back\\slash",
    "é",
    "名前",
    "a-b",
    "a.b",
    "1abc",
    "_",
    "$x",
    "x" * 63,
    "é" * 32,
    "y" * 64,
]
PLAIN_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
NAMES = st.one_of(
    PLAIN_NAMES,
    PLAIN_NAMES,
    st.sampled_from(ODD_NAMES),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=8),
)

# --- scalars and SQL fragments ----------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates(),
    st.sampled_from(["", "'", "''", "\\", "$$", "--", "/*", ";", "NULL", "true", "0x1f"]),
)
ANY_VALUE = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NAMES, inner, max_size=3),
    max_leaves=6,
)

BASE_TYPES = [
    "integer",
    "int",
    "int4",
    "bigint",
    "smallint",
    "serial",
    "bigserial",
    "text",
    "varchar",
    "character varying",
    "uuid",
    "jsonb",
    "json",
    "boolean",
    "bool",
    "date",
    "timestamptz",
    "timestamp",
    "timestamp with time zone",
    "time",
    "interval",
    "inet",
    "cidr",
    "macaddr",
    "bytea",
    "real",
    "double precision",
    "money",
    "citext",
    "tsvector",
    "xml",
    "point",
    "oid",
]
MODIFIED_TYPES = ["varchar", "char", "character", "numeric", "decimal", "bit", "varbit", "time"]
MODIFIED_TYPES += ["timestamptz", "timestamp", "interval", "character varying"]


@st.composite
def types(draw: st.DrawFn, enums: list[str]) -> str:
    kind = draw(st.sampled_from(["base", "base", "modified", "enum", "odd"]))
    if kind == "enum" and enums:
        spelled = draw(st.sampled_from(enums))
    elif kind == "modified":
        base = draw(st.sampled_from(MODIFIED_TYPES))
        size = st.integers(-2, 2000) | st.sampled_from([0, 1, 10, 255, 10485760, 10485761])
        args = draw(st.lists(size, min_size=1, max_size=3))
        spelled = f"{base}({','.join(map(str, args))})"
    elif kind == "odd":
        spelled = draw(
            st.sampled_from(["nosuchtype", "varchar(", "numeric(a,b)", "int[][]", "", " "])
            | st.text(max_size=10)
        )
    else:
        spelled = draw(st.sampled_from(BASE_TYPES))
    if draw(st.integers(0, 5)) == 0:
        spelled += "[]"
    return spelled


def expressions(columns: list[str]) -> st.SearchStrategy[str]:
    """Boolean or value expressions over the table's columns, and text that is none."""
    column = st.sampled_from(columns) if columns else st.just("x")
    return st.one_of(
        column.map(lambda c: f"{_ident(c)} > 0"),
        column.map(lambda c: f"length({_ident(c)}) > 0"),
        column.map(lambda c: f"{_ident(c)} IS NOT NULL"),
        column.map(lambda c: f"{_ident(c)} <> ''"),
        st.sampled_from(["true", "1 = 1", "now() > '2020-01-01'", "x >", "select 1", ")", "'"]),
        st.text(max_size=15),
    )


DEFAULTS = st.one_of(
    st.sampled_from(
        [
            "now()",
            "gen_random_uuid()",
            "'x'",
            "'it''s'",
            "'{}'::jsonb",
            "0",
            "CURRENT_TIMESTAMP",
            "free",
            "1 +",
            "nextval('s')",
            "'2026-01-01'::date",
        ]
    ),
    SCALARS,
)


def _ident(name: str) -> str:
    """A name as a SQL expression would spell it (quoted unless plainly lower case and no
    keyword; pglast's keyword lists, not schemac's, so schemac's quoting is judged, not used)."""
    from pglast.keywords import UNRESERVED_KEYWORDS

    if re.fullmatch(r"[a-z_][a-z0-9_]*", name) and (
        name in UNRESERVED_KEYWORDS or not _is_keyword(name)
    ):
        return name
    return '"' + name.replace('"', '""') + '"'


def _is_keyword(name: str) -> bool:
    from pglast import keywords

    return name in (
        keywords.RESERVED_KEYWORDS | keywords.COL_NAME_KEYWORDS | keywords.TYPE_FUNC_NAME_KEYWORDS
    )


# --- schema objects ---------------------------------------------------------------------------


@st.composite
def columns(draw: st.DrawFn, tables: list[str], enums: list[str]) -> dict[str, Any]:
    names = draw(st.lists(NAMES, min_size=1, max_size=5, unique=True))
    result: dict[str, Any] = {}
    for name in names:
        spelled = draw(types(enums))
        if draw(st.booleans()):
            result[name] = spelled  # the short form
            continue
        column: dict[str, Any] = {"type": spelled}
        for key, strategy in (
            ("nullable", st.booleans()),
            ("default", DEFAULTS),
            ("primary_key", st.booleans()),
            ("unique", st.booleans()),
            ("check", expressions(names)),
            ("identity", st.sampled_from(["always", "by_default", "sometimes"])),
            ("generated", expressions(names)),
            ("collation", st.sampled_from(['"C"', "C", "en_US", "nosuch"])),
            ("description", st.text(max_size=20)),
            ("references", references(tables)),
        ):
            if draw(st.integers(0, 6)) == 0:
                column[key] = draw(strategy)
        result[name] = column
    return result


def references(tables: list[str]) -> st.SearchStrategy[Any]:
    table = st.sampled_from(tables) if tables else NAMES
    action = st.sampled_from(["cascade", "restrict", "set null", "SET_DEFAULT", "no action", "x"])
    return st.one_of(
        table,
        st.tuples(table, NAMES).map(lambda p: f"{p[0]}.{p[1]}"),
        st.fixed_dictionaries(
            {"table": table},
            optional={
                "column": NAMES,
                "on_delete": action,
                "on_update": action,
                "deferrable": st.sampled_from([True, False, "initially_deferred"]),
                "name": NAMES,
            },
        ),
    )


@st.composite
def indexes(draw: st.DrawFn, columns_: list[str]) -> dict[str, Any]:
    column = st.sampled_from(columns_) if columns_ else NAMES
    keys = draw(
        st.lists(column | column.map(lambda c: f"lower({_ident(c)})"), min_size=1, max_size=3)
    )
    index: dict[str, Any] = {"columns": keys}
    for key, strategy in (
        ("unique", st.booleans()),
        ("method", st.sampled_from(["btree", "hash", "gin", "gist", "brin", "spgist", "rtree"])),
        ("where", expressions(columns_)),
        ("include", st.lists(column, max_size=2)),
        ("name", NAMES),
        ("opclass", st.sampled_from(["text_pattern_ops", "gin_trgm_ops", "jsonb_path_ops"])),
    ):
        if draw(st.integers(0, 4)) == 0:
            index[key] = draw(strategy)
    return index


@st.composite
def partitioning(draw: st.DrawFn, columns_: list[str]) -> dict[str, Any]:
    column = st.sampled_from(columns_) if columns_ else NAMES
    kind = draw(st.sampled_from(["range", "list", "hash"]))
    keys = draw(st.lists(column, min_size=1, max_size=2, unique=True))
    table: dict[str, Any] = {"partition_by": {kind: keys}}
    if kind == "hash" and draw(st.booleans()):
        table["partition_by"]["modulus"] = draw(st.integers(-1, 9))
    if draw(st.booleans()):
        generate: dict[str, Any] = {}
        if kind == "range":
            generate["interval"] = draw(st.sampled_from(["day", "week", "month", "year", "hour"]))
            generate["start"] = draw(st.dates(datetime.date(1, 1, 1), datetime.date(9999, 1, 1)))
            generate["count"] = draw(st.integers(0, 30))
        else:
            generate["modulus"] = draw(st.integers(0, 9))
        if draw(st.booleans()):
            generate["default"] = draw(st.booleans())
        table["partitions"] = {"generate": generate}
    else:
        bound = st.one_of(st.dates(), st.integers(-5, 5), st.text(max_size=6), st.none())
        parts = st.one_of(
            st.fixed_dictionaries({"name": NAMES, "from": bound, "to": bound}),
            st.fixed_dictionaries({"name": NAMES, "values": st.lists(bound, max_size=3)}),
            st.fixed_dictionaries(
                {"name": NAMES, "modulus": st.integers(0, 9), "remainder": st.integers(-1, 9)}
            ),
            st.fixed_dictionaries({"name": NAMES, "default": st.booleans()}),
        )
        table["partitions"] = draw(st.lists(parts, max_size=3))
    return table


@st.composite
def tables(draw: st.DrawFn, names: list[str], enums: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name in names:
        table: dict[str, Any] = {}
        if draw(st.booleans()):
            traits = ["uuid_pk", "created_at", "timestamps", "soft_delete", "versioned"]
            traits += ["standard", "tenant_scoped", "audited", "money", "nosuch"]
            table["traits"] = draw(st.lists(st.sampled_from(traits), max_size=3))
        cols = draw(columns(names, enums))
        table["columns"] = cols
        written = list(cols)
        column = st.sampled_from(written)
        options: list[tuple[str, st.SearchStrategy[Any]]] = [
            ("description", st.text(max_size=30)),
            ("primary_key", st.lists(column, min_size=1, max_size=2)),
            ("unique", st.lists(st.lists(column, min_size=1, max_size=2), max_size=2)),
            ("checks", st.dictionaries(NAMES, expressions(written), max_size=2)),
            ("indexes", st.lists(indexes(written), max_size=3)),
            (
                "foreign_keys",
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "columns": st.lists(column, min_size=1, max_size=2),
                            "references": st.fixed_dictionaries(
                                {
                                    "table": st.sampled_from(names),
                                    "columns": st.lists(NAMES, min_size=1, max_size=2),
                                }
                            ),
                        },
                        optional={"on_delete": st.sampled_from(["cascade", "set null"])},
                    ),
                    max_size=2,
                ),
            ),
            (
                "rls",
                st.fixed_dictionaries(
                    {},
                    optional={
                        "enabled": st.booleans(),
                        "force": st.booleans(),
                        "policies": st.dictionaries(
                            NAMES,
                            st.fixed_dictionaries(
                                {"using": expressions(written)},
                                optional={
                                    "command": st.sampled_from(["all", "select", "insert"]),
                                    "with_check": expressions(written),
                                    "roles": st.lists(NAMES, max_size=2),
                                },
                            ),
                            max_size=2,
                        ),
                    },
                ),
            ),
            ("schema", st.sampled_from(["public", "billing", "Odd Schema"])),
        ]
        for key, strategy in options:
            if draw(st.integers(0, 4)) == 0:
                table[key] = draw(strategy)
        if draw(st.integers(0, 5)) == 0:
            table.update(draw(partitioning(written)))
        result[name] = table
    return result


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """One spec document drawn from the whole format, with little regard for what resolves:
    most are refused, which is the point (every refusal must be located)."""
    doc: dict[str, Any] = {"spec_type": "database-schema", "title": draw(st.text(max_size=10))}
    if draw(st.integers(0, 3)) == 0:
        doc["extensions"] = draw(
            st.lists(st.sampled_from(["pgcrypto", "citext", "pg_trgm", "nosuch"]), max_size=2)
        )
    enum_names = draw(st.lists(NAMES, max_size=2, unique=True))
    if enum_names:
        values = st.lists(NAMES | st.sampled_from(["", "a'b", "a b"]), min_size=0, max_size=4)
        doc["enums"] = {
            name: draw(values | st.fixed_dictionaries({"values": values})) for name in enum_names
        }
    table_names = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    doc["tables"] = draw(tables(table_names, enum_names))
    table = st.sampled_from(table_names)
    if draw(st.integers(0, 2)) == 0:
        query = st.one_of(
            table.map(lambda t: f"SELECT * FROM {_ident(t)}"),
            table.map(lambda t: f"SELECT count(*) AS n FROM {_ident(t)}"),
            st.sampled_from(["SELECT 1", "SELECT", "not sql", "SELECT * FROM nosuch"]),
        )
        doc["views"] = draw(
            st.dictionaries(NAMES, st.fixed_dictionaries({"query": query}), min_size=1, max_size=2)
        )
        if draw(st.booleans()):
            doc["materialized_views"] = draw(
                st.dictionaries(
                    NAMES,
                    st.fixed_dictionaries(
                        {"query": query},
                        optional={
                            "indexes": st.lists(indexes(["n", "id"]), max_size=1),
                            "refresh": st.fixed_dictionaries(
                                {"every": st.sampled_from(["1h", "x"])},
                                optional={"concurrently": st.booleans()},
                            ),
                        },
                    ),
                    min_size=1,
                    max_size=2,
                )
            )
    if draw(st.integers(0, 3)) == 0:
        doc["functions"] = {
            "touch": {
                "returns": draw(st.sampled_from(["trigger", "integer", "nosuch"])),
                "language": draw(st.sampled_from(["plpgsql", "sql"])),
                "body": draw(
                    st.sampled_from(
                        ["BEGIN\n  RETURN NEW;\nEND;", "SELECT 1", "$$", "BEGIN", "$x$ ;"]
                    )
                ),
            }
        }
        doc["triggers"] = {
            draw(NAMES): {
                "table": draw(table),
                "timing": draw(st.sampled_from(["before", "after", "instead of", "never"])),
                "events": draw(
                    st.lists(
                        st.sampled_from(["insert", "update", "delete", "truncate"]),
                        min_size=1,
                        max_size=2,
                    )
                ),
                "function": draw(st.sampled_from(["touch", "nosuch"])),
            }
        }
    if draw(st.integers(0, 2)) == 0:
        seeded = draw(table)
        seeded_columns = list(doc["tables"][seeded]["columns"])
        column = st.sampled_from(seeded_columns)
        doc["seed"] = {
            seeded: {
                "key": draw(st.one_of(st.none(), st.lists(column, min_size=1, max_size=2))),
                "on_conflict": draw(st.sampled_from(["nothing", "update"])),
                "update": draw(st.one_of(st.none(), st.lists(column, max_size=2))),
                "rows": draw(
                    st.lists(st.dictionaries(column, ANY_VALUE, min_size=1), min_size=1, max_size=3)
                ),
            }
        }
    return doc


# --- sound documents: what resolves, so render is reached -------------------------------------

#: names PostgreSQL takes (quoted where needed): keywords, case, quotes, unicode, 63 bytes
SOUND_NAMES = st.one_of(
    PLAIN_NAMES,
    PLAIN_NAMES,
    PLAIN_NAMES,
    st.sampled_from([n for n in ODD_NAMES if len(n.encode()) <= 63 and "." not in n]),
)
TEXT = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=10),
    st.sampled_from(["'", "''", "\\", "$$", "$a$", "--", "/*", ";", "é", "\u2028", "%s"]),
)
#: type -> (defaults, check with {c} for the column, seed values)
KINDS: dict[str, tuple[list[Any], str | None, st.SearchStrategy[Any]]] = {
    "integer": (["0", 7, -1], "{c} >= 0", st.integers(-(2**31), 2**31 - 1)),
    "bigint": ([0], "{c} <> 0", st.integers(-(2**63), 2**63 - 1)),
    "smallint": ([1], None, st.integers(-32768, 32767)),
    "numeric(19,4)": (["0", 1.5], "{c} >= 0", st.integers(-(10**6), 10**6)),
    "numeric(10,2)": ([0.5], "{c} < 100", st.floats(-1e6, 1e6, allow_nan=False)),
    "varchar(255)": (["'x'", "''", "'it''s'"], "length({c}) > 0", TEXT),
    "varchar(40)": (["'a''b'"], "{c} <> ''", TEXT),
    "text": (["'a\\b'", "'$$'", "'é'"], "{c} <> ''", TEXT),
    "char(3)": (["'USD'"], None, st.text("ABC", min_size=3, max_size=3)),
    "boolean": ([True, False, "false"], "{c}", st.booleans()),
    "timestamptz": (["now()", "CURRENT_TIMESTAMP"], None, st.datetimes()),
    "timestamptz(3)": (["now()"], None, st.datetimes().map(str)),
    "date": (["CURRENT_DATE", "'2026-01-01'"], None, st.dates()),
    "uuid": (["gen_random_uuid()"], None, st.uuids().map(str)),
    "jsonb": (["'{}'::jsonb", "'[]'::jsonb"], None, st.dictionaries(PLAIN_NAMES, TEXT, max_size=2)),
    "text[]": (["'{}'"], "cardinality({c}) >= 0", st.lists(TEXT, max_size=3)),
    "inet": ([], None, st.sampled_from(["10.0.0.1", "::1"])),
    "interval": (["'1 day'"], None, st.sampled_from(["1 day", "2 hours"])),
    "double precision": ([0, 1.5], "{c} >= 0", st.floats(allow_nan=False, allow_infinity=False)),
}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@st.composite
def sound_columns(
    draw: st.DrawFn, enums: dict[str, list[str]], taken: set[str]
) -> tuple[dict[str, Any], dict[str, st.SearchStrategy[Any]], list[tuple[str, str]]]:
    """(columns, seed values per column, (column, type) pairs)."""
    names = draw(st.lists(SOUND_NAMES.filter(lambda n: n not in taken), max_size=5, unique=True))
    written: dict[str, Any] = {}
    seeds: dict[str, st.SearchStrategy[Any]] = {}
    typed: list[tuple[str, str]] = []
    for name in names:
        if enums and draw(st.integers(0, 4)) == 0:
            enum = draw(st.sampled_from(sorted(enums)))
            values = enums[enum]
            spelled, defaults, check = enum, [_literal(v) for v in values], None
            seeds[name] = st.sampled_from(values)
        else:
            spelled = draw(st.sampled_from(sorted(KINDS)))
            defaults, check, seeds[name] = KINDS[spelled]
        typed.append((name, spelled))
        if draw(st.integers(0, 2)) == 0:
            written[name] = spelled
            continue
        column: dict[str, Any] = {"type": spelled}
        if draw(st.booleans()):
            column["nullable"] = draw(st.booleans())
        if defaults and draw(st.integers(0, 2)) == 0:
            column["default"] = draw(st.sampled_from(defaults))
        if check and draw(st.integers(0, 3)) == 0:
            column["check"] = check.format(c=_ident(name))
        if draw(st.integers(0, 5)) == 0:
            column["unique"] = True
        if draw(st.integers(0, 4)) == 0:
            column["description"] = draw(TEXT)
        if spelled in ("text", "varchar(40)") and draw(st.integers(0, 5)) == 0:
            column["collation"] = "C"
        written[name] = column
    return written, seeds, typed


@st.composite
def sound_tables(
    draw: st.DrawFn, names: list[str], enums: dict[str, list[str]]
) -> tuple[dict[str, Any], dict[str, dict[str, st.SearchStrategy[Any]]]]:
    """(tables, seed values per table and column). Each table has the key `id` (uuid_pk or an
    integer), so any other may reference it; partitioned tables are never referenced."""
    tables_: dict[str, Any] = {}
    seeds: dict[str, dict[str, st.SearchStrategy[Any]]] = {}
    key_types: dict[str, str] = {}
    partitioned = set(draw(st.lists(st.sampled_from(names), max_size=1)))
    for name in names:
        table: dict[str, Any] = {}
        traits = draw(
            st.lists(
                st.sampled_from(["created_at", "timestamps", "soft_delete", "versioned"]),
                max_size=2,
                unique=True,
            )
        )
        own: dict[str, Any] = {}
        if draw(st.booleans()):
            traits.insert(0, "uuid_pk")
            key_types[name] = "uuid"
            key_seed: st.SearchStrategy[Any] = st.uuids().map(str)
        else:
            kind = draw(st.sampled_from(["bigint", "integer"]))
            key_types[name] = kind
            key = {"type": kind, "primary_key": True}
            if draw(st.booleans()):
                key["identity"] = draw(st.sampled_from(["always", "by_default"]))
            own["id"] = key
            key_seed = st.integers(1, 10**6)
        if traits:
            table["traits"] = traits
        taken = {"id", "created_at", "updated_at", "deleted_at", "version"}
        written, column_seeds, typed = draw(sound_columns(enums, taken))
        own.update(written)
        column_seeds["id"] = key_seed
        targets = [t for t in names if t not in partitioned and t in key_types]
        for target in draw(st.lists(st.sampled_from(targets), max_size=2)) if targets else []:
            fk = f"{target}_ref" if re.fullmatch(r"[a-z_]+", target) else draw(SOUND_NAMES)
            if fk in own or fk in taken:
                continue
            reference: Any = target
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", target) or draw(st.booleans()):
                reference = {"table": target}
                if draw(st.booleans()):
                    reference["on_delete"] = draw(
                        st.sampled_from(["cascade", "restrict", "set null"])
                    )
            own[fk] = {"type": key_types[target], "nullable": True, "references": reference}
            typed.append((fk, key_types[target]))
        table["columns"] = own
        plain = [c for c, _ in typed]
        texts_ = [c for c, t in typed if t in ("text", "varchar(255)", "varchar(40)")]
        if plain and draw(st.booleans()):
            index_list: list[dict[str, Any]] = []
            kinds: set[str] = set()
            for _ in range(draw(st.integers(1, 3))):
                if name in partitioned:
                    break  # a unique index would need the partition key; a plain one is enough
                kind = draw(st.sampled_from(["btree", "unique", "partial", "expression", "gin"]))
                keys = draw(st.lists(st.sampled_from(plain), min_size=1, max_size=2, unique=True))
                index: dict[str, Any] = {"columns": keys}
                if kind == "unique":
                    index["unique"] = True
                elif kind == "partial":
                    index["where"] = f"{_ident(keys[0])} IS NOT NULL"
                elif kind == "expression" and texts_ and "expression" not in kinds:
                    kinds.add(kind)  # a second one may well derive the same name
                    index["columns"] = [f"lower({_ident(draw(st.sampled_from(texts_)))})"]
                elif kind == "gin":
                    gin = [c for c, t in typed if t in ("jsonb", "text[]")]
                    if gin:
                        index = {"columns": [draw(st.sampled_from(gin))], "method": "gin"}
                if draw(st.integers(0, 4)) == 0 and kind != "gin":
                    index["include"] = [draw(st.sampled_from(["id", *plain]))]
                if index not in index_list:  # the same index twice has the same name
                    index_list.append(index)
            table["indexes"] = index_list
        checked = [(c, t) for c, t in typed if t in KINDS and KINDS[t][1]]
        if checked and draw(st.integers(0, 3)) == 0:
            column, spelled = draw(st.sampled_from(checked))
            check_sql = KINDS[spelled][1]
            assert check_sql is not None
            table["checks"] = {draw(SOUND_NAMES): check_sql.format(c=_ident(column))}
        if len(plain) > 1 and name not in partitioned and draw(st.integers(0, 4)) == 0:
            # two columns or more: one would be named like the column's own `unique: true`
            table["unique"] = [draw(st.lists(st.sampled_from(plain), min_size=2, unique=True))]
        if draw(st.integers(0, 5)) == 0 and plain:
            table["rls"] = {
                "enabled": True,
                "force": draw(st.booleans()),
                "policies": {
                    draw(SOUND_NAMES): {
                        "command": draw(st.sampled_from(["all", "select", "update"])),
                        "using": f"{_ident(plain[0])} IS NOT NULL",
                    }
                },
            }
        if draw(st.integers(0, 3)) == 0:
            table["description"] = draw(TEXT)
        if name in partitioned:
            _partition(draw, table, key_types[name])
        tables_[name] = table
        if name not in partitioned and own.get("id", {}).get("identity") != "always":
            seeds[name] = column_seeds
    return tables_, seeds


def _partition(draw: st.DrawFn, table: dict[str, Any], key_type: str) -> None:
    """Make the table partitioned: its primary key holds the partition key, and no unique
    constraint is left (each would have to hold it too)."""
    own = table["columns"]
    for column in own.values():
        if isinstance(column, dict):
            column.pop("unique", None)
    own.pop("id", None)
    table["traits"] = [t for t in table.get("traits", []) if t != "uuid_pk"]
    own["id"] = {"type": key_type}
    kind = draw(st.sampled_from(["range", "hash", "list"]))
    if kind == "range":
        own["at"] = "timestamptz"
        table["primary_key"] = ["id", "at"]
        table["partition_by"] = {"range": ["at"]}
        table["partitions"] = {
            "generate": {
                "interval": draw(st.sampled_from(["day", "week", "month", "year"])),
                "start": draw(st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 1, 1))),
                "count": draw(st.integers(1, 3)),
                "default": draw(st.booleans()),
            }
        }
    elif kind == "hash":
        table["primary_key"] = ["id"]
        table["partition_by"] = {"hash": ["id"]}
        table["partitions"] = {"generate": {"modulus": draw(st.integers(1, 4))}}
    else:
        own["region"] = "text"
        table["primary_key"] = ["id", "region"]
        table["partition_by"] = {"list": ["region"]}
        values = draw(st.lists(TEXT, min_size=1, max_size=3, unique=True))
        table["partitions"] = [
            {"name": f"part_{i}", "values": [value]} for i, value in enumerate(values)
        ] + [{"name": "part_default", "default": True}]


def _required(column: Any) -> bool:
    """A column a seed row must set: NOT NULL without a default (or an identity)."""
    if isinstance(column, str):
        return True
    return not column.get("nullable") and not {"default", "identity", "primary_key"} & set(column)


@st.composite
def sound_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A spec the pipeline should compile (a few still fail resolve: that must be located)."""
    doc: dict[str, Any] = {"spec_type": "database-schema", "title": draw(TEXT)}
    if draw(st.integers(0, 4)) == 0:
        doc["schema"] = draw(st.sampled_from(["billing", "Odd Schema", "public"]))
    doc["extensions"] = ["pgcrypto"]
    enum_names = draw(st.lists(PLAIN_NAMES, max_size=2, unique=True))
    enums = {
        name: draw(
            st.lists(
                SOUND_NAMES | st.sampled_from(["a b", "it's", "É"]),
                min_size=1,
                max_size=4,
                unique=True,
            )
        )
        for name in enum_names
    }
    if enums:
        doc["enums"] = {
            name: values if draw(st.booleans()) else {"values": values, "description": draw(TEXT)}
            for name, values in enums.items()
        }
    table_names = draw(
        st.lists(SOUND_NAMES.filter(lambda n: n not in enums), min_size=1, max_size=4, unique=True)
    )
    doc["tables"], seeds = draw(sound_tables(table_names, enums))
    if draw(st.integers(0, 3)) == 0:
        # a trait of the spec's own: its columns (and an index on them) join the tables using it
        doc["traits"] = {
            "money_amount": {
                "columns": {
                    "amount": {"type": "numeric(19,4)", "default": 0},
                    "currency": {"type": "char(3)", "default": "'USD'"},
                },
                "indexes": [{"columns": ["currency"]}],
            }
        }
        for name in draw(st.lists(st.sampled_from(table_names), max_size=2, unique=True)):
            user = doc["tables"][name]
            if "partition_by" not in user and not {"amount", "currency"} & set(user["columns"]):
                user["traits"] = [*user.get("traits", []), "money_amount"]
    table = st.sampled_from(table_names)
    if draw(st.integers(0, 2)) == 0:
        viewed = draw(table)
        doc["views"] = {
            draw(SOUND_NAMES.filter(lambda n: n not in table_names)): {
                "query": f"SELECT * FROM {_ident(viewed)}",
                "description": draw(TEXT),
            }
        }
    if draw(st.integers(0, 3)) == 0:
        viewed = draw(table)
        name = draw(
            SOUND_NAMES.filter(lambda n: n not in table_names and n not in doc.get("views", {}))
        )
        doc["materialized_views"] = {
            name: {
                "query": f"SELECT id, count(*) AS n FROM {_ident(viewed)} GROUP BY id",
                "indexes": [{"columns": ["id"], "unique": True}],
                "refresh": {"every": "1h", "concurrently": True},
            }
        }
    if draw(st.integers(0, 3)) == 0:
        doc["functions"] = {
            "touch": {
                "returns": "trigger",
                "language": "plpgsql",
                "body": "BEGIN\n  NEW.id = NEW.id;\n  RETURN NEW;\nEND;\n",
            }
        }
        events = st.sampled_from(["insert", "update", "delete"])
        doc["triggers"] = {
            draw(SOUND_NAMES): {
                "table": draw(table),
                "timing": draw(st.sampled_from(["before", "after"])),
                "events": draw(st.lists(events, min_size=1, max_size=3, unique=True)),
                "function": "touch",
            }
        }
    if seeds and draw(st.integers(0, 2)) == 0:
        seeded = draw(st.sampled_from(sorted(seeds)))
        values = seeds[seeded]
        columns_ = st.sampled_from(sorted(values))
        required = [c for c, v in doc["tables"][seeded]["columns"].items() if _required(v)]
        rows = []
        for key in draw(st.lists(values["id"], min_size=1, max_size=3, unique=True)):
            chosen = draw(st.lists(columns_, max_size=4, unique=True))
            rows.append({c: draw(values[c]) for c in [*required, *chosen]} | {"id": key})
        block: dict[str, Any] = {
            "key": ["id"],
            "on_conflict": draw(st.sampled_from(["nothing", "update"])),
            "rows": rows,
        }
        written = sorted({c for row in rows for c in row} - {"id"})
        if draw(st.integers(0, 3)) == 0:
            block = {"rows": rows}  # no key: ON CONFLICT DO NOTHING
        elif written and draw(st.booleans()):
            del block["on_conflict"]
            block["update"] = draw(st.lists(st.sampled_from(written), max_size=2, unique=True))
        doc["seed"] = {seeded: block}
    return doc


# --- mutations --------------------------------------------------------------------------------


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, doc: dict[str, Any]) -> dict[str, Any]:
    """The document with a few keys deleted, values replaced or keys renamed."""
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        action = draw(st.sampled_from(["delete", "replace", "replace", "rename"]))
        if action == "delete":
            del parent[last]
        elif action == "replace":
            parent[last] = draw(ANY_VALUE)
        elif isinstance(parent, dict):
            parent[draw(NAMES)] = parent.pop(last)
    return doc


@st.composite
def texts(draw: st.DrawFn, doc: dict[str, Any]) -> str:
    """The document as YAML (block or flow style), sometimes with a line duplicated (a
    duplicate key, mostly) or dropped."""
    text = yaml.safe_dump(
        doc,
        sort_keys=False,
        allow_unicode=draw(st.booleans()),
        width=draw(st.sampled_from([80, 1000])),
        default_flow_style=draw(st.sampled_from([False, None])),
    )
    lines = text.splitlines(keepends=True)
    edit = draw(st.sampled_from(["none", "none", "none", "duplicate", "drop"]))
    if edit != "none" and len(lines) > 2:
        at = draw(st.integers(2, len(lines) - 1))
        lines[at : at + 1] = [lines[at]] * 2 if edit == "duplicate" else []
    return "".join(lines)


@st.composite
def spec_files(draw: st.DrawFn) -> tuple[str, str]:
    """(file name, contents): plain YAML, or Markdown front-matter, with or without a BOM."""
    doc = draw(sound_documents() if draw(st.integers(0, 2)) else documents())
    if draw(st.integers(0, 3)) == 0:
        doc = draw(mutated(doc))
    text = draw(texts(doc))
    form = draw(st.sampled_from(["yaml", "yaml", "md", "bom-md", "bom-yaml"]))
    bom = "\ufeff" if form.startswith("bom") else ""
    if form.endswith("md"):
        return "spec.md", f"{bom}---\n{text}---\n\n# Prose\n"
    return "spec.yaml", bom + text


# --- the property -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """How one build ended (its SQL or its diagnostics already checked when it did not crash)."""

    exit_code: int
    #: the traceback of an exception the build raised, or ""
    crash: str
    stderr: str


def build(name: str, text: str) -> Outcome:
    """Run `schemac build --no-lint` on one spec file and check the outcome's promises."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        specs = root / "specs"
        specs.mkdir()
        (specs / name).write_text(text, encoding="utf-8")
        out = root / "migrations"
        result = CliRunner().invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            assert result.exc_info is not None
            crash = "".join(traceback.format_exception(*result.exc_info))
            return Outcome(result.exit_code, crash, result.stderr)
        if result.exit_code == 0:
            _check_sql(out, result.stdout)
        elif result.exit_code == 2:
            _check_located(specs, result.stderr)
        return Outcome(result.exit_code, "", result.stderr)


def _check_sql(out: Path, stdout: str) -> None:
    from pglast import parser

    emitted = sorted(out.glob("*.sql"))
    # a spec whose spec_type went missing is skipped with a notice: nothing to build
    assert emitted or stdout.startswith("nothing to do"), f"exit 0 wrote no migration:\n{stdout}"
    for path in emitted:
        parser.parse_sql(path.read_text(encoding="utf-8"))


def _check_located(specs: Path, stderr: str) -> None:
    _, diagnostics = load_schema(specs, Settings())
    errors = [d for d in diagnostics if d.is_error]
    assert errors, f"exit 2 without an error diagnostic:\n{stderr}"
    for d in errors:
        assert d.span is not None and d.span.line >= 1 and d.span.col >= 1, d
        assert Path(d.span.path).name.startswith("spec."), d
    assert not re.search(r"^[A-Z]+[0-9]+ error:", stderr, re.MULTILINE), stderr


@dataclass(frozen=True)
class Regression:
    """A crash the property found, outside load/: its minimal spec and how to recognise it."""

    spec: str
    #: a regular expression that finds this crash, and only it, in the traceback (the
    #: exception's type, the template or function at fault, the message)
    signature: str
    reason: str
    name: str = "spec.yaml"

    def matches(self, crash: str) -> bool:
        return re.search(self.signature, crash) is not None


#: crashes to fix in resolve/, spec/ or render/ (owned elsewhere); the property tolerates each
REGRESSIONS: list[Regression] = []

#: crashes the fuzzer found that are fixed: each must now build or be reported
FIXED: list[Regression] = [
    Regression(
        spec="""\
spec_type: database-schema
title: T
schema: Odd Schema
enums:
  mood: [a]
tables:
  t:
    columns: {m: mood}
""",
        signature=r"TypeSyntaxError: '[^']* [^']*' is not a type",
        reason="an enum in a schema whose name holds a space resolves to the type"
        " 'Odd Schema.mood', which render's parse_type refuses (TypeSyntaxError)",
    ),
]


def _known(crash: str) -> bool:
    return any(r.matches(crash) for r in REGRESSIONS)


def _assert_promises(outcome: Outcome, name: str, text: str) -> None:
    if outcome.crash:
        if _known(outcome.crash):
            return
        pytest.fail(f"build crashed on {name}:\n{text}\n{outcome.crash}")
    assert outcome.exit_code in (0, 2), (
        f"exit {outcome.exit_code} on {name}:\n{text}\n{outcome.stderr}"
    )


FUZZ = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@FUZZ
@given(spec_files())
def test_every_generated_spec_builds_or_is_reported_at_its_position(file: tuple[str, str]) -> None:
    name, text = file
    _assert_promises(build(name, text), name, text)


@pytest.mark.parametrize(
    "regression",
    [
        *(
            pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=r.reason), id=str(i))
            for i, r in enumerate(REGRESSIONS)
        ),
        *(pytest.param(r, id=f"fixed-{i}") for i, r in enumerate(FIXED)),
    ],
)
def test_regressions_found_by_the_fuzzer(regression: Regression) -> None:
    outcome = build(regression.name, regression.spec)
    assert not outcome.crash, outcome.crash
    assert outcome.exit_code in (0, 2), outcome.stderr


def test_each_regression_signature_recognises_its_own_crash() -> None:
    # the property tolerates what a signature matches: a signature must match its own crash
    for regression in REGRESSIONS:
        outcome = build(regression.name, regression.spec)
        if outcome.crash:
            assert _known(outcome.crash) and regression.matches(outcome.crash), outcome.crash
