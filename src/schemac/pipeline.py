"""The only place stages are chained: load, parse, resolve, lint, plan, render, write (verify).

Stage functions are pure; this module reads the clock and prints, and `write.py` is the only
writer. `run_*` functions return exit codes for the CLI.
"""

from __future__ import annotations

import datetime
import gc
import json
import sys
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemac.config import Settings
from schemac.diagnostics import (
    EXIT_ENV,
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_OK,
    Diagnostic,
    EnvironmentProblem,
    Severity,
    has_errors,
)
from schemac.model.schema import Schema

SNAPSHOT = "schemac.snapshot.json"
SUM = "schemac.sum"


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Run an allocation-heavy stage (load, snapshot, render) without the cyclic collector.

    On a large schema these stages allocate about a million objects and leave almost no garbage
    cycles: the collector would walk the growing heap again and again to find nothing (a third
    of a large build). Reference counting still frees what a stage drops. What survives is then
    moved to the oldest generation at once (what repeated young collections would do one by
    one), so no young collection walks it right after the stage; a full collection still would.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:  # never unfreeze what an embedding program froze
            gc.freeze()
            gc.unfreeze()
        if collecting:
            gc.enable()


def load_schema(specs: Path, settings: Settings) -> tuple[Schema | None, list[Diagnostic]]:
    """Load, parse and resolve a spec directory (or file). None when any input error exists."""
    from schemac.load.loader import load_specs
    from schemac.resolve import resolve
    from schemac.spec.parse import parse_document

    with _gc_paused():
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


#: the last schema snapshot_text() read (weakly: it must not outlive its users) and its text:
#: a build asks twice for the same schema (is the output up to date? then the files to write),
#: and a Schema value never changes
_last_snapshot: tuple[weakref.ref[Schema], str] | None = None


def snapshot_text(schema: Schema) -> str:
    """The resolved schema as stable JSON (spans and spec-only fields excluded).

    One top-level key per line and one object per line inside lists, so a schema change shows
    as a readable diff in review; each line comes from the C encoder (an indented dump would
    use the pure-Python one, ten times slower on large schemas).
    """
    global _last_snapshot
    if _last_snapshot is not None and _last_snapshot[0]() is schema:
        return _last_snapshot[1]
    with _gc_paused():
        data = schema.model_dump(mode="json")
        lines = ["{"]
        keys = sorted(data)
        for i, key in enumerate(keys):
            value = data[key]
            comma = "," if i < len(keys) - 1 else ""
            if isinstance(value, list) and value:
                items = [_compact(item) for item in value]
                lines.append(f"  {json.dumps(key)}: [")
                lines.extend(f"    {item}," for item in items[:-1])
                lines.append(f"    {items[-1]}")
                lines.append(f"  ]{comma}")
            else:
                lines.append(f"  {json.dumps(key)}: {_compact(value)}{comma}")
        lines.append("}")
    text = "\n".join(lines) + "\n"
    _last_snapshot = (weakref.ref(schema), text)
    return text


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class BuildOptions:
    specs: Path
    out: Path
    slug: str | None = None
    lint: bool = True
    verify: bool = False
    #: False for `schemac plan`: print the SQL instead of writing it
    write: bool = True


@dataclass(frozen=True)
class Rendered:
    """One build's output: the files to add, the snapshot and the sum as they will be."""

    files: list[Any]
    snapshot: str
    sum_text: str


def render_plan(
    schema: Schema, settings: Settings, out: Path, slug: str | None, now: datetime.datetime
) -> Rendered:
    """Plan and render a fresh build of the schema into migration files (syntax-checked)."""
    from schemac.plan.diff import fresh_plan
    from schemac.render.environment import make_environment
    from schemac.render.files import UnitSql, layout_files, next_version, read_migrations
    from schemac.render.sql import render_unit
    from schemac.write import sum_for_build

    with _gc_paused():
        plan = fresh_plan(schema)
        env = make_environment(settings.templates_dir)
        units = [
            UnitSql(
                render_unit(up, env, settings, direction="up"),
                render_unit(down, env, settings, direction="down"),
                up.transactional,
            )
            for up, down in zip(plan.up, plan.down, strict=True)
        ]
    existing = read_migrations(out, settings.format) if out.is_dir() else []
    version = next_version(existing, settings.versioning, now)
    files = layout_files(settings.format, units, version, slug or "initial_schema")
    snapshot = snapshot_text(schema)
    existing_names = [p.name for m in existing for p in m.paths]
    return Rendered(files, snapshot, sum_for_build(out, existing_names, files, snapshot))


