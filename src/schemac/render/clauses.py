"""SQL clauses shared by several change kinds (column definitions, foreign keys, index keys).

Pure string builders over model values: every identifier goes through quote_ident/qualify and
every text literal through quote_literal; SQL fragments the model holds verbatim (defaults,
expressions) are placed as they are once `fragment` has seen that they cannot end or change the
statement around them (model/fragments.py).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Protocol

from schemac.model import fragments
from schemac.model.canonical import utc_literal, zoned_keys
from schemac.model.names import (
    MIGRATION_DIRECTIVE,
    escape_char,
    qualify,
    quote_ident,
    quote_literal,
    quote_operator,
)
from schemac.model.schema import (
    Column,
    Exclusion,
    ForeignKey,
    Index,
    IndexPart,
    Partition,
    SeedTable,
    Table,
    default_sequence_options,
)
from schemac.model.types import sql_type
from schemac.render.check import UnsafeFragment


def fragment(text: str, what: str = "SQL expression") -> str:
    """Raw SQL of the model, as it is, once it is known not to end or change its statement."""
    problem = fragments.fragment_problem(text)
    if problem is not None:
        raise UnsafeFragment(what, text, problem)
    return text


def idents(names: Sequence[str]) -> str:
    return ", ".join(quote_ident(n) for n in names)


def dotted(name: str) -> str:
    """A possibly qualified name written as text (`pg_catalog.text_ops`), each part quoted."""
    return ".".join(quote_ident(part) for part in name.split("."))


def on_table(schema: str | None, table: str) -> str:
    """The table a trigger or policy is on: `table` is its name in `schema`, never split (a
    table may be named `audit.log`; its schema is always given apart)."""
    return qualify(schema, table)


def column(column: Column) -> str:
    parts = [quote_ident(column.name), sql_type(column.type)]
    if column.collation is not None:
        parts.append(f"COLLATE {dotted(column.collation)}")
    # identity columns are NOT NULL by definition; PostgreSQL reports them so without the clause
    if not column.nullable and column.identity is None:
        parts.append("NOT NULL")
    if column.default is not None:
        parts.append(f"DEFAULT {fragment(column.default, 'default')}")
    if column.identity is not None:
        parts.append(identity(column))
    if column.generated is not None:
        parts.append(f"GENERATED ALWAYS AS ({fragment(column.generated)}) STORED")
    return " ".join(parts)


def identity(column: Column) -> str:
    """`GENERATED ... AS IDENTITY`, with the options that differ from PostgreSQL's for the
    column's type (and the direction of the increment) in parentheses."""
    how = "ALWAYS" if column.identity == "always" else "BY DEFAULT"
    text = f"GENERATED {how} AS IDENTITY"
    options = column.identity_options
    if options is None:
        return text
    usual = default_sequence_options(column.type, options.increment)
    said = sequence_clauses(options, usual.model_copy(update={"increment": 1}))
    return f"{text} ({' '.join(said)})" if said else text


class SequenceLike(Protocol):
    """The options a sequence of its own and an identity's sequence both have."""

    @property
    def start(self) -> int: ...
    @property
    def increment(self) -> int: ...
    @property
    def min_value(self) -> int: ...
    @property
    def max_value(self) -> int: ...
    @property
    def cache(self) -> int: ...
    @property
    def cycle(self) -> bool: ...


def sequence_clauses(
    options: SequenceLike, before: SequenceLike | None = None, *, said: Collection[str] = ()
) -> list[str]:
    """INCREMENT BY, MINVALUE, MAXVALUE, START WITH, CACHE and [NO] CYCLE of `options`, in the
    order CREATE and ALTER SEQUENCE (and an identity's options) write them: those that differ
    from `before` or are named in `said`, or every one when `before` is None."""
    clauses = (
        ("increment", f"INCREMENT BY {options.increment}"),
        ("min_value", f"MINVALUE {options.min_value}"),
        ("max_value", f"MAXVALUE {options.max_value}"),
        ("start", f"START WITH {options.start}"),
        ("cache", f"CACHE {options.cache}"),
        ("cycle", "CYCLE" if options.cycle else "NO CYCLE"),
    )
    return [
        words
        for field, words in clauses
        if before is None or field in said or getattr(options, field) != getattr(before, field)
    ]


def deferral(deferrable: bool, initially_deferred: bool) -> str:
    if initially_deferred:
        return " DEFERRABLE INITIALLY DEFERRED"
    return " DEFERRABLE" if deferrable else ""


