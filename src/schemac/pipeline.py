"""The only place stages are chained: load, parse, resolve, lint, plan, render, write (verify).

Stage functions are pure; this module reads the clock and prints, and `write.py` is the only
writer. `run_*` functions return exit codes for the CLI.
"""

from __future__ import annotations

import datetime
import gc
import sys
from collections.abc import Iterator, Sequence
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


@dataclass(frozen=True)
class BuildOptions:
    specs: Path
    out: Path
    slug: str | None = None
    lint: bool = True
    verify: bool = False
    #: False for `schemac plan`: print the SQL instead of writing it
    write: bool = True
    allow_destructive: bool = False
    #: `schemac plan --format`: text or json
    output_format: str = "text"


@dataclass(frozen=True)
class Rendered:
    """One build's output: the plan, the files to add, the snapshot and the sum as they will be."""

    plan: Any
    files: list[Any]
    snapshot: str
    sum_text: str
    problems: list[Any]


def render_plan(
    schema: Schema,
    settings: Settings,
    out: Path,
    slug: str | None,
    now: datetime.datetime,
    previous: Any = None,
) -> Rendered:
    """Plan the changes from the previous snapshot (or from nothing) to the schema and render
    them into migration files (syntax-checked)."""
    from schemac.plan.diff import plan as make_plan
    from schemac.render.environment import make_environment
    from schemac.render.files import UnitSql, layout_files, next_version, read_migrations
    from schemac.render.sql import render_unit
    from schemac.snapshot import dump_snapshot, snapshot_hash
    from schemac.write import sum_for_build

    parent = previous.hash if previous is not None else None
    snapshot = dump_snapshot(schema, parent)
    marks = (parent, snapshot_hash(snapshot)) if parent is not None else None
    with _gc_paused():
        plan, problems = make_plan(previous.schema if previous is not None else Schema(), schema)
        env = make_environment(settings.templates_dir)
        incremental = previous is not None
        units = [
            UnitSql(
                render_unit(up, env, settings, direction="up", marks=marks, labels=incremental),
                render_unit(down, env, settings, direction="down", labels=incremental),
                up.transactional,
                up.name,
            )
            for up, down in zip(plan.up, plan.down, strict=True)
        ]
    existing = read_migrations(out, settings.format) if out.is_dir() else []
    version = next_version(existing, settings.versioning, now)
    default_slug = "changes" if previous is not None else "initial_schema"
    files = layout_files(settings.format, units, version, slug or default_slug)
    existing_names = [p.name for m in existing for p in m.paths]
    return Rendered(
        plan, files, snapshot, sum_for_build(out, existing_names, files, snapshot), problems
    )


def _fail(message: str, help_: str | None = None) -> None:
    print(f"error: {message}", file=sys.stderr)
    if help_:
        print(f"  help: {help_}", file=sys.stderr)


def _previous(out: Path, like: Schema | None = None) -> tuple[Any, int | None]:
    """The directory's snapshot, or the exit code of a snapshot that cannot be read."""
    from schemac.history import read_snapshot
    from schemac.snapshot import SnapshotError

    try:
        return read_snapshot(out, like), None
    except SnapshotError as exc:
        _fail(exc.message, exc.help)
        return None, EXIT_INPUT


def _safety(
    rendered: Rendered, previous: Any, schema: Schema, settings: Settings, allow: bool
) -> list[Diagnostic]:
    if previous is None:
        return []  # a first build creates everything: nothing live can be hurt
    from schemac.rules.safety import check_plan

    return check_plan(
        rendered.plan,
        previous.schema,
        schema,
        lock_timeout=settings.lock_timeout,
        allow_destructive=allow,
        ignore=settings.lint.ignore,
        severity=settings.lint.severity,
    )


