"""Composite types (`composites:`): named attributes in order, each with a resolved type.

Its name is claimed among the types (with enums and domains: E032); a table or view of the
same name is an E107, as for enums (a relation's row type takes the name).
"""

from __future__ import annotations

from schemac.load.loader import RawDoc
from schemac.model.schema import Attribute, Composite, domain_type_name
from schemac.resolve.context import Context
from schemac.source import Span
from schemac.spec.models import DocumentSpec


def register_composites(
    ctx: Context, documents: list[tuple[RawDoc, DocumentSpec]], schemas: list[str]
) -> None:
    for raw, spec in documents:
        for name, composite in spec.composites.items():
            schema = composite.schema_ or spec.schema_ or "public"
            span = raw.spans.key(("composites", name))
            if ctx.register("type", schema, name, span, "type"):
                ctx.domains[f"{schema}.{name}"] = domain_type_name(schema, name)
            if schema != "public" and schema not in schemas:
                schemas.append(schema)


def resolve_composites(
    ctx: Context, documents: list[tuple[RawDoc, DocumentSpec]]
) -> list[Composite]:
    resolved: list[Composite] = []
    for raw, spec in documents:
        for name, composite in spec.composites.items():
            schema = composite.schema_ or spec.schema_ or "public"
            key_span = raw.spans.key(("composites", name))
            ctx.check_length(name, f"composite type {name}", key_span, derived=False)
            attributes = []
            for attr_name, attr in composite.attributes.items():

                def span(
                    raw: RawDoc = raw,
                    name: str = name,
                    attr: str = attr_name,
                    key: Span | None = key_span,
                ) -> Span | None:
                    return raw.spans.value(("composites", name, "attributes", attr)) or key

                ctx.check_length(attr_name, f"attribute {name}.{attr_name}", span(), False)
                attr_type = ctx.resolve_type(attr.type, span, schema)
                if attr_type is not None:
                    attributes.append(
                        Attribute(name=attr_name, type=attr_type, collation=attr.collation)
                    )
            if len(attributes) == len(composite.attributes):
                resolved.append(
                    Composite(
                        schema_name=schema,
                        name=name,
                        attributes=tuple(attributes),
                        description=composite.description,
                        span=key_span,
                    )
                )
    return resolved
