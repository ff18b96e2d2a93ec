"""Domains (`domains:`): a base type with NOT NULL, a default and named checks over VALUE.

Their names are claimed with the enums' (one pg_type namespace), before any column type is
resolved, so a column may name a domain declared in any file. The default and every check are
parsed with pglast as exactly one expression, as column defaults and checks are.

Codes: E204 (a domain check that is not one expression, or a default that reads a column).
"""

from __future__ import annotations

from schemac.load.loader import RawDoc
from schemac.model.schema import Domain, DomainCheck, domain_type_name
from schemac.resolve import expressions
from schemac.resolve.context import Context
from schemac.source import Span
from schemac.spec.models import DocumentSpec


def register_domains(
    ctx: Context, documents: list[tuple[RawDoc, DocumentSpec]], schemas: list[str]
) -> None:
    for raw, spec in documents:
        for name, domain in spec.domains.items():
            schema = domain.schema_ or spec.schema_ or "public"
            if ctx.register("type", schema, name, raw.spans.key(("domains", name)), "type"):
                ctx.domains[f"{schema}.{name}"] = domain_type_name(schema, name)
            if schema != "public" and schema not in schemas:
                schemas.append(schema)


def resolve_domains(ctx: Context, documents: list[tuple[RawDoc, DocumentSpec]]) -> list[Domain]:
    resolved: list[Domain] = []
    for raw, spec in documents:
        for name, domain in spec.domains.items():
            schema = domain.schema_ or spec.schema_ or "public"
            key_span = raw.spans.key(("domains", name))
            ctx.check_length(name, f"domain {name}", key_span, derived=False)

            def span(
                *sub: str, raw: RawDoc = raw, name: str = name, key: Span | None = key_span
            ) -> Span | None:
                return raw.spans.value(("domains", name, *sub)) or key

            base = ctx.resolve_type(domain.type, lambda: span("type"), schema)
            default = None
            if domain.default is not None:
                default = expressions.default_sql(domain.default)
                problem = expressions.default_error(default)
                if problem:
                    ctx.error(
                        "E204",
                        f"domain {name}: invalid default '{default}': {problem}",
                        span("default"),
                        "write one SQL expression that reads no column",
                    )
            checks = []
            for check_name, check in domain.checks.items():
                text = check.expression.strip()
                problem = expressions.syntax_error(text)
                if problem:
                    ctx.error(
                        "E204",
                        f"domain {name}: check {check_name} is not one SQL expression: {problem}",
                        span("checks", check_name),
                        "write one boolean expression over VALUE",
                    )
                ctx.check_length(check_name, f"domain check {check_name}", key_span, False)
                checks.append(DomainCheck(name=check_name, expression=text, valid=check.valid))
            if base is None:
                continue
            resolved.append(
                Domain(
                    schema_name=schema,
                    name=name,
                    type=base,
                    not_null=domain.not_null,
                    default=default,
                    checks=tuple(checks),
                    collation=domain.collation,
                    description=domain.description,
                    span=key_span,
                )
            )
    return resolved