def run_build(settings: Settings, options: BuildOptions) -> int:
    from schemac.report import VERBOSITY, Verbosity, no_tables_warning, report_lint

    schema, diagnostics = load_schema(options.specs, settings)
    if schema is None or has_errors(diagnostics):
        _print(diagnostics)
        return EXIT_INPUT
    if VERBOSITY.get() is not Verbosity.QUIET:
        _print([d for d in diagnostics if d.severity is Severity.INFO])
    no_tables_warning(len(schema.tables), options.specs)
    if options.lint:
        findings = _lint(schema, settings)
        report_lint(findings, options.specs)
        if has_errors(findings):
            _fail("lint found errors; the build is refused (use --no-lint to build anyway)")
            return EXIT_FINDINGS
    import contextlib

    from schemac import lock

    # from reading the snapshot to the last rename, so a concurrent build plans from this
    # one's result instead of from the same snapshot
    out = options.out
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(lock.exclusive(out, "build") if options.write else lock.shared(out))
        except lock.LockBusy as exc:
            _fail(exc.message, exc.help)
            return EXIT_ENV
        except OSError as exc:  # the directory or its lock file cannot be created
            _fail(
                f"cannot write the migrations to {out}: {exc.strerror or exc}",
                "check that the directory is writable (or pass another one with -o); "
                "nothing was changed",
            )
            return EXIT_INPUT
        code = _recover(out) if options.write else _refuse_interrupted(options.specs, out)
        return code if code is not None else _build_locked(settings, options, schema)


def _recover(out: Path) -> int | None:
    """Undo what interrupted commands left in `out`, saying so; an exit code when that fails."""
    from schemac.write import recover

    try:
        leftovers = recover(out)
    except OSError as exc:
        _fail(f"cannot clean up after an interrupted build in {out}: {exc.strerror or exc}")
        return EXIT_INPUT
    for line in leftovers.lines():
        print(f"build: {line}", file=sys.stderr)
    if leftovers.interrupted:
        print(f"build: undone: {out} is back to what {SUM} lists", file=sys.stderr)
    elif leftovers.temps:
        print("build: removed them", file=sys.stderr)
    return None


def _refuse_interrupted(specs: Path, out: Path) -> int | None:
    """`plan` reads a directory without repairing it: refuse one an interrupted build left."""
    from schemac.sums import find_leftovers

    leftovers = find_leftovers(out)
    if not leftovers.interrupted:
        return None
    _fail(leftovers.lines()[0], _repair_hint(specs, out))
    return EXIT_FINDINGS


def _repair_hint(specs: Path, out: Path) -> str:
    from schemac.history import repair_hint

    return repair_hint(f"schemac build {specs} -o {out}")


def _build_locked(settings: Settings, options: BuildOptions, schema: Schema) -> int:
    from schemac.report import note, render_text
    from schemac.snapshot import same_schema

    previous, code = _previous(options.out, like=schema)
    if code is not None:
        return code
    if previous is not None:
        from schemac.snapshot import existing_column_order

        schema = existing_column_order(previous.schema, schema)
    if previous is not None and same_schema(previous.schema, schema):
        note(f"nothing to do: {options.out} is up to date with {options.specs}")
        return EXIT_OK
    if previous is not None and options.write:
        from schemac.write import verify_sum

        tampered = verify_sum(options.out)
        if tampered:
            for problem in tampered:
                print(f"build: {problem}", file=sys.stderr)
            _fail(
                f"{options.out} does not match its {SUM}: nothing was built",
                f"restore the files, or run 'schemac hash -m {options.out}' if the edit was "
                "intended",
            )
            return EXIT_FINDINGS
    now = datetime.datetime.now(datetime.UTC)
    rendered = render_plan(schema, settings, options.out, options.slug, now, previous)
    if rendered.problems:
        for problem in rendered.problems:
            where = f"{problem.span}: " if problem.span else ""
            print(f"{where}error: {problem.message}\n  help: {problem.help}", file=sys.stderr)
        return EXIT_FINDINGS
    safety = _safety(rendered, previous, schema, settings, options.allow_destructive)
    if safety:
        print(render_text(safety), file=sys.stderr)
    if has_errors(safety):
        _fail(
            "the migration is refused by the safety rules above; nothing was written",
            "follow each help line, or pass --allow-destructive for an intended destructive change",
        )
        return EXIT_FINDINGS
    if not rendered.plan.up:
        note("nothing to do: the specs differ from the snapshot only in what no migration holds")
        return EXIT_OK
    if not options.write:
        from schemac.plan_output import print_plan

        print_plan(rendered, options.output_format, settings.templates_dir)
        return EXIT_OK
    if options.verify:
        code = _verify_before_writing(settings, options, schema, rendered)
        if code != EXIT_OK:
            _fail(f"verification failed: nothing was written to {options.out}")
            return code
    from schemac.write import WriteError, write_build

    try:
        written = write_build(options.out, rendered.files, rendered.snapshot, rendered.sum_text)
    except WriteError as exc:
        _fail(exc.message, exc.help)
        return EXIT_INPUT
    for path in written:
        note(f"wrote {path}")
    return EXIT_OK


