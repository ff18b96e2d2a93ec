"""Type spellings: one canonical form for what users write and what pg_catalog reports.

`canonical_type("int")` == `canonical_type("integer")` == "integer";
`canonical_type("character varying(320)")` == "varchar(320)"; `timestamp with time zone` ==
`timestamptz`. Unknown names are not decided here: `parse_type` returns the base and the
resolver checks it against builtins, spec enums and extension types.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

#: alias -> canonical base name (multi-word spellings lower-cased, single spaces)
ALIASES: dict[str, str] = {
    "int": "integer",
    "int4": "integer",
    "integer": "integer",
    "int2": "smallint",
    "smallint": "smallint",
    "int8": "bigint",
    "bigint": "bigint",
    "serial4": "serial",
    "serial": "serial",
    "serial8": "bigserial",
    "bigserial": "bigserial",
    "serial2": "smallserial",
    "smallserial": "smallserial",
    "float8": "double precision",
    "double precision": "double precision",
    "float": "double precision",
    "float4": "real",
    "real": "real",
    "decimal": "numeric",
    "numeric": "numeric",
    "bool": "boolean",
    "boolean": "boolean",
    "varchar": "varchar",
    "character varying": "varchar",
    "char": "char",
    "character": "char",
    "bpchar": "char",
    "text": "text",
    "timestamp": "timestamp",
    "timestamp without time zone": "timestamp",
    "timestamptz": "timestamptz",
    "timestamp with time zone": "timestamptz",
    "time": "time",
    "time without time zone": "time",
    "timetz": "timetz",
    "time with time zone": "timetz",
    "date": "date",
    "interval": "interval",
    "uuid": "uuid",
    "json": "json",
    "jsonb": "jsonb",
    "inet": "inet",
    "cidr": "cidr",
    "macaddr": "macaddr",
    "macaddr8": "macaddr8",
    "bytea": "bytea",
    "money": "money",
    "xml": "xml",
    "tsvector": "tsvector",
    "tsquery": "tsquery",
    "bit": "bit",
    "bit varying": "varbit",
    "varbit": "varbit",
    "point": "point",
    "line": "line",
    "lseg": "lseg",
    "box": "box",
    "path": "path",
    "polygon": "polygon",
    "circle": "circle",
    "int4range": "int4range",
    "int8range": "int8range",
    "numrange": "numrange",
    "tsrange": "tsrange",
    "tstzrange": "tstzrange",
    "daterange": "daterange",
    "int4multirange": "int4multirange",
    "int8multirange": "int8multirange",
    "nummultirange": "nummultirange",
    "tsmultirange": "tsmultirange",
    "tstzmultirange": "tstzmultirange",
    "datemultirange": "datemultirange",
    "oid": "oid",
    "regclass": "regclass",
    "pg_lsn": "pg_lsn",
    "trigger": "trigger",
    "void": "void",
    "record": "record",
}

#: types that come with an extension: type -> extension that provides it
EXTENSION_TYPES: dict[str, str] = {
    "citext": "citext",
    "ltree": "ltree",
    "lquery": "ltree",
    "hstore": "hstore",
    "vector": "vector",
    "halfvec": "vector",
    "sparsevec": "vector",
    "geometry": "postgis",
    "geography": "postgis",
    "cube": "cube",
    "isbn": "isn",
    "issn": "isn",
    "ean13": "isn",
}

#: canonical bases that take (n) / (p,s) modifiers, and how many at most
MODIFIERS: dict[str, int] = {
    "varchar": 1,
    "char": 1,
    "numeric": 2,
    "timestamp": 1,
    "timestamptz": 1,
    "time": 1,
    "timetz": 1,
    "interval": 1,
    "bit": 1,
    "varbit": 1,
    "vector": 1,
    "halfvec": 1,
    "sparsevec": 1,
    "geometry": 2,
    "geography": 2,
}

#: pseudo-types only valid as function return types
PSEUDO_TYPES = frozenset({"trigger", "void", "record"})

_TYPE = re.compile(
    r"""^\s*
    (?P<base>[A-Za-z_][A-Za-z0-9_]*(?:\s+[A-Za-z_][A-Za-z0-9_]*)*?)   # words
    \s*(?:\(\s*(?P<mods>[^()]*)\)\s*)?                                  # (n) or (p, s)
    (?P<tz>\s+with(?:out)?\s+time\s+zone)?                              # timestamp(3) with tz
    \s*(?P<array>(?:\[\s*\d*\s*\]\s*)*)\s*$""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class TypeRef:
    """A parsed type: canonical base name, modifiers, array dimensions, optional schema."""

    base: str
    modifiers: tuple[str, ...] = ()
    array_dims: int = 0
    schema: str | None = None

    def __str__(self) -> str:
        base = self.base
        if _NEEDS_QUOTES.search(base):  # a quoted name (a domain named bıgınt): kept quoted
            base = '"' + base.replace('"', '""') + '"'
        text = base if self.schema is None else f"{self.schema}.{base}"
        if self.modifiers:
            text += "(" + ",".join(self.modifiers) + ")"
        return text + "[]" * self.array_dims

    @property
    def is_builtin(self) -> bool:
        return self.schema is None and self.base in ALIASES.values()


