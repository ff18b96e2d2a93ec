"""The schema document's sections for objects other than tables: enums, views, materialized
views, functions and triggers, and seed data."""

from __future__ import annotations

from schemac.document.markup import code, codes, fenced, paragraph, table, text
from schemac.document.page import Block, Page, display_name
from schemac.document.tables import index_table
from schemac.model.schema import Enum, MaterializedView, Refresh, Schema, SeedTable, View

#: languages whose bodies are highlighted as SQL
_SQL_LANGUAGES = frozenset({"sql", "plpgsql"})


def enums_section(page: Page) -> list[Block]:
    if not page.schema.enums:
        return []
    rows = [
        [
            code(display_name(e.schema_name, e.name)),
            codes(e.values),
            codes(_used_by(page.schema, e)),
            text(e.description or ""),
        ]
        for e in page.schema.enums
    ]
    return [["## Enums"], table(["Enum", "Values", "Used by", "Description"], rows)]


def _used_by(schema: Schema, enum: Enum) -> list[str]:
    """The columns whose type is the enum (or an array of it), as table.column."""
    spelled = display_name(enum.schema_name, enum.name)
    return [
        f"{display_name(t.schema_name, t.name)}.{c.name}"
        for t in schema.tables
        for c in t.columns
        if c.type.removesuffix("[]") in (spelled, enum.qualified_name)
    ]


def views_section(page: Page) -> list[Block]:
    blocks: list[Block] = []
    for view in page.schema.views:
        blocks += _view_blocks(view)
    return [["## Views"], *blocks] if blocks else []


def materialized_views_section(page: Page) -> list[Block]:
    blocks: list[Block] = []
    for view in page.schema.materialized_views:
        blocks += _view_blocks(view)
    return [["## Materialized views"], *blocks] if blocks else []


def _view_blocks(view: View | MaterializedView) -> list[Block]:
    blocks: list[Block] = [[f"### {code(display_name(view.schema_name, view.name), cell=False)}"]]
    if view.description:
        blocks.append([f"Purpose: {text(view.description)}"])
    if view.depends_on:
        reads = [name.removeprefix("public.") for name in view.depends_on]
        blocks.append([f"Reads: {codes(reads, cell=False)}."])
    if isinstance(view, MaterializedView):
        if view.refresh is not None:
            blocks.append([f"Refresh: {_refresh(view.refresh)}."])
        if view.indexes:
            blocks.append(["**Indexes**", "", *index_table(view.indexes)])
    blocks.append(fenced(view.query, "sql"))
    return blocks


def _refresh(refresh: Refresh) -> str:
    """The refresh policy: when, how (what the refresh function does), and by what."""
    said = [f"every {code(refresh.every, cell=False)}"] if refresh.every else []
    # what the refresh function does (it can refresh concurrently only with a unique index)
    concurrent = refresh.refreshes_concurrently if refresh.function else refresh.concurrently
    said.append("concurrently (readers are not blocked)" if concurrent else "blocking")
    if refresh.max_staleness:
        said.append(f"at most {code(refresh.max_staleness, cell=False)} stale")
    if refresh.function:
        said.append(f"by {code(refresh.function + '()', cell=False)}")
    if refresh.schedule:
        said.append(
            f"scheduled {code(refresh.schedule, cell=False)} with pg_cron (where installed)"
        )
    return ", ".join(said)


def functions_section(page: Page) -> list[Block]:
    schema = page.schema
    blocks: list[Block] = []
    for f in schema.functions:
        name = display_name(f.schema_name, f.name)
        blocks.append([f"### {code(f'{name}({f.arguments})', cell=False)}"])
        if f.description:
            blocks.append([paragraph(f.description)])
        language = f"language {code(f.language, cell=False)}"
        if f.is_procedure:
            facts = [f"Procedure (CALL {code(name, cell=False)})", language]
        else:
            facts = [f"Returns {code(f.returns, cell=False)}", language, f.volatility]
        if f.security_definer:
            facts.append("security definer (runs with its owner's rights)")
        blocks.append([f"{'; '.join(facts)}."])
        blocks.append(fenced(f.body, "sql" if f.language.lower() in _SQL_LANGUAGES else ""))
    if schema.triggers:
        rows = [
            [
                code(tr.name),
                code(display_name(tr.table_schema, tr.table)),
                text(tr.timing),
                text(" or ".join(tr.events)),
                text(tr.for_each),
                code(f"{display_name(tr.function_schema, tr.function)}()"),
                code(tr.when or ""),
            ]
            for tr in schema.triggers
        ]
        header = ["Trigger", "Table", "Timing", "Events", "For each", "Function", "When"]
        blocks += [["### Triggers"], table(header, rows)]
    return [["## Functions and triggers"], *blocks] if blocks else []


def seed_section(page: Page) -> list[Block]:
    blocks: list[Block] = []
    for seed in page.schema.seeds:
        blocks += _seed_blocks(seed)
    if not blocks:
        return []
    on = "on the key" if all(s.key for s in page.schema.seeds) else "on the key, if any"
    intro = (
        f"Rows the migrations insert, idempotently (`INSERT ... ON CONFLICT` {on}): "
        "running them again changes nothing."
    )
    return [["## Seed data"], [intro], *blocks]


def _seed_blocks(seed: SeedTable) -> list[Block]:
    if not seed.key:
        policy = "No key: a row that conflicts with a unique constraint is skipped."
    elif seed.on_conflict == "update" and seed.update is not None:
        policy = (
            f"Key: ({codes(seed.key, cell=False)}); a row whose key exists takes "
            f"{codes(seed.update, cell=False)} from the seed."
        )
    else:
        existing = "updated" if seed.on_conflict == "update" else "kept as it is"
        policy = f"Key: ({codes(seed.key, cell=False)}); a row whose key exists is {existing}."
    columns: list[str] = []
    for row in seed.rows:
        columns += [name for name, _ in row if name not in columns]
    rows = []
    for row in seed.rows:
        values = dict(row)
        rows.append([code(values.get(name, "")) for name in columns])
    return [
        [f"### {code(display_name(seed.table_schema, seed.table), cell=False)}"],
        [policy],
        table([code(name) for name in columns], rows),
    ]
