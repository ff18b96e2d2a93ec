"""`schemac lint` and `schemac rules`: check specs against the conventions, document the rules.

Only click and the standard library are imported at module level; the pipeline, the rules and
the reporters are imported inside the commands so that `schemac --help` stays fast and
`schemac lint` never pulls in psycopg, testcontainers, jinja2 or pglast.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from schemac.commands import options
from schemac.diagnostics import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK
from schemac.report import FORMATS


def _split(values: Iterable[str]) -> tuple[str, ...]:
    """`--select SC2,SC301 --select SC1` -> (SC2, SC301, SC1)."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@click.command("lint")
@click.argument("specs", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format (default: text; github inside GitHub Actions). sarif: SARIF 2.1.0 for "
    "code scanning; gitlab: a GitLab Code Quality report.",
)
@click.option("--select", multiple=True, help="Only these rules: codes, names or prefixes (SC2).")
@click.option("--ignore", multiple=True, help="Skip these rules: codes, names or prefixes.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
@options.config_option()
def lint_command(
    specs: Path | None,
    fmt: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str,
    config: str | None,
) -> None:
    """Check SPECS against the schema conventions (see `schemac rules`).

    SPECS is the specs directory or file (default: config 'specs').

    Exit status: 0 clean or only warnings, 1 errors (or warnings with --fail-on warning),
    2 bad input.
    """
    from schemac.cli import settings_for
    from schemac.diagnostics import Severity, has_errors
    from schemac.lint import lint, selector_errors
    from schemac.pipeline import load_schema
    from schemac.report import (
        VERBOSITY,
        Verbosity,
        checkout_root,
        choose_format,
        no_tables_warning,
        render,
        render_text,
        summary,
    )

    settings = settings_for(config, specs)
    quiet = VERBOSITY.get() is Verbosity.QUIET
    selected, ignored = _split(select), _split(ignore)
    bad_selectors = selector_errors(settings, selected, ignored)
    if bad_selectors:
        click.echo(render_text(bad_selectors), err=True)
        sys.exit(EXIT_INPUT)

    specs = specs or Path(settings.specs)
    schema, load_diags = load_schema(specs, settings)
    if schema is None or has_errors(load_diags):
        click.echo(render_text(load_diags), err=True)
        sys.exit(EXIT_INPUT)
    if load_diags and not quiet:
        click.echo(render_text(load_diags), err=True)
    no_tables_warning(len(schema.tables), specs)
    # the loaded schema lives until exit: keep the collector from rescanning its many objects
    # during the lint pass (a third of the lint time on a 1,000-table spec)
    gc.freeze()

    findings = lint(schema, settings, select=selected, ignore=ignored)
    output_format = choose_format(fmt, os.environ)
    failing = {Severity.ERROR} | ({Severity.WARNING} if fail_on == "warning" else set())
    if output_format == "text":
        # -q: only the findings that fail the command, without the closing line
        shown = [d for d in findings if d.severity in failing] if quiet else findings
        if shown:
            click.echo(render_text(shown))
        if not quiet:
            click.echo(summary(findings))
    elif findings or output_format != "github":
        root = checkout_root(os.environ, Path.cwd())
        click.echo(render(findings, output_format, root=root))

    sys.exit(EXIT_FINDINGS if any(d.severity in failing for d in findings) else EXIT_OK)


@click.command("rules")
@click.argument("rule", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output: a table (one rule a line, or the rule's documentation), or json.",
)
def rules_command(rule: str | None, fmt: str) -> None:
    """List every lint rule, or show the documentation of RULE (a code or a name)."""
    import json

    from schemac.rules import ALL_RULES, get_rule, suggest_rule
    from schemac.rules.base import Rule
    from schemac.rules.safety import PLANNER_RULES, get_planner_rule
    from schemac.rules.safety.base import PlannerRule

    every: list[Rule | PlannerRule] = [*ALL_RULES, *PLANNER_RULES]
    if rule is None:
        if fmt == "json":
            rows = [
                {"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary}
                for r in every
            ]
            click.echo(json.dumps(rows, indent=2))
            return
        width = max(len(r.name) for r in every)
        notes = {"resolver": " (raised by the resolver)", "planner": " (checked by build)"}
        for r in every:
            note = notes.get(r.scope, "")
            click.echo(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary}{note}")
        return

    found: Rule | PlannerRule | None = get_rule(rule) or get_planner_rule(rule)
    if found is None:
        click.echo(f"error: unknown rule '{rule}'", err=True)
        hint = suggest_rule(rule)
        click.echo(
            f"  help: did you mean '{hint}'?" if hint else "  help: `schemac rules` lists them",
            err=True,
        )
        sys.exit(EXIT_INPUT)
    if fmt == "json":
        data = {
            "code": found.code,
            "name": found.name,
            "severity": found.severity.value,
            "summary": found.summary,
            "doc": (found.doc or "").strip(),
        }
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{found.code} {found.name} ({found.severity.value})\n")
    click.echo((found.doc or "").strip())
