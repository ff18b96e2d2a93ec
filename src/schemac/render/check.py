"""The offline syntax check: PostgreSQL's own parser (pglast) reads every rendered statement.

A template that renders SQL PostgreSQL cannot parse is a schemac bug (or a bug in a user's
overlaid template), never a problem in the specs, so it is raised, not reported as a diagnostic,
and it is raised before anything is written. The whole unit is parsed in one call; only when that
fails are the pieces parsed one by one to name the template at fault.
"""

from __future__ import annotations

from collections.abc import Sequence

#: (label, sql): the label names where the SQL came from, normally the template file
Piece = tuple[str, str]


class RenderBug(Exception):
    """Rendered SQL that PostgreSQL cannot parse: names the template and shows the statement."""

    def __init__(self, template: str, statement: str, reason: str) -> None:
        self.template = template
        self.statement = statement
        self.reason = reason
        super().__init__(
            f"template {template} rendered SQL that PostgreSQL cannot parse: {reason}\n"
            f"{statement}\n"
            "This is a bug in schemac (or in an overlaid template), not in your specs; "
            "please report it with the statement above."
        )


class UnsafeFragment(Exception):
    """Raw SQL of the model that could end or change the statement it would be placed in.

    resolve/ refuses such text in the specs with a located diagnostic, so reaching here means a
    check is missing there, or the model came from a hand-edited snapshot; either way nothing
    is rendered from it.
    """

    def __init__(self, what: str, text: str, reason: str) -> None:
        self.what = what
        self.text = text
        self.reason = reason
        super().__init__(
            f"refusing to place the {what} {text!r} in a migration: {reason}. "
            "resolve should have refused it (or the snapshot file was edited by hand); "
            "please report it."
        )


def _has_statement(sql: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("--") for line in sql.splitlines())


def _parse_error(sql: str) -> str | None:
    from pglast import parser

    # split() runs the full grammar but returns only statement boundaries: several times faster
    # than parse_sql_json on a large unit, which spends its time serialising the tree
    try:
        parser.split(sql, with_parser=True)
    except parser.ParseError as exc:
        return str(exc.args[0]) if exc.args else str(exc)
    return None


def check_statements(pieces: Sequence[Piece]) -> None:
    """Raise RenderBug unless every piece is complete statements that PostgreSQL can parse.

    The parser accepts a final statement without `;`, so that is checked here: a missing
    semicolon would otherwise glue a statement to the next one's file in the same unit.
    """
    for label, sql in pieces:
        if _has_statement(sql) and not sql.rstrip().endswith(";"):
            raise RenderBug(label, sql, "the statement does not end with ';'")
    text = "\n".join(sql for _, sql in pieces)
    reason = _parse_error(text)
    if reason is None:
        return
    for label, sql in pieces:
        own = _parse_error(sql)
        if own is not None:
            raise RenderBug(label, sql, own)
    # every piece parses alone but not together: report the whole unit rather than guess
    raise RenderBug("(the whole unit)", text, reason)
