"""What the schema document is made from: the resolved Schema and each spec's front-matter.

The resolved Schema keeps only the document fields the compiler needs (`model.schema.Document`),
while the schema document shows every front-matter field a spec carries (`last_updated`,
`applicability`, `related_initiatives`, ...), so the parsed specs are kept beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from schemac.config import Settings
from schemac.diagnostics import Diagnostic, has_errors
from schemac.model.schema import Schema
from schemac.spec.models import DocumentSpec


@dataclass(frozen=True)
class SpecHeader:
    """One spec file's front-matter, and how the document names the file."""

    #: the file as diagnostics name it (the `document` of its tables, the path of its spans)
    path: str
    #: the file relative to the specs directory: the same wherever schemac runs from
    name: str
    spec: DocumentSpec


@dataclass(frozen=True)
class Documented:
    """A resolved schema with the front-matter of the specs it came from, in file order."""

    schema: Schema
    headers: tuple[SpecHeader, ...]

    def name_of(self, path: str | None) -> str | None:
        """The document name of a spec file given by its diagnostic path."""
        return next((h.name for h in self.headers if h.path == path), None)


def load_documented(specs: Path, settings: Settings) -> tuple[Documented | None, list[Diagnostic]]:
    """Load, parse and resolve a spec directory (or file) as `pipeline.load_schema` does,
    keeping the parsed front-matter. None when any input error exists."""
    from schemac.load.loader import load_specs
    from schemac.resolve import resolve
    from schemac.spec.parse import parse_document

    raw_docs, diagnostics = load_specs(specs)
    parsed = []
    for raw in raw_docs:
        spec, diags = parse_document(raw)
        diagnostics.extend(diags)
        if spec is not None:
            parsed.append((raw, spec))
    if has_errors(diagnostics):
        return None, diagnostics
    schema, diags = resolve(parsed, settings)
    diagnostics += diags
    if schema is None or has_errors(diagnostics):
        return None, diagnostics
    headers = tuple(SpecHeader(raw.path, _name(specs, raw.path), spec) for raw, spec in parsed)
    return Documented(schema, headers), diagnostics


def _name(specs: Path, path: str) -> str:
    """`path` relative to the specs directory (the file name when SPECS is one file)."""
    file = Path(path).resolve()
    root = specs.resolve()
    if root.is_dir():
        try:
            return file.relative_to(root).as_posix()
        except ValueError:
            pass
    return file.name
