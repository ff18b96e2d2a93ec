"""Names no object may have, checked on the documents: empty names and the schemas
PostgreSQL reserves. (A NUL character is refused by the loader, E014, before anything here.)
"""

from __future__ import annotations

from schemac.load.loader import Path_, RawDoc
from schemac.resolve.context import Context
from schemac.source import Span
from schemac.spec.models import DocumentSpec

_FUNCTION_SCHEMAS = frozenset({"pg_catalog", "pg_temp"})
#: the document keys whose mapping keys name objects (tables:, enums:, ...)
_NAMED = (
    "enums",
    "traits",
    "tables",
    "views",
    "materialized_views",
    "functions",
    "aggregates",
    "triggers",
)


def check_documents(ctx: Context, documents: list[tuple[RawDoc, DocumentSpec]]) -> None:
    # a name identifiers.py already refused (E060: empty, or holding a control character such
    # as NUL) is not reported twice
    named = {str(d.span) for d in ctx.diagnostics if d.code == "E060" and d.span is not None}
    for raw, spec in documents:
        _check_empty_names(ctx, raw, spec, named)
        _check_schemas(ctx, raw, spec)


def _check_empty_names(ctx: Context, raw: RawDoc, spec: DocumentSpec, named: set[str]) -> None:
    """A name must not be empty: zero-length delimited identifier at or near \"\"\"\"."""

    def _empty(span: Span | None, what: str) -> None:
        if str(span) not in named:
            ctx.error(
                "E116",
                f"empty {what} name: PostgreSQL has no zero-length names",
                span,
                f"give the {what} a name",
            )

    def _empty_partitions(base: Path_, partitions: object) -> None:
        """Partitions named "", sub-partitions included."""
        if isinstance(partitions, list):
            for i, partition in enumerate(partitions):
                if partition.name == "":
                    _empty(raw.spans.value((*base, "partitions", i, "name")), "partition")
                _empty_partitions((*base, "partitions", i), partition.partitions)

    for kind in _NAMED:
        if "" in getattr(spec, kind):
            _empty(raw.spans.key((kind, "")), kind.rstrip("s").replace("_", " "))
    for owner, columns in [
        *((("tables", t), table.columns) for t, table in spec.tables.items()),
        *((("traits", t), trait.columns) for t, trait in spec.traits.items()),
    ]:
        if "" in columns:
            _empty(raw.spans.key((*owner, "columns", "")), "column")
    for name, table in spec.tables.items():
        if "" in table.checks:
            _empty(raw.spans.key(("tables", name, "checks", "")), "check")
        if table.rls is not None and "" in table.rls.policies:
            _empty(raw.spans.key(("tables", name, "rls", "policies", "")), "policy")
        _empty_partitions(("tables", name), table.partitions)


def _check_schemas(ctx: Context, raw: RawDoc, spec: DocumentSpec) -> None:
    """Schemas named pg_... are reserved: unacceptable schema name "pg_x" (The prefix "pg_" is
    reserved for system schemas)."""
    written: list[tuple[str | None, Path_]] = [(spec.schema_, ("schema",))]
    for i, ext in enumerate(spec.extensions):
        written.append((ext.schema_, ("extensions", i, "schema")))
    for kind in ("enums", "tables", "views", "materialized_views", "functions"):
        for name, obj in getattr(spec, kind).items():
            # a superuser may put a function in pg_catalog (or pg_temp): not certain to fail
            if kind != "functions" or obj.schema_ not in _FUNCTION_SCHEMAS:
                written.append((obj.schema_, (kind, name, "schema")))
    for schema, path in written:
        # schemac creates the schema of every document, table, enum and extension (CREATE
        # SCHEMA refuses the name even when it exists), and PostgreSQL refuses tables and
        # views in pg_catalog (System catalog modifications are currently disallowed)
        if schema is not None and schema.startswith("pg_"):
            ctx.error(
                "E112",
                f"schema '{schema}': names starting with pg_ are reserved for PostgreSQL's "
                "system schemas",
                raw.spans.value(path),
                f"use another schema name, e.g. '{schema[3:] or 'app'}'",
            )