def foreign_key(fk: ForeignKey) -> str:
    """The FOREIGN KEY ... REFERENCES ... definition, shared by CREATE TABLE and ALTER TABLE."""
    text = (
        f"FOREIGN KEY ({idents(fk.columns)}) "
        f"REFERENCES {qualify(fk.ref_schema, fk.ref_table)} ({idents(fk.ref_columns)})"
    )
    # "no action" is PostgreSQL's default: writing it would only add noise
    if fk.on_delete != "no action":
        text += f" ON DELETE {fk.on_delete.upper()}"
    if fk.on_update != "no action":
        text += f" ON UPDATE {fk.on_update.upper()}"
    return text + deferral(fk.deferrable, fk.initially_deferred)


def exclusion(ex: Exclusion) -> str:
    """The EXCLUDE USING ... definition, shared by CREATE TABLE and ALTER TABLE."""
    elements = []
    for element in ex.elements:
        part = index_part(
            IndexPart(column=element.column, expression=element.expression, opclass=element.opclass)
        )
        quote_operator(None, element.operator)  # checks the symbol (an operator is no identifier)
        elements.append(f"{part} WITH {element.operator_text}")
    text = f"EXCLUDE USING {ex.method} ({', '.join(elements)})"
    if ex.include:
        text += f" INCLUDE ({idents(ex.include)})"
    if ex.where is not None:
        text += f" WHERE ({fragment(ex.where, 'predicate')})"
    return text + deferral(ex.deferrable, ex.initially_deferred)


def table_elements(table: Table, inline_fks: Sequence[ForeignKey]) -> list[str]:
    elements = [column(col) for col in table.columns]
    if table.primary_key is not None:
        pk = table.primary_key
        elements.append(f"CONSTRAINT {quote_ident(pk.name)} PRIMARY KEY ({idents(pk.columns)})")
    for uq in table.uniques:
        elements.append(
            f"CONSTRAINT {quote_ident(uq.name)} UNIQUE ({idents(uq.columns)})"
            + deferral(uq.deferrable, uq.initially_deferred)
        )
    for check in table.checks:
        if not check.valid:
            continue  # added NOT VALID after the table (AddConstraint)
        elements.append(
            f"CONSTRAINT {quote_ident(check.name)} CHECK ({fragment(check.expression)})"
        )
    for ex in table.exclusions:
        elements.append(f"CONSTRAINT {quote_ident(ex.name)} {exclusion(ex)}")
    for fk in inline_fks:
        elements.append(f"CONSTRAINT {quote_ident(fk.name)} {foreign_key(fk)}")
    return elements


_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def option_value(text: str) -> str:
    """A storage parameter's value: a number as it is, any other text as a literal."""
    return text if _NUMBER.fullmatch(text) else quote_literal(text)


def options(pairs: Sequence[tuple[str, str]]) -> str:
    """`name=value, ...` of WITH (...) and SET (...)."""
    return ", ".join(f"{quote_ident(name)}={option_value(value)}" for name, value in pairs)


def storage(pairs: Sequence[tuple[str, str]]) -> str:
    """` WITH (...)` of CREATE TABLE and CREATE INDEX, or nothing."""
    return f" WITH ({options(pairs)})" if pairs else ""


def partition_by(table: Table) -> str:
    spec = table.partitioning
    if spec is None:
        return ""
    columns = {col.name for col in table.columns}
    # a key naming a column is an identifier; anything else is an expression, which PostgreSQL
    # only accepts in parentheses
    keys = ", ".join(quote_ident(k) if k in columns else f"({fragment(k)})" for k in spec.keys)
    return f" PARTITION BY {spec.strategy.upper()} ({keys})"


def literals(values: Sequence[str]) -> str:
    """SQL literals of the model (partition bounds, seed values), comma-separated."""
    return ", ".join(fragment(v, "literal") for v in values)


def partition_bound(partition: Partition, zoned: Sequence[bool] = ()) -> str:
    """The FOR VALUES clause; a bound of a `timestamptz` key (`zoned`, per key as
    canonical.zoned_keys gives it) is written with its UTC offset, so that no session TimeZone
    moves it."""
    if partition.default:
        return "DEFAULT"
    if partition.values is not None:
        values = partition.values
        if zoned and zoned[0]:
            values = tuple(utc_literal(v) for v in values)
        return f"FOR VALUES IN ({literals(values)})"
    if partition.modulus is not None and partition.remainder is not None:
        return f"FOR VALUES WITH (MODULUS {partition.modulus}, REMAINDER {partition.remainder})"
    if partition.range_from is not None and partition.range_to is not None:
        return (
            f"FOR VALUES FROM ({literals(_in_utc(partition.range_from, zoned))}) "
            f"TO ({literals(_in_utc(partition.range_to, zoned))})"
        )
    raise ValueError(f"partition {partition.name} has no bound")


