"""The only place the stages are chained: load -> parse -> resolve -> lint -> plan -> render -> write."""

from __future__ import annotations

from pathlib import Path

from schemac.config import Settings
from schemac.diagnostics import Diagnostic, has_errors
from schemac.model.schema import Schema


def load_schema(specs: Path, settings: Settings) -> tuple[Schema | None, list[Diagnostic]]:
    """Load, parse and resolve a spec directory (or file). None when any input error exists."""
    from schemac.load.loader import load_specs
    from schemac.resolve import resolve
    from schemac.spec.parse import parse_document

    raw_docs, diagnostics = load_specs(specs)
    documents = []
    for raw in raw_docs:
        spec, diags = parse_document(raw)
        diagnostics.extend(diags)
        if spec is not None:
            documents.append((raw, spec))
    if has_errors(diagnostics):
        return None, diagnostics
    schema, diags = resolve(documents, settings)
    return schema, diagnostics + diags
