"""The contract of a lint rule: its code, name, default severity, check and documentation.

A rule is a plain value (no registration side effects, no metaclass): `RULE = Rule(...)` in its
own module, listed once in `schemac.rules.ALL_RULES`. The docstring of the rule's module is its
documentation, in fixed sections (What it does / Why / Example / Use instead), so `schemac rules`,
the generated docs pages and SARIF metadata all come from the same text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from schemac.diagnostics import Severity
from schemac.model.schema import Column, Enum, Table
from schemac.source import Span

if TYPE_CHECKING:
    from schemac.rules.context import LintContext

#: where a rule is checked:
#: "schema" rules run in the lint stage over the resolved Schema; "resolver" rules are raised by
#: the resolver as input errors (listed for documentation only); "lint" codes are emitted by the
#: lint stage itself (suppressions, selectors)
Scope = Literal["schema", "resolver", "lint"]

#: the documentation sections every rule docstring carries, in this order
DOC_SECTIONS = ("What it does", "Why", "Example", "Use instead")


@dataclass(frozen=True, slots=True)
class Finding:
    """One place where a rule's convention is broken, before severity and suppressions apply.

    `table`, `column` and `enum` name the objects whose `lint: {ignore: [...]}` may suppress the
    finding (the file's front-matter is found through the table or the span's path).
    """

    message: str
    span: Span | None
    help: str | None = None
    table: Table | None = None
    column: Column | None = None
    enum: Enum | None = None


#: a rule's check: reads the precomputed context, yields findings; never mutates anything
Check = Callable[["LintContext"], Iterable[Finding]]


def _no_findings(ctx: LintContext) -> Iterable[Finding]:
    """The check of rules that the lint stage cannot find problems for (resolver/lint codes)."""
    return ()


@dataclass(frozen=True)
class Rule:
    """A lint rule. `code` (SC204) and `name` (prefer-timestamptz) are both stable selectors."""

    code: str
    name: str
    #: default severity; config `[tool.schemac.lint] severity` may override it
    severity: Severity
    check: Check
    #: the rule module's docstring: summary line, then the DOC_SECTIONS as `## Title` headings
    doc: str | None
    scope: Scope = "schema"

    @property
    def summary(self) -> str:
        """The first line of the docs: the one-line description used in listings."""
        return (self.doc or "").strip().splitlines()[0] if self.doc and self.doc.strip() else ""

    def section(self, title: str) -> str:
        """The text of one `## title` section of the docs ("" when absent)."""
        return sections(self.doc or "").get(title, "")


_HEADING = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)


def sections(doc: str) -> dict[str, str]:
    """Split a rule docstring into its `## Title` sections (title -> stripped body)."""
    found: dict[str, str] = {}
    matches = list(_HEADING.finditer(doc))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(doc)
        found[match.group(1)] = doc[match.end() : end].strip()
    return found


def documentation_only() -> Check:
    """The check for resolver- and lint-stage codes: the lint rules pass never yields them."""
    return _no_findings


def on_table(table: Table, message: str, help: str | None = None) -> Finding:
    """A finding located at a table (suppressible on the table and its file)."""
    return Finding(message, table.span, help, table=table)


def on_column(table: Table, column: Column, message: str, help: str | None = None) -> Finding:
    """A finding located at a column (trait columns point at the table's `traits:` entry)."""
    return Finding(message, column.span or table.span, help, table=table, column=column)