def partition_constraint(table: Table, partition: Partition) -> str | None:
    """A CHECK expression equal to the constraint PostgreSQL derives from the partition's bound
    (partbounds.c, get_qual_for_list / get_qual_for_range), in the same shape: once such a check
    is validated, ATTACH PARTITION finds its constraint implied and skips the scan. None for a
    default or hash bound (the hash constraint names the parent's OID)."""
    spec = table.partitioning
    if spec is None or partition.default or partition.modulus is not None:
        return None
    columns = {col.name for col in table.columns}
    keys = [quote_ident(k) if k in columns else f"({fragment(k)})" for k in spec.keys]
    zoned = zoned_keys(table)
    if partition.values is not None:
        values = partition.values
        if zoned and zoned[0]:
            values = tuple(utc_literal(v) for v in values)
        known = [v for v in values if v.upper() != "NULL"]
        test = f"{keys[0]} = ANY (ARRAY[{literals(known)}])" if known else None
        if len(known) == len(values):
            return f"{keys[0]} IS NOT NULL AND {test}"
        return f"{keys[0]} IS NULL OR {test}" if test else f"{keys[0]} IS NULL"
    if partition.range_from is None or partition.range_to is None:
        return None
    lower, upper = _in_utc(partition.range_from, zoned), _in_utc(partition.range_to, zoned)
    arms = [f"{k} IS NOT NULL" for k in keys]
    i = 0
    # a common prefix of both bounds is an equality, as PostgreSQL writes it
    while i < len(keys) - 1 and lower[i] == upper[i] and lower[i].upper() not in _ENDS:
        arms.append(f"{keys[i]} = {fragment(lower[i], 'literal')}")
        i += 1
    for side in (_range_side(keys[i:], lower[i:], ">"), _range_side(keys[i:], upper[i:], "<")):
        if side is not None:
            arms.append(side)
    return " AND ".join(arms)


_ENDS = ("MINVALUE", "MAXVALUE")


def _range_side(keys: Sequence[str], bound: Sequence[str], direction: str) -> str | None:
    """Rows at or past a lower bound (`>`) or before an upper bound (`<`), compared
    lexicographically as a row; the columns from a MINVALUE / MAXVALUE on are unbounded."""
    ends = [j for j, v in enumerate(bound) if v.upper() in _ENDS]
    width = ends[0] if ends else len(bound)
    if width == 0:
        return None
    if ends:
        # (v, MAXVALUE) as a lower bound starts after every row with prefix v; as an upper bound
        # it ends after them; MINVALUE the other way round
        past = bound[width].upper() == ("MAXVALUE" if direction == ">" else "MINVALUE")
        last = direction if past else f"{direction}="
    else:
        last = ">=" if direction == ">" else "<"
    ors = []
    for j in range(width):
        same = [f"{keys[m]} = {fragment(bound[m], 'literal')}" for m in range(j)]
        op = last if j == width - 1 else direction
        ors.append(" AND ".join([*same, f"{keys[j]} {op} {fragment(bound[j], 'literal')}"]))
    if len(ors) == 1:
        return ors[0]
    return "(" + " OR ".join(f"({arm})" if " AND " in arm else arm for arm in ors) + ")"


def _in_utc(bound: Sequence[str], zoned: Sequence[bool]) -> tuple[str, ...]:
    return tuple(utc_literal(v) if i < len(zoned) and zoned[i] else v for i, v in enumerate(bound))


def index_part(part: IndexPart) -> str:
    # expressions are always parenthesised: required for `a + b`, harmless for `lower(email)`,
    # and one rule is easier to trust than a parser deciding when they may be left out
    if part.column is not None:
        text = quote_ident(part.column)
    else:
        text = f"({fragment(part.expression or '', 'index expression')})"
    if part.opclass is not None:
        text += f" {dotted(part.opclass)}"
    if part.descending:
        text += " DESC"
    if part.nulls is not None:
        text += f" NULLS {part.nulls.upper()}"
    return text


def index_using(index: Index) -> str:
    return "" if index.method == "btree" else f" USING {index.method}"


def view_query(text: str) -> str:
    """A view's query as CREATE VIEW takes it: no surrounding blanks, no final `;`."""
    query = text.strip().rstrip(";").rstrip()
    problem = fragments.query_problem(query)
    if problem is not None:
        raise UnsafeFragment("view query", query, problem)
    return query


