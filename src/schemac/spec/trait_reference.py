"""What each built-in trait really adds, found by running the resolver (for docs/spec-format.md).

Each trait is put on a minimal table `things (name text)` beside a `tenants` and an `audit_logs`
table, and the resolved schema is compared with the same specs without the trait: the columns,
keys, indexes, triggers, functions and policies that appear are the trait's expansion, and the
SQL is what a fresh build emits for `things`. Nothing here restates the traits by hand, so the
reference cannot drift from the resolver.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemac.config import Settings, Tenancy
from schemac.model.schema import Column, ForeignKey, Function, Index, Policy, Schema, Trigger
from schemac.resolve.traits import AUDIT_COLUMNS, AUDIT_FUNCTION, BUILTIN_TRAITS, COMPOSITE_TRAITS

TABLE = "things"

_BASE = """spec_type: database-schema
title: trait reference
tables:
  tenants:
    columns:
      id: {type: uuid, primary_key: true}
  audit_logs:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      tenant_id: {type: uuid, nullable: true}
      entity_type: text
      entity_id: {type: uuid, nullable: true}
      action: text
      old_values: {type: jsonb, nullable: true}
      new_values: {type: jsonb, nullable: true}
  things:
    traits: [TRAITS]
    columns:
      name: text
"""


@dataclass(frozen=True)
class Expansion:
    """One trait's expansion: (kind, definition) rows, and the SQL of `things`."""

    trait: str
    #: the traits a composite stands for (empty for a plain trait)
    expands_to: tuple[str, ...]
    rows: tuple[tuple[str, str], ...]
    #: rows that only appear with `[tool.schemac.tenancy] rls = true`
    rls_rows: tuple[tuple[str, str], ...]
    sql: str
    #: statements added with `rls = true`
    rls_sql: str


def spec_text(traits: list[str]) -> str:
    """The minimal spec document with `things` carrying these traits."""
    return _BASE.replace("TRAITS", ", ".join(traits))


def resolved(traits: list[str], settings: Settings) -> Schema:
    from schemac.load.loader import parse_yaml
    from schemac.resolve import resolve
    from schemac.spec.parse import parse_document

    raw, diagnostics = parse_yaml(spec_text(traits), "trait-reference.yaml")
    assert raw is not None, diagnostics
    spec, diagnostics = parse_document(raw)
    assert spec is not None, diagnostics
    schema, diagnostics = resolve([(raw, spec)], settings)
    assert schema is not None, [d.message for d in diagnostics]
    return schema


def expansion(trait: str) -> Expansion:
    plain, rls = Settings(lock_timeout=None), Settings(lock_timeout=None, tenancy=Tenancy(rls=True))
    base = resolved([], plain)
    with_trait = resolved([trait], plain)
    with_rls = resolved([trait], rls)
    rows = _added(base, with_trait)
    extra = tuple(r for r in _added(base, with_rls) if r not in rows)
    sql = _sql(base, with_trait)
    plain_statements = set(_statements(sql))
    rls_sql = "\n\n".join(s for s in _statements(_sql(base, with_rls)) if s not in plain_statements)
    return Expansion(
        trait, COMPOSITE_TRAITS.get(trait, ()), rows, extra, sql, rls_sql and rls_sql + "\n"
    )


def _statements(sql: str) -> list[str]:
    """The statements of rendered SQL (one per blank-line separated block; bodies have none)."""
    return [s.strip() for s in sql.split("\n\n") if s.strip()]


def expansions() -> list[Expansion]:
    return [expansion(name) for name in (*BUILTIN_TRAITS, *COMPOSITE_TRAITS)]


def _things(schema: Schema) -> tuple[Schema, list[Trigger]]:
    table = schema.table(TABLE)
    assert table is not None
    triggers = [t for t in schema.triggers if t.table == TABLE]
    return schema.model_copy(update={"tables": (table,)}), triggers


