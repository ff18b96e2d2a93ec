"""The lint stage: run the rules over a resolved Schema and return located diagnostics.

Pure: the schema and settings come in, diagnostics go out, nothing is read or written. Which
rules run comes from config (`[tool.schemac.lint]` select/ignore/severity) and the command line
(`select`/`ignore` arguments, which win over config); findings are then filtered through the
`lint: {ignore: [...]}` entries of columns, tables, enums and files, and every entry that
suppressed nothing is reported (SC001) so that stale suppressions do not pile up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from schemac.config import Settings
from schemac.diagnostics import Diagnostic, Severity
from schemac.model.schema import Schema
from schemac.rules import (
    ALL_RULES,
    PLANNER_PREFIX,
    get_rule,
    is_known_selector,
    matches,
    select_rules,
    suggest_rule,
    unknown_rule,
    unused_suppression,
)
from schemac.rules.base import Finding, Rule
from schemac.rules.context import LintContext
from schemac.source import Span

#: a suppression owner: ("column", "public.users", "email"), ("table", "public.users"),
#: ("enum", "public.user_role") or ("document", "specs/identity.md")
Owner = tuple[str, ...]


@dataclass
class _Suppression:
    """One `lint: {ignore: [...]}` entry and whether it suppressed a finding of a rule that ran."""

    owner: Owner
    selector: str
    span: Span | None
    describe: str
    used: bool = False


@dataclass
class _Suppressions:
    """Every ignore entry of the schema, indexed by owner."""

    by_owner: dict[Owner, list[_Suppression]] = field(default_factory=dict)

    def add(self, owner: Owner, selectors: Iterable[str], span: Span | None, what: str) -> None:
        entries = [_Suppression(owner, s, span, what) for s in selectors]
        if entries:
            self.by_owner[owner] = entries

    def suppress(self, rule: Rule, owners: Iterable[Owner]) -> bool:
        """Mark the innermost entry that suppresses the rule; False when none does."""
        for owner in owners:
            for entry in self.by_owner.get(owner, ()):
                if matches(rule, entry.selector):
                    entry.used = True
                    return True
        return False


def _collect_suppressions(schema: Schema) -> _Suppressions:
    found = _Suppressions()
    for doc in schema.documents:
        found.add(("document", doc.path), doc.lint_ignore, Span(doc.path, 1, 1), doc.path)
    for table in schema.tables:
        qname = table.qualified_name
        found.add(("table", qname), table.lint_ignore, table.span, f"table '{table.name}'")
        for column in table.columns:
            if not column.lint_ignore:
                continue
            found.add(
                ("column", qname, column.name),
                column.lint_ignore,
                column.span or table.span,
                f"column '{table.name}.{column.name}'",
            )
    for enum in schema.enums:
        found.add(("enum", enum.qualified_name), enum.lint_ignore, enum.span, f"enum '{enum.name}'")
    return found


def _owners(finding: Finding) -> list[Owner]:
    """The objects whose ignore entries may suppress a finding, innermost first."""
    owners: list[Owner] = []
    document: str | None = finding.span.path if finding.span is not None else None
    if finding.table is not None:
        qname = finding.table.qualified_name
        if finding.column is not None:
            owners.append(("column", qname, finding.column.name))
        owners.append(("table", qname))
        document = finding.table.document or document
    if finding.enum is not None:
        owners.append(("enum", finding.enum.qualified_name))
    if document is not None:
        owners.append(("document", document))
    return owners


def _specificity(selector: str) -> int:
    return 1000 if get_rule(selector) is not None else len(selector)


def effective_severity(rule: Rule, settings: Settings) -> Severity:
    """The rule's severity after config overrides (a code or name beats a prefix)."""
    best: tuple[int, str] | None = None
    for selector, level in settings.lint.severity.items():
        if matches(rule, selector):
            candidate = (_specificity(selector), level)
            if best is None or candidate[0] > best[0]:
                best = candidate
    return Severity(best[1]) if best is not None else rule.severity