class TypeSyntaxError(ValueError):
    pass


#: a character no builtin or unquoted type name has (upper case, non-ASCII, punctuation)
#: (the dot: an enum of another schema is held as one base, `billing.state`)
_NEEDS_QUOTES = re.compile(r"[^a-z0-9_ .]")
#: `"name"` or `schema."name"` with array brackets: a quoted name that is not plain lower case
_QUOTED = re.compile(r'^(?:("?)([A-Za-z_][A-Za-z0-9_]*)\1\.)?"((?:[^"]|"")+)"\s*((?:\[\s*\]\s*)*)$')


def parse_type(text: str) -> TypeRef:
    """Parse a type as a user or format_type() writes it into its canonical parts."""
    raw = text.strip()
    schema: str | None = None
    quoted = _QUOTED.match(raw)
    if quoted and _NEEDS_QUOTES.search(quoted.group(3).replace('""', '"')):
        name = quoted.group(3).replace('""', '"')
        return TypeRef(name, (), quoted.group(4).count("["), quoted.group(2))
    qualified = re.match(r'^("?)([A-Za-z_][A-Za-z0-9_]*)\1\.(.+)$', raw)
    if qualified and qualified.group(2).lower() != "pg_catalog":
        schema, raw = qualified.group(2), qualified.group(3)
    elif qualified:
        raw = qualified.group(3)
    raw = raw.replace('"', "")
    match = _TYPE.match(raw)
    if not match:
        raise TypeSyntaxError(f"'{text}' is not a type")
    words = " ".join(match.group("base").lower().split())
    tz = match.group("tz")
    if tz:
        words = f"{words} {' '.join(tz.lower().split())}"
    base = ALIASES.get(words, words)
    mods: tuple[str, ...] = ()
    if match.group("mods") is not None:
        mods = tuple(m.strip() for m in match.group("mods").split(",") if m.strip())
        if not all(re.fullmatch(r"\d+", m) for m in mods) and base not in ("geometry", "geography"):
            raise TypeSyntaxError(f"type modifiers of '{text}' must be integers")
        limit = MODIFIERS.get(base)
        known = base in ALIASES.values() or base in EXTENSION_TYPES
        if known and (limit is None or len(mods) > limit):
            raise TypeSyntaxError(f"type '{base}' does not take modifiers ({', '.join(mods)})")
    if base == "char" and not mods and schema is None:
        mods = ("1",)  # char is char(1), as PostgreSQL reports it
    dims = match.group("array").count("[")
    return TypeRef(base, mods, dims, schema)


def canonical_type(text: str) -> str:
    """The canonical spelling of a type (raises TypeSyntaxError when it cannot be read)."""
    return str(parse_type(text))


def known_base_names() -> list[str]:
    """Every base name a user may write without declaring it (for did-you-mean)."""
    return sorted(set(ALIASES) | set(EXTENSION_TYPES))


@functools.lru_cache(maxsize=4096)
def sql_type(canonical: str) -> str:
    """The spelling emitted in DDL (canonical names are valid PostgreSQL spellings).

    Cached: a schema spells its thousands of columns with a few dozen types.
    """
    ref = parse_type(canonical)
    if ref.base == "timestamptz" and ref.modifiers:
        return f"timestamp({ref.modifiers[0]}) with time zone" + "[]" * ref.array_dims
    if ref.base == "timetz" and ref.modifiers:
        return f"time({ref.modifiers[0]}) with time zone" + "[]" * ref.array_dims
    if ref.is_builtin or (ref.schema is None and ref.base in EXTENSION_TYPES):
        return canonical
    # a type of the specs (an enum): its name is an identifier, quoted where it must be
    from schemac.model.names import quote_ident

    name = quote_ident(ref.base)
    if ref.schema is not None:
        name = f"{quote_ident(ref.schema)}.{name}"
    mods = "(" + ",".join(ref.modifiers) + ")" if ref.modifiers else ""
    return name + mods + "[]" * ref.array_dims