def _verify_before_writing(
    settings: Settings, options: BuildOptions, schema: Schema, rendered: Rendered
) -> int:
    """Verify the history as it would be (existing files plus the new ones) in a scratch copy,
    so a failed verification leaves the migrations directory exactly as it was."""
    import shutil
    import tempfile

    from schemac.lock import LOCK_NAME
    from schemac.write import write_build

    with tempfile.TemporaryDirectory(prefix="schemac-build-") as scratch:
        copy = Path(scratch) / "migrations"
        if options.out.is_dir():
            shutil.copytree(options.out, copy, ignore=shutil.ignore_patterns(LOCK_NAME))
        write_build(copy, rendered.files, rendered.snapshot, rendered.sum_text)
        planned = [change for unit in rendered.plan.up for change in unit.changes]
        return run_verify(settings, options.specs, copy, schema=schema, planned=planned)


def run_check(settings: Settings, specs: Path, migrations: Path, *, verify: bool) -> int:
    """lint + untampered (sum) + one history (no merged branches) + up to date [+ verify]."""
    from schemac import lock
    from schemac.report import no_tables_warning, note, report_lint

    schema, diagnostics = load_schema(specs, settings)
    if schema is None or has_errors(diagnostics):
        _print(diagnostics)
        return EXIT_INPUT
    no_tables_warning(len(schema.tables), specs)
    problems: list[str] = []
    findings = _lint(schema, settings)
    report_lint(findings, specs)
    if has_errors(findings):
        problems.append("lint found errors: fix them (see above)")
    from schemac.history import directory_problems
    from schemac.snapshot import SnapshotError

    build = f"schemac build {specs} -o {migrations}"
    try:
        with lock.shared(migrations):  # so a build is never seen halfway
            problems += directory_problems(migrations, settings.format, schema, build)
    except lock.LockBusy as exc:
        _fail(exc.message, exc.help)
        return EXIT_ENV
    except SnapshotError as exc:
        _fail(exc.message, exc.help)
        return EXIT_INPUT
    if settings.document is not None:
        problems += _document_problems(settings, specs, Path(settings.document))
    for problem in problems:
        print(f"check: {problem}", file=sys.stderr)
    if problems:
        return EXIT_FINDINGS
    note(f"check: {migrations} is up to date and untampered")
    if verify:
        return run_verify(settings, specs, migrations, schema=schema, fresh_compare=True)
    return EXIT_OK


def _document_problems(settings: Settings, specs: Path, path: Path) -> list[str]:
    """The committed schema document (config `document`) against what the specs make now."""
    from schemac.document.markdown import render_document
    from schemac.document.source import load_documented

    regenerate = f"run 'schemac docs {specs} -o {path}' and commit it"
    documented, _ = load_documented(specs, settings)
    if documented is None:
        return []  # the specs loaded a moment ago: nothing new to say
    try:
        current = path.read_bytes()
    except FileNotFoundError:
        return [f"the schema document {path} (config 'document') does not exist: {regenerate}"]
    except OSError as exc:
        return [f"cannot read the schema document {path}: {exc.strerror or exc}"]
    if current != render_document(documented, settings).encode("utf-8"):
        return [f"the schema document {path} is stale (or edited by hand): {regenerate}"]
    return []


def run_verify(
    settings: Settings,
    specs: Path,
    migrations: Path,
    *,
    schema: Schema | None = None,
    report: bool = False,
    output_format: str = "text",
    round_trip: bool = True,
    fresh_compare: bool = False,
    planned: Sequence[Any] = (),
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
            fresh=fresh_units(schema, settings) if fresh_compare else None,
            planned=planned,
        )
    except EnvironmentProblem as exc:
        _fail(exc.message, exc.help)
        return EXIT_ENV


def fresh_units(schema: Schema, settings: Settings) -> list[tuple[str, bool]]:
    """The migration units of a fresh build of the schema (to compare a replayed history with)."""
    from schemac.plan.diff import fresh_plan
    from schemac.render.environment import make_environment
    from schemac.render.sql import render_unit

    env = make_environment(settings.templates_dir)
    return [
        (render_unit(unit, env, settings, direction="up"), unit.transactional)
        for unit in fresh_plan(schema).up
    ]


def _lint(schema: Schema, settings: Settings) -> list[Diagnostic]:
    from schemac.lint import lint

    return lint(schema, settings)


def _print(diagnostics: list[Diagnostic]) -> None:
    if not diagnostics:
        return
    from schemac.report import render_text

    print(render_text(diagnostics), file=sys.stderr)
