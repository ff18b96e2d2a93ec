"""What every section of the schema document reads: the documented schema and the settings.

A section is a function `Page -> list[Block]` (a block is a list of Markdown lines; blocks are
separated by a blank line). A section with nothing to say returns no blocks and is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from schemac.config import Settings
from schemac.document.source import Documented, SpecHeader
from schemac.model.schema import Schema, Table

Block = list[str]


@dataclass(frozen=True)
class Page:
    """The input of every section: the documented specs and the settings they are built with
    (lint selection, conventions, tenancy, migration layout)."""

    documented: Documented
    settings: Settings

    @property
    def schema(self) -> Schema:
        return self.documented.schema

    @property
    def headers(self) -> tuple[SpecHeader, ...]:
        return self.documented.headers

    @cached_property
    def domains(self) -> list[tuple[str, list[SpecHeader]]]:
        """Domains in the order their first spec comes, each with its specs."""
        by_path = {doc.path: doc.domain for doc in self.schema.documents}
        grouped: dict[str, list[SpecHeader]] = {}
        for header in self.headers:
            grouped.setdefault(by_path.get(header.path, header.name), []).append(header)
        return list(grouped.items())

    def tables_of(self, header: SpecHeader) -> list[Table]:
        return [t for t in self.schema.tables if t.document == header.path]


Section = Callable[[Page], list[Block]]


def display_name(schema_name: str, name: str) -> str:
    """An object's name as the document shows it: schema-qualified outside public."""
    return name if schema_name == "public" else f"{schema_name}.{name}"
