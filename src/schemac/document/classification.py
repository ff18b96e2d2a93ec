"""The "Data Classification & Compliance" section: every classified column, its level and
retention, with what the levels mean and what schemac does about them. Left out when the specs
classify nothing."""

from __future__ import annotations

from schemac.document.markup import code, table, text
from schemac.document.page import Block, Page, display_name
from schemac.model.classification import LEVELS, MASKED, Level

#: what each level means and how it is handled, as the document says it
MEANING: dict[Level, str] = {
    "public": "may be published",
    "internal": "the business's own data, not about a person",
    "pii": "identifies a person (personal data); masked in lower environments",
    "sensitive": "special-category personal data (health, financial...); masked",
    "secret": "credentials and keys, stored hashed or encrypted; blanked in lower environments",
}


def classification_section(page: Page) -> list[Block]:
    rows = [
        [
            code(display_name(t.schema_name, t.name)),
            code(c.name),
            text(c.classification.level),
            text(c.classification.retention or ""),
        ]
        for t in page.schema.tables
        for c in t.columns
        if c.classification is not None
    ]
    if not rows:
        return []
    used = {row[2] for row in rows}
    levels = [[text(level), text(MEANING[level])] for level in LEVELS if text(level) in used]
    masked = ", ".join(level for level in LEVELS if level in MASKED)
    return [
        ["## Data Classification & Compliance"],
        table(["Level", "Meaning"], levels),
        table(["Table", "Column", "Level", "Retention"], rows),
        [
            f"`schemac mask` writes masking views or an anonymisation script that replaces "
            f"the {masked} columns; keys and foreign keys are kept so rows still join."
        ],
    ]
