"""Source positions in spec files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, eq=False, slots=True)
class Span:
    """A 1-based position in a spec file, taken once from the YAML marks.

    Spans never take part in equality: two model values that differ only in where they were
    written compare equal (a snapshot, an introspected database and a spec all agree).
    """

    path: str
    line: int
    col: int

    def __eq__(self, other: object) -> bool:
        return other is None or isinstance(other, Span)

    def __hash__(self) -> int:
        return 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def __repr__(self) -> str:
        return f"Span({self})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.is_instance_schema(cls)


def display_path(path: Path) -> str:
    """How a file is named in messages: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