def comment_line(text: str) -> str:
    """Text for a `--` comment: every line break (and any other whitespace run) becomes one
    space, so nothing the specs wrote can start a new line of SQL after the comment; other
    unprintable characters are written as escapes; and a text that a migration tool would read
    as its directive on a comment line (`migrate:down`, `+goose Up`) is marked as quoted."""
    line = " ".join(text.split())
    if not line.isprintable():
        line = "".join(ch if ch.isprintable() else escape_char(ch) for ch in line)
    if MIGRATION_DIRECTIVE.match(f"-- {line}"):
        line = f"> {line}"
    return line


def row(values: Sequence[str]) -> str:
    return f"({literals(values)})"


def seed_columns(seed: SeedTable) -> list[str]:
    """Every column any row sets, in first-appearance order (key columns first)."""
    names: list[str] = list(seed.key)
    for row in seed.rows:
        names.extend(col for col, _ in row if col not in names)
    return names


def seed_conflict(seed: SeedTable, columns: Sequence[str]) -> str:
    """What follows ON CONFLICT: `(key) DO UPDATE SET c = EXCLUDED.c, ...` or `[(key)] DO
    NOTHING` (no key: a row conflicting with any unique constraint is skipped)."""
    target = f"({idents(seed.key)}) " if seed.key else ""
    updates: Sequence[str] = ()
    if seed.on_conflict == "update" and seed.key:
        updates = (
            seed.update
            if seed.update is not None
            else [col for col in columns if col not in seed.key]
        )
    if not updates:
        return f"{target}DO NOTHING"
    sets = ", ".join(f"{quote_ident(col)} = EXCLUDED.{quote_ident(col)}" for col in updates)
    return f"{target}DO UPDATE SET {sets}"


#: types without an equality operator (or whose `=` compares areas): a seed row's cell is
#: matched by its text output
_NO_EQUALITY = frozenset(
    {"json", "xml", "point", "line", "lseg", "box", "path", "polygon", "circle"}
)


def seed_match(seed: SeedTable, column_types: dict[str, str]) -> str:
    """The WHERE condition of the seed's rows: by key, or without one by every value a row sets
    (a NULL cell as IS NULL, since NULL = NULL is not true)."""
    if seed.key:
        keys = ", ".join(row([dict(r)[col] for col in seed.key]) for r in seed.rows)
        return f"({idents(seed.key)}) IN ({keys})"
    matches = []
    for cells in seed.rows:
        terms = []
        for column, value in cells:
            name, type_ = quote_ident(column), column_types.get(column, "")
            if value == "NULL":
                terms.append(f"{name} IS NULL")
            elif type_ in _NO_EQUALITY:
                literal = fragment(value, "literal")
                terms.append(f"{name}::text = CAST({literal} AS {sql_type(type_)})::text")
            else:
                terms.append(f"{name} = {fragment(value, 'literal')}")
        matches.append("(" + " AND ".join(terms) + ")")
    return " OR ".join(matches)


def function_signature(arguments: str) -> str:
    """The argument list as DROP FUNCTION and COMMENT ON FUNCTION accept it: defaults removed.

    PostgreSQL identifies a function by its argument types; those statements reject the
    `DEFAULT x` / `= x` that CREATE FUNCTION allows, so the defaults are cut off here. The list
    is read with PostgreSQL's scanner, so a comma, `=` or `)` inside a string, a dollar quote or
    a comment is never taken for a separator, and comments are left out.
    """
    if not arguments.strip():
        return ""
    fragment(arguments, "argument list")
    from pglast import parser

    try:
        tokens = parser.scan(arguments)
    except parser.ParseError:
        # resolve refuses such a list; render/check.py reports the statement as the bug it is
        return arguments
    args: list[str] = []
    pieces: list[str] = []
    depth, cut, end = 0, False, -1
    for token in tokens:
        if token.name in ("SQL_COMMENT", "C_COMMENT"):
            continue
        if token.name in ("ASCII_40", "ASCII_91"):
            depth += 1
        elif token.name in ("ASCII_41", "ASCII_93"):
            depth -= 1
        elif depth == 0 and token.name == "ASCII_44":
            args.append("".join(pieces).strip())
            pieces, cut, end = [], False, -1
            continue
        elif depth == 0 and token.name in ("DEFAULT", "ASCII_61"):
            cut = True
        if not cut:
            # the blank between two tokens is kept as one space, whatever it held
            gap = arguments[end + 1 : token.start] if end >= 0 else ""
            pieces.append((" " if gap else "") + arguments[token.start : token.end + 1])
        end = token.end
    args.append("".join(pieces).strip())
    return ", ".join(a for a in args if a)
