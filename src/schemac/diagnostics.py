"""Diagnostics: every user-facing problem is one of these, located in the spec."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from schemac.model.names import escape_char
from schemac.source import Span

#: exit codes of every command: ok, findings (lint errors, drift, verification mismatch),
#: usage or input error, missing environment (no PostgreSQL to verify with)
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_ENV = 0, 1, 2, 3


class Severity(StrEnum):
    """How bad a diagnostic is. ERROR stops the pipeline (or fails lint); the rest inform."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Diagnostic:
    """One problem: a code (lint rule or input-error code), where, what, and how to fix it.

    Input errors use codes E0xx (load/parse/resolve) and SC108/SC304/SC309 where the lint catalogue
    documents them; lint findings use their rule code.
    """

    code: str
    severity: Severity
    message: str
    span: Span | None = None
    help: str | None = None
    #: kebab-case rule name when the diagnostic comes from a lint rule
    name: str | None = None

    def __post_init__(self) -> None:
        # messages quote names and values from the specs: what they hold is shown, never obeyed
        # by a terminal or an editor (a bidi override, an escape sequence, a line break)
        object.__setattr__(self, "message", printable(self.message))
        if self.help is not None:
            object.__setattr__(self, "help", printable(self.help))

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str, str]:
        if self.span is None:
            return ("", 0, 0, self.code, self.message)
        return (self.span.path, self.span.line, self.span.col, self.code, self.message)


def printable(text: str) -> str:
    """`text` with every character Python does not call printable written as an escape
    (`\\u202e`, `\\n`, `\\x1b`): one line that shows exactly what the specs hold."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else escape_char(ch) for ch in text)


def error(code: str, message: str, span: Span | None, help: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, span, help)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelled word, or None."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def suggestion(word: str, candidates: Iterable[str]) -> str | None:
    match = did_you_mean(word, candidates)
    return f"did you mean '{match}'?" if match else None


class InputError(Exception):
    """Raised by the pipeline when a stage produced errors: carries every diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} problem(s)")
        self.diagnostics = diagnostics


class EnvironmentProblem(Exception):
    """A missing environment (no PostgreSQL to verify with): exit code 3."""

    def __init__(self, message: str, help: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.help = help