def _added(base: Schema, schema: Schema) -> tuple[tuple[str, str], ...]:
    before, after = base.table(TABLE), schema.table(TABLE)
    assert before is not None and after is not None
    rows: list[tuple[str, str]] = []
    rows += [("column", _column(c)) for c in after.columns if c not in before.columns]
    if after.primary_key != before.primary_key and after.primary_key is not None:
        pk = after.primary_key
        rows.append(("primary key", f"{pk.name} PRIMARY KEY ({', '.join(pk.columns)})"))
    rows += [
        ("unique", f"{u.name} UNIQUE ({', '.join(u.columns)})")
        for u in after.uniques
        if u not in before.uniques
    ]
    rows += [
        ("check", f"{c.name} CHECK ({c.expression})")
        for c in after.checks
        if c not in before.checks
    ]
    rows += [
        ("foreign key", _foreign_key(f)) for f in after.foreign_keys if f not in before.foreign_keys
    ]
    rows += [("index", _index(i)) for i in after.indexes if i not in before.indexes]
    rows += [("trigger", _trigger(t)) for t in schema.triggers if t not in base.triggers]
    rows += [("function", _function(f)) for f in schema.functions if f not in base.functions]
    if after.rls.enabled and not before.rls.enabled:
        rows.append(("row-level security", "ENABLE ROW LEVEL SECURITY"))
    rows += [("policy", _policy(p)) for p in after.rls.policies if p not in before.rls.policies]
    if any(t.function == AUDIT_FUNCTION for t in schema.triggers if t not in base.triggers):
        # the resolver refuses the trait (SC309) unless audit_logs has these columns
        rows.append(("needs", f"audit_logs ({', '.join(AUDIT_COLUMNS)})"))
    return tuple(rows)


def _column(col: Column) -> str:
    text = f"{col.name} {col.type}" + ("" if col.nullable else " NOT NULL")
    return text + (f" DEFAULT {col.default}" if col.default is not None else "")


def _foreign_key(fk: ForeignKey) -> str:
    text = (
        f"{fk.name} FOREIGN KEY ({', '.join(fk.columns)}) REFERENCES "
        f"{fk.ref_table} ({', '.join(fk.ref_columns)})"
    )
    if fk.on_delete != "no action":
        text += f" ON DELETE {fk.on_delete.upper()}"
    if fk.on_update != "no action":
        text += f" ON UPDATE {fk.on_update.upper()}"
    return text


def _index(index: Index) -> str:
    keys = ", ".join(p.column or p.expression or "" for p in index.parts)
    kind = "UNIQUE INDEX" if index.unique else "INDEX"
    where = f" WHERE {index.where}" if index.where else ""
    return f"{kind} {index.name} ON {TABLE} USING {index.method} ({keys}){where}"


def _trigger(trigger: Trigger) -> str:
    events = " OR ".join(e.upper() for e in trigger.events)
    return (
        f"{trigger.name} {trigger.timing.upper()} {events} FOR EACH {trigger.for_each.upper()} "
        f"EXECUTE FUNCTION {trigger.function}()"
    )


def _function(fn: Function) -> str:
    return f"{fn.name}({fn.arguments}) RETURNS {fn.returns} LANGUAGE {fn.language}"


def _policy(policy: Policy) -> str:
    return (
        f"{policy.name} FOR {policy.command.upper()} TO {', '.join(policy.roles)} "
        f"USING ({policy.using})"
    )


def _sql(base: Schema, schema: Schema) -> str:
    """What a fresh build emits for `things` and the trait's functions and triggers."""
    from schemac.pipeline import fresh_units

    things, triggers = _things(schema)
    functions = tuple(f for f in schema.functions if f not in base.functions)
    alone = things.model_copy(
        update={
            "functions": functions,
            "triggers": tuple(triggers),
            "extensions": (),
            "enums": (),
            "views": (),
            "materialized_views": (),
            "seeds": (),
        }
    )
    settings = Settings(lock_timeout=None)
    bodies = []
    for text, _ in fresh_units(alone, settings):
        lines = text.splitlines()
        while lines and lines[0].startswith("--"):
            lines.pop(0)
        bodies.append("\n".join(lines).strip())
    return "\n\n".join(b for b in bodies if b) + "\n"
