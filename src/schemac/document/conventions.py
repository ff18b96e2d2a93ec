"""The schema document's conventions, type standards and migration rules, read from the rule
registries and the configuration (never written by hand, so they say what is enforced).

- Conventions and type standards: the lint rules `lint` runs with this configuration (config
  `select`/`ignore`), each with its severity after config overrides, and the objects the specs
  exempt from it (`lint: {ignore: [...]}`), plus the configured values rules read
  (`conventions.required_columns`, `conventions.money_columns`, `tenancy`).
- Migrations: the layout, versioning and timeouts of the configuration, and the planner's
  migration-safety rules (SC5xx) with their severities.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemac.config import Settings
from schemac.diagnostics import Severity
from schemac.document.markup import code, codes, table, text
from schemac.document.page import Block, Page, display_name
from schemac.rules.base import Rule
from schemac.rules.safety.base import PlannerRule

#: rule code prefix -> the heading of its group (LINT_RULES.md)
GROUPS = (
    ("SC1", "Naming"),
    ("SC2", "Type standards"),
    ("SC3", "Structure"),
    ("SC4", "Tenancy and security"),
)

#: what each layout writes, by config `format`
LAYOUTS = {
    "flyway": "`V{version}__{slug}.sql`, undone by `U{version}__{slug}.sql`; a migration that "
    "cannot run in a transaction also gets `V{version}__{slug}.sql.conf` "
    "(`executeInTransaction=false`)",
    "golang-migrate": "`{version}_{slug}.up.sql` and `{version}_{slug}.down.sql`",
    "dbmate": "`{version}_{slug}.sql` with `-- migrate:up` and `-- migrate:down` sections",
}
VERSIONING = {
    "sequence": "sequence numbers (`0001`, `0002`, ...)",
    "timestamp": "UTC timestamps (`20261122093000`)",
}


def conventions_section(page: Page) -> list[Block]:
    from schemac.lint import active_rules, effective_severity

    settings = page.settings
    rules = [r for r in active_rules(settings) if r.scope != "lint"]
    blocks: list[Block] = []
    for prefix, title in GROUPS:
        group = [r for r in rules if r.code.startswith(prefix)]
        if not group:
            continue
        exempt = {r.code: _exemptions(page, r) for r in group}
        header = ["Rule", "Convention", "Severity"]
        rows = []
        for rule in group:
            severity = (
                rule.severity if rule.scope == "resolver" else effective_severity(rule, settings)
            )
            row = [f"{rule.code} {code(rule.name)}", _trusted(rule.summary), _severity(severity)]
            if any(exempt.values()):
                row.append(codes(exempt[rule.code]))
            rows.append(row)
        if any(exempt.values()):
            header.append("Exempt in the specs")
        blocks += [[f"### {title}"], table(header, rows)]
        blocks += _configured(settings, group)
    if not blocks:
        return []
    intro = (
        "Enforced by `schemac lint` (and `build`, `check`) with this project's configuration; "
        "`schemac rules CODE` explains each rule. Errors stop a build."
    )
    return [["## Conventions"], [intro], *blocks]


def _severity(severity: Severity) -> str:
    return severity.value


def _trusted(markdown: str) -> str:
    """A rule's own documentation (Markdown already) in a table cell."""
    return markdown.replace("|", "\\|")


def _exemptions(page: Page, rule: Rule) -> list[str]:
    """The objects whose `lint: {ignore: [...]}` names the rule."""
    from schemac.rules import matches

    def hit(selectors: Sequence[str]) -> bool:
        return any(matches(rule, s) for s in selectors)

    found: list[str] = []
    for doc in page.schema.documents:
        if hit(doc.lint_ignore):
            found.append(f"{page.documented.name_of(doc.path) or doc.path} (whole spec)")
    for t in page.schema.tables:
        name = display_name(t.schema_name, t.name)
        if hit(t.lint_ignore):
            found.append(name)
        found += [f"{name}.{c.name}" for c in t.columns if hit(c.lint_ignore)]
    found += [display_name(e.schema_name, e.name) for e in page.schema.enums if hit(e.lint_ignore)]
    return found


