"""Migration-safety rules (SC5xx): checked on the typed changes of a planned migration.

`lint` never runs these rules (they need the schema before and after); an incremental build
calls `check_plan(plan, old, new, ...)` on the plan of `schemac.plan.diff.plan(old, new)`. The
rules read the changes' facts (`live`, `safety`, `locks`, `stage`, `concurrently`, ...), never
SQL text, so what they report is what the migration files will do.

Every diagnostic carries the rule's code and name, a message naming the object, the spec span
of the change (the new table's span when the change has none; an object removed from the specs
points at the table it was on, or nowhere), and a help line with the safe sequence.

Suppression works as for lint rules: `lint: {ignore: [SC504]}` on the column, table, enum or
file front-matter of the new specs, and the `ignore`/`severity` selectors of the configuration
(pass `settings.lint.ignore` / `settings.lint.severity`). The gate rules (SC503
destructive-change, SC508 enum-value-removal) ignore all of that: only `allow_destructive`
lifts them, turning their errors into warnings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from schemac.diagnostics import Diagnostic, Severity
from schemac.model.schema import Schema
from schemac.plan.changes import Plan
from schemac.rules.safety import (
    concurrent_index,
    destructive_change,
    enum_value_removal,
    enum_value_used_same_migration,
    foreign_key_not_valid,
    irreversible_change,
    lock_timeout,
    locking_change,
    not_null_without_default,
    rename,
    set_not_null,
    type_change,
    volatile_default,
)
from schemac.rules.safety.base import PlanContext, PlanFinding, PlannerRule

PLANNER_RULES: tuple[PlannerRule, ...] = (
    concurrent_index.RULE,
    volatile_default.RULE,
    destructive_change.RULE,
    rename.RULE,
    type_change.RULE,
    set_not_null.RULE,
    foreign_key_not_valid.RULE,
    enum_value_removal.RULE,
    lock_timeout.RULE,
    not_null_without_default.RULE,
    enum_value_used_same_migration.RULE,
    locking_change.RULE,
    irreversible_change.RULE,
)


def get_planner_rule(key: str) -> PlannerRule | None:
    """The planner rule with this code (`SC503`, any case) or name (`destructive-change`)."""
    wanted = key.strip()
    for rule in PLANNER_RULES:
        if rule.code == wanted.upper() or rule.name == wanted.lower():
            return rule
    return None


def matches(rule: PlannerRule, selector: str) -> bool:
    """A selector names the rule: its code, its name, or a code prefix (`SC5`, `SC50`)."""
    text = selector.strip()
    if text.upper() == rule.code or text.lower() == rule.name:
        return True
    prefix = text.upper()
    return len(prefix) >= 2 and prefix.startswith("SC") and rule.code.startswith(prefix)


def _specificity(rule: PlannerRule, selector: str) -> int:
    text = selector.strip()
    return 1000 if text.upper() == rule.code or text.lower() == rule.name else len(text)


def _severity(rule: PlannerRule, overrides: Mapping[str, str]) -> Severity:
    """The rule's severity after config overrides (a code or name beats a prefix)."""
    best: tuple[int, str] | None = None
    for selector, level in overrides.items():
        if matches(rule, selector):
            candidate = (_specificity(rule, selector), level)
            if best is None or candidate[0] > best[0]:
                best = candidate
    return Severity(best[1]) if best is not None else rule.severity


def _ignores(finding: PlanFinding, new: Schema) -> list[str]:
    """The `lint: {ignore: [...]}` selectors of the objects a finding belongs to."""
    found: list[str] = []
    if finding.column is not None:
        found += finding.column.lint_ignore
    if finding.table is not None:
        found += finding.table.lint_ignore
    if finding.enum is not None:
        found += finding.enum.lint_ignore
    document = finding.table.document if finding.table is not None else None
    document = document or (finding.span.path if finding.span is not None else None)
    if document is not None:
        for doc in new.documents:
            if doc.path == document:
                found += doc.lint_ignore
    return found


def check_plan(
    plan: Plan,
    old: Schema,
    new: Schema,
    *,
    lock_timeout: str | None,
    allow_destructive: bool,
    ignore: Sequence[str] = (),
    severity: Mapping[str, str] | None = None,
    rules: Sequence[PlannerRule] = PLANNER_RULES,
) -> list[Diagnostic]:
    """The migration-safety diagnostics of a plan from `old` to `new`, in file/line order.

    `lock_timeout` is the configured value (None or 0: not set); `allow_destructive` turns the
    gate rules' errors into warnings. `ignore` and `severity` are the configuration's lint
    selectors; `rules` limits the check to some rules.
    """
    ctx = PlanContext(plan, old, new, lock_timeout, allow_destructive)
    overrides = severity or {}
    diagnostics: list[Diagnostic] = []
    for rule in rules:
        if not rule.gate and any(matches(rule, s) for s in ignore):
            continue
        level = rule.severity if rule.gate else _severity(rule, overrides)
        for found in rule.check(ctx):
            if not rule.gate and any(matches(rule, s) for s in _ignores(found, new)):
                continue
            diagnostics.append(
                Diagnostic(
                    rule.code,
                    found.severity or level,
                    found.message,
                    found.span,
                    found.help,
                    rule.name,
                )
            )
    return sorted(diagnostics, key=Diagnostic.sort_key)


__all__ = [
    "PLANNER_RULES",
    "PlanContext",
    "PlanFinding",
    "PlannerRule",
    "check_plan",
    "get_planner_rule",
    "matches",
]