def run_build(settings: Settings, options: BuildOptions) -> int:
    from schemac.report import render_text

    schema, diagnostics = load_schema(options.specs, settings)
    if schema is None or has_errors(diagnostics):
        _print(diagnostics)
        return EXIT_INPUT
    _print([d for d in diagnostics if d.severity is Severity.INFO])
    if options.lint:
        findings = _lint(schema, settings)
        if findings:
            print(render_text(findings), file=sys.stderr)
        if has_errors(findings):
            print(
                "error: lint found errors; the build is refused (use --no-lint to build anyway)",
                file=sys.stderr,
            )
            return EXIT_FINDINGS
    snapshot_path = options.out / SNAPSHOT
    previous = snapshot_path.read_text(encoding="utf-8") if snapshot_path.is_file() else None
    current = snapshot_text(schema)
    if previous is not None and previous == current:
        print(f"nothing to do: {options.out} is up to date with {options.specs}")
        return EXIT_OK
    if previous is not None:
        print(
            f"error: {options.out} already holds migrations for a different schema; incremental "
            "planning of changes to an existing schema is not available in this version",
            file=sys.stderr,
        )
        print(
            "  help: build into an empty directory, or restore the specs the snapshot records",
            file=sys.stderr,
        )
        return EXIT_INPUT
    now = datetime.datetime.now(datetime.UTC)
    rendered = render_plan(schema, settings, options.out, options.slug, now)
    if not options.write:
        for file in rendered.files:
            print(f"-- {file.name}\n{file.content}")
        return EXIT_OK
    from schemac.write import WriteError, write_build

    try:
        written = write_build(options.out, rendered.files, rendered.snapshot, rendered.sum_text)
    except WriteError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.help:
            print(f"  help: {exc.help}", file=sys.stderr)
        return EXIT_INPUT
    for path in written:
        print(f"wrote {path}")
    if options.verify:
        return run_verify(settings, options.specs, options.out, schema=schema)
    return EXIT_OK


def run_check(settings: Settings, specs: Path, migrations: Path, *, verify: bool) -> int:
    """lint + up to date (snapshot equals specs) + untampered (sum file) [+ verify]."""
    from schemac.report import render_text
    from schemac.write import verify_sum

    schema, diagnostics = load_schema(specs, settings)
    if schema is None or has_errors(diagnostics):
        _print(diagnostics)
        return EXIT_INPUT
    problems: list[str] = []
    findings = _lint(schema, settings)
    if findings:
        print(render_text(findings), file=sys.stderr)
    if has_errors(findings):
        problems.append("lint found errors")
    snapshot_path = migrations / SNAPSHOT
    rebuild = f"run 'schemac build {specs} -o {migrations}'"
    if not snapshot_path.is_file():
        problems.append(f"no {SNAPSHOT} in {migrations}: {rebuild}")
    elif snapshot_path.read_text(encoding="utf-8") != snapshot_text(schema):
        # incremental planning does not exist yet, so a rebuild cannot add the missing migration
        problems.append(
            f"the specs have changes no migration holds: the snapshot in {migrations} records a "
            "different schema"
        )
    if (migrations / SUM).is_file():
        problems += [f"{SUM}: {p}" for p in verify_sum(migrations)]
    elif migrations.is_dir():
        problems.append(f"no {SUM} in {migrations}")
    for problem in problems:
        print(f"check: {problem}", file=sys.stderr)
    if problems:
        return EXIT_FINDINGS
    print(f"check: {migrations} is up to date and untampered")
    if verify:
        return run_verify(settings, specs, migrations, schema=schema)
    return EXIT_OK


def run_verify(
    settings: Settings,
    specs: Path,
    migrations: Path,
    *,
    schema: Schema | None = None,
    report: bool = False,
    output_format: str = "text",
    round_trip: bool = True,
) -> int:
    from schemac.verify.run import verify_migrations

    if schema is None:
        schema, diagnostics = load_schema(specs, settings)
        if schema is None:
            _print(diagnostics)
            return EXIT_INPUT
    try:
        return verify_migrations(
            schema,
            settings,
            migrations,
            report=report,
            output_format=output_format,
            round_trip=round_trip,
        )
    except EnvironmentProblem as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.help:
            print(f"  help: {exc.help}", file=sys.stderr)
        return EXIT_ENV


def _lint(schema: Schema, settings: Settings) -> list[Diagnostic]:
    from schemac.lint import lint

    return lint(schema, settings)


def _print(diagnostics: list[Diagnostic]) -> None:
    if not diagnostics:
        return
    from schemac.report import render_text

    print(render_text(diagnostics), file=sys.stderr)