def active_rules(
    settings: Settings, select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> tuple[Rule, ...]:
    """The rules a lint run uses: command-line `select` replaces config `select`; ignores add up.

    A rule named exactly (by code or name) in the command-line `select` runs even when config
    ignores it: the command line says what the user wants now.
    """
    selected = tuple(select) or settings.lint.select
    if selected:
        chosen = {rule for s in selected for rule in select_rules(s)}
        base = tuple(rule for rule in ALL_RULES if rule in chosen)
    else:
        base = ALL_RULES
    explicit = {rule for s in select if (rule := get_rule(s)) is not None}
    active = []
    for rule in base:
        if any(matches(rule, s) for s in ignore):
            continue
        if rule not in explicit and any(matches(rule, s) for s in settings.lint.ignore):
            continue
        active.append(rule)
    return tuple(active)


def selector_errors(
    settings: Settings, select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> list[Diagnostic]:
    """SC002 errors for selectors (config and command line) that name no rule."""
    sources = (
        ("--select", select),
        ("--ignore", ignore),
        ("[tool.schemac.lint] select", settings.lint.select),
        ("[tool.schemac.lint] ignore", settings.lint.ignore),
        ("[tool.schemac.lint] severity", tuple(settings.lint.severity)),
    )
    errors = []
    for where, selectors in sources:
        for selector in selectors:
            if not is_known_selector(selector):
                hint = suggest_rule(selector)
                errors.append(
                    Diagnostic(
                        unknown_rule.RULE.code,
                        Severity.ERROR,
                        f"unknown rule '{selector}' in {where}",
                        None,
                        f"did you mean '{hint}'?" if hint else "see `schemac rules`",
                        unknown_rule.RULE.name,
                    )
                )
    return errors


def _unused(
    suppressions: _Suppressions, ran: tuple[Rule, ...], severity: Severity
) -> list[Diagnostic]:
    sc001 = unused_suppression.RULE
    found = []
    for entries in suppressions.by_owner.values():
        if any(matches(sc001, e.selector) for e in entries):
            continue  # the owner silences SC001 itself
        for entry in entries:
            if entry.used:
                continue
            if not is_known_selector(entry.selector):
                hint = suggest_rule(entry.selector)
                message = f"lint ignore on {entry.describe} names no rule: '{entry.selector}'"
                help = f"did you mean '{hint}'?" if hint else "see `schemac rules`"
            elif entry.selector.strip().upper().startswith(PLANNER_PREFIX) or not any(
                matches(rule, entry.selector) for rule in ran
            ):
                continue  # planner rules and rules that did not run cannot prove it unused
            else:
                message = (
                    f"lint ignore of '{entry.selector}' on {entry.describe} suppresses nothing"
                )
                help = f"remove '{entry.selector}' from the lint ignore list"
            found.append(Diagnostic(sc001.code, severity, message, entry.span, help, sc001.name))
    return found


def lint(
    schema: Schema,
    settings: Settings,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> list[Diagnostic]:
    """Lint a resolved schema: findings of the active rules, in file/line order.

    The rules run without the cyclic collector (as the pipeline's other allocation-heavy
    stages do): they build indexes and findings by the ten thousand and free no cycles, so the
    forty collections a 1,000-table lint would trigger find nothing, and a full one would walk
    the resolved schema's million objects.
    """
    # late: the pipeline imports this module only when it lints
    from schemac.pipeline import _gc_paused

    with _gc_paused():
        return _lint(schema, settings, select, ignore)


def _lint(
    schema: Schema, settings: Settings, select: Sequence[str], ignore: Sequence[str]
) -> list[Diagnostic]:
    diagnostics = selector_errors(settings, select, ignore)
    rules = active_rules(settings, select, ignore)
    ctx = LintContext(schema, settings)
    suppressions = _collect_suppressions(schema)
    ran = tuple(rule for rule in rules if rule.scope == "schema")
    for rule in ran:
        severity = effective_severity(rule, settings)
        for finding in rule.check(ctx):
            if suppressions.suppress(rule, _owners(finding)):
                continue
            diagnostics.append(
                Diagnostic(
                    rule.code, severity, finding.message, finding.span, finding.help, rule.name
                )
            )
    if unused_suppression.RULE in rules:
        severity = effective_severity(unused_suppression.RULE, settings)
        diagnostics.extend(_unused(suppressions, ran, severity))
    return sorted(diagnostics, key=Diagnostic.sort_key)
