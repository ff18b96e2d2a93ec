"""Shared state of one resolution: the documents, the name registry and the diagnostics."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from schemac.config import Settings
from schemac.diagnostics import Diagnostic, error, suggestion
from schemac.load.loader import Path_, RawDoc
from schemac.model.names import identifier_too_long
from schemac.model.types import (
    EXTENSION_TYPES,
    PSEUDO_TYPES,
    TypeRef,
    TypeSyntaxError,
    known_base_names,
    parse_type,
)
from schemac.resolve import expressions
from schemac.source import Span
from schemac.spec.models import ColumnSpec, DocumentSpec, TableSpec

#: a type that may name a domain: [schema.]name, either part quoted, with array brackets
_DOMAIN_REF = re.compile(
    r'^(?:(?P<schema>"(?:[^"]|"")+"|[^\s."\[]+)\.)?'
    r'(?P<name>"(?:[^"]|"")+"|[^\s."\[]+)\s*(?P<array>(?:\[\s*\]\s*)*)$'
)


@dataclass
class Located:
    """A spec object with the document it came from and its path in that document."""

    doc: RawDoc
    spec: DocumentSpec
    path: Path_

    def span(self, *sub: str | int) -> Span | None:
        return self.doc.spans.value((*self.path, *sub))

    def key_span(self, *sub: str | int) -> Span | None:
        return self.doc.spans.key((*self.path, *sub))


@dataclass
class TableDraft:
    """A table after pass 1: its columns (traits expanded) and primary key, before constraints."""

    schema_name: str
    name: str
    spec: TableSpec
    where: Located
    traits: list[str]
    #: column name -> (spec, where it was written, trait name or None)
    columns: dict[str, tuple[ColumnSpec, Span | None, str | None]] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}"


@dataclass
class Context:
    settings: Settings
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: qualified name -> where it was declared, per object namespace ("relation", "type", ...)
    registry: dict[tuple[str, str], Span | None] = field(default_factory=dict)
    enums: dict[str, str] = field(default_factory=dict)
    #: enum as spelled in column types -> its values (for defaults and seeds)
    enum_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extensions: set[str] = field(default_factory=set)
    tables: dict[str, TableDraft] = field(default_factory=dict)
    #: views and materialized views by qualified name (for view dependencies)
    views: set[str] = field(default_factory=set)
    #: domains and composite types by qualified name -> how column types spell them (canonical)
    domains: dict[str, str] = field(default_factory=dict)
    #: (written type, schema) -> canonical builtin type: most columns repeat a few spellings
    _type_cache: dict[tuple[str, str], str] = field(default_factory=dict)

    def error(self, code: str, message: str, span: Span | None, help: str | None = None) -> None:
        self.diagnostics.append(error(code, message, span, help))

    def register(
        self, namespace: str, schema: str, name: str, span: Span | None, what: str
    ) -> bool:
        """Claim a name; a second claim is an error naming both places."""
        key = (namespace, f"{schema}.{name}")
        if key in self.registry:
            first = self.registry[key]
            where = f" (first declared at {first})" if first else ""
            self.error(
                "E032",
                f"duplicate {what} name '{name}'{where}",
                span,
                "names must be unique across all spec files; rename one of them",
            )
            return False
        self.registry[key] = span
        return True

    def check_length(self, name: str, what: str, span: Span | None, derived: bool) -> None:
        if identifier_too_long(name):
            how = "its derived name" if derived else "the name"
            self.error(
                "SC108",
                f"{what}: {how} '{name}' is {len(name.encode())} bytes; PostgreSQL truncates "
                "identifiers to 63 bytes",
                span,
                "give it a shorter explicit 'name:'"
                if derived
                else "use a name of at most 63 bytes",
            )

    def find_table(self, ref: str, default_schema: str) -> TableDraft | None:
        if "." in ref:
            return self.tables.get(ref)
        return self.tables.get(f"{default_schema}.{ref}") or next(
            (t for t in self.tables.values() if t.name == ref), None
        )

    def table_names(self) -> list[str]:
        return sorted({t.name for t in self.tables.values()})

    def known_type(self, text: str, schema: str) -> str | None:
        """The canonical type of a spelling already resolved in `schema`, else None."""
        return self._type_cache.get((text, schema))

    def resolve_type(
        self, text: str, span_of: Callable[[], Span | None], schema: str
    ) -> str | None:
        """The canonical type of a column, or None after reporting why it is unknown."""
        known = self._type_cache.get((text, schema))
        if known is not None:
            return known
        domain = self.domain_type(text, schema)
        if domain is not None:
            self._type_cache[(text, schema)] = domain
            return domain
        span = span_of()
        try:
            ref = parse_type(text)
        except TypeSyntaxError as exc:
            self.error("E030", f"invalid type '{text}': {exc}", span)
            return None
        # types are resolved after every enum and extension is declared, so a resolved type
        # stays valid for the rest of the resolution (errors are not cached: each is reported)
        enums = self.enums_in(schema)
        if ref.schema is None and ref.base in enums:
            resolved = str(ref.__class__(enums[ref.base], (), ref.array_dims))
        elif ref.schema is not None and f"{ref.schema}.{ref.base}" in self.enums:
            resolved = str(
                ref.__class__(self.enums[f"{ref.schema}.{ref.base}"], (), ref.array_dims)
            )
        elif ref.base in PSEUDO_TYPES:
            self.error("E030", f"'{ref.base}' is not a column type", span)
            return None
        elif ref.is_builtin:
            resolved = str(ref)
        else:
            return self._extension_type(ref, text, span)
        self._type_cache[(text, schema)] = resolved
        return resolved

    def domain_type(self, text: str, schema: str) -> str | None:
        """The canonical type of a column typed with a domain of the specs (its name as
        written, quoted or not, with array brackets), else None."""
        if not self.domains:
            return None
        match = _DOMAIN_REF.match(text.strip())
        if match is None:
            return None
        name = match.group("name").strip('"').replace('""', '"')
        ref_schema = match.group("schema")
        candidates = (
            [f"{ref_schema.strip(chr(34))}.{name}"]
            if ref_schema
            else [f"{schema}.{name}", f"public.{name}"]
        )
        found = next((self.domains[q] for q in candidates if q in self.domains), None)
        if found is None:
            return None
        return found + "[]" * match.group("array").count("[")

    def _extension_type(self, ref: TypeRef, text: str, span: Span | None) -> str | None:
        extension = EXTENSION_TYPES.get(ref.base)
        if extension is not None:
            if extension not in self.extensions:
                self.error(
                    "E030",
                    f"type '{ref.base}' comes from the extension '{extension}', "
                    "which no spec declares",
                    span,
                    f"add '{extension}' to 'extensions:'",
                )
                return None
            return str(ref)
        candidates = [*known_base_names(), *(e.split(".")[-1] for e in self.enums)]
        self.error(
            "E030",
            f"unknown type '{text}'",
            span,
            suggestion(ref.base, candidates)
            or "use a PostgreSQL type or an enum declared under 'enums:'",
        )
        return None

    def enums_in(self, schema: str) -> dict[str, str]:
        """Enum short name -> canonical spelling, as seen from a given schema."""
        out: dict[str, str] = {}
        for qualified, spelled in self.enums.items():
            enum_schema, name = qualified.split(".", 1)
            if enum_schema in (schema, "public") and (name not in out or enum_schema == schema):
                out[name] = spelled
        return out


def literal_hint(value: Any) -> str:
    return f"write it as a quoted SQL literal: \"'{value}'\""


def derived_name(ctx: Context, name: str, what: str, span: Span | None) -> str:
    """A derived name (constraint, index), reported when PostgreSQL would truncate it."""
    ctx.check_length(name, what, span, derived=True)
    return name


def checked_expression(ctx: Context, expression: str | None, span: Span | None) -> str | None:
    """An SQL expression as emitted (stripped), reported when PostgreSQL cannot parse it."""
    if expression is None:
        return None
    text = expression.strip()
    problem = expressions.syntax_error(text)
    if problem:
        ctx.error("E036", f"invalid SQL expression '{text}': {problem}", span)
    return text