def _configured(settings: Settings, group: list[Rule]) -> list[Block]:
    """The configured values the rules of a group read, when one of those rules runs."""
    codes_run = {r.code for r in group}
    conventions = settings.conventions
    lines: list[str] = []
    if "SC301" in codes_run:
        lines.append(f"- Standard columns (SC301): {codes(conventions.required_columns)}.")
    if "SC201" in codes_run:
        lines.append(
            f"- Money columns (SC201): {codes(conventions.money_columns)}, and names ending in "
            "one of them after `_`: `numeric(19,4)`."
        )
    if "SC402" in codes_run or "SC401" in codes_run:
        tenancy = settings.tenancy
        rls = "on" if tenancy.rls else "off"
        lines.append(
            f"- Tenancy: tenant table {code(tenancy.tenant_table)}, session setting "
            f"{code(tenancy.setting)}, row-level security {rls}."
        )
    return [lines] if lines else []


def migrations_section(page: Page) -> list[Block]:
    settings = page.settings
    rows = [
        ["Directory", code(settings.migrations)],
        ["Layout", f"{text(settings.format)}: {LAYOUTS[settings.format]}"],
        ["Versions", VERSIONING[settings.versioning]],
        [
            "Bookkeeping",
            "`schemac.snapshot.json` (the schema built so far), `schemac.sum` "
            "(checksums: `schemac check` fails on an edited migration)",
        ],
    ]
    if settings.lock_timeout is not None:
        rows.append(
            ["Lock timeout", f"{code(settings.lock_timeout)}, set at the top of every migration"]
        )
    if settings.statement_timeout is not None:
        rows.append(
            [
                "Statement timeout",
                f"{code(settings.statement_timeout)}, set at the top of every migration",
            ]
        )
    blocks: list[Block] = [["## Migrations"], table(["Setting", "Value"], rows)]
    return blocks + _zero_downtime(settings)


def _zero_downtime(settings: Settings) -> list[Block]:
    from schemac.rules.safety import PLANNER_RULES
    from schemac.rules.safety import matches as planner_matches

    rows = []
    for rule in PLANNER_RULES:
        if not rule.gate and any(planner_matches(rule, s) for s in settings.lint.ignore):
            continue
        severity = _planner_severity(rule, settings)
        said = _severity(severity) + (
            " (lifted only by `--allow-destructive`)" if rule.gate else ""
        )
        rows.append([f"{rule.code} {code(rule.name)}", _trusted(rule.summary), said])
    if not rows:
        return []
    intro = (
        "Every build after the first plans changes to tables that already hold data: indexes "
        "are built `CONCURRENTLY` in their own migration, foreign keys and checks are added "
        "`NOT VALID` and validated afterwards, `SET NOT NULL` goes through a validated check, "
        "new enum values are committed before use, renames come only from `renamed_from`, and "
        "each planned change is checked against these rules:"
    )
    return [["### Zero-downtime rules"], [intro], table(["Rule", "Checks", "Severity"], rows)]


def _planner_severity(rule: PlannerRule, settings: Settings) -> Severity:
    """As the planner rates the rule: config overrides (a code or name beats a prefix), none
    for the gate rules."""
    from schemac.rules.safety import matches as planner_matches

    if rule.gate:
        return rule.severity
    best: tuple[int, str] | None = None
    for selector, level in settings.lint.severity.items():
        if planner_matches(rule, selector):
            exact = selector.strip().upper() == rule.code or selector.strip().lower() == rule.name
            rank = 1000 if exact else len(selector.strip())
            if best is None or rank > best[0]:
                best = (rank, level)
    return Severity(best[1]) if best is not None else rule.severity
