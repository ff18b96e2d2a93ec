"""Render diagnostics: compiler-style text, JSON, SARIF 2.1.0, GitHub workflow annotations and
GitLab Code Quality.

Rendering is pure except for reading spec lines for the text excerpt (a missing or unreadable
file just drops the excerpt). Paths are shown as the spans carry them: relative to the working
directory when the spec lies under it. The CI formats (sarif, github, gitlab) take the checkout
root instead when one is given (`checkout_root`): code scanning and Code Quality match paths
against the repository, which is not the working directory of a project in a subfolder.
"""

from __future__ import annotations

import enum
import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from schemac.diagnostics import Diagnostic, Severity, printable
from schemac.source import Span

FORMATS = ("text", "json", "sarif", "github", "gitlab")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
#: Code Quality severities (info, minor, major, critical, blocker): a lint error (which fails
#: `check`) is major, a warning minor; an input error (a spec that cannot be compiled at all:
#: codes E0xx and the resolver's SC108/SC304/SC309) is a blocker, nothing compiles past it
_GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
_GITLAB_BLOCKERS = frozenset({"SC108", "SC304", "SC309"})
#: environment variables that name the repository checkout in CI (GitHub Actions, GitLab CI)
CHECKOUT_VARIABLES = ("GITHUB_WORKSPACE", "CI_PROJECT_DIR")


class Verbosity(enum.IntEnum):
    """How much a command prints besides its result: -q, the default, -v."""

    QUIET = 0
    NORMAL = 1
    VERBOSE = 2


#: set by the CLI for the command being run (-q/--quiet, -v/--verbose); printing code reads it
VERBOSITY: ContextVar[Verbosity] = ContextVar("schemac_verbosity", default=Verbosity.NORMAL)


def note(line: str, *, err: bool = False) -> None:
    """Print a line that is not the command's result (what was written, what to do next,
    warnings): left out with --quiet."""
    if VERBOSITY.get() > Verbosity.QUIET:
        print(line, file=sys.stderr if err else sys.stdout)


def lint_counts(findings: Sequence[Diagnostic]) -> str:
    """`2 errors, 3 warnings` (infos are not counted: they show only in `schemac lint`)."""
    parts = []
    for severity, word in ((Severity.ERROR, "error"), (Severity.WARNING, "warning")):
        count = sum(1 for d in findings if d.severity is severity)
        if count:
            parts.append(f"{count} {word}{'s' if count != 1 else ''}")
    return ", ".join(parts)


def report_lint(findings: Sequence[Diagnostic], specs: Path) -> None:
    """What build, check and verify say about lint, on stderr: one summary line (the list with
    -v; with -q only when there are errors). Infos are left to `schemac lint`."""
    shown = [d for d in findings if d.severity is not Severity.INFO]
    level = VERBOSITY.get()
    if not shown or (level is Verbosity.QUIET and not any(d.is_error for d in shown)):
        return
    if level is Verbosity.VERBOSE:
        print(render_text(shown), file=sys.stderr)
        print(f"lint: {lint_counts(shown)}", file=sys.stderr)
        return
    print(f"lint: {lint_counts(shown)} (schemac lint {specs} for details, or -v)", file=sys.stderr)


def no_tables_warning(table_count: int, specs: Path) -> None:
    """One warning line when the specs define no table (most likely the wrong directory)."""
    if table_count == 0:
        note(
            f"warning: {specs}: the specs define no tables (is this the specs directory?)",
            err=True,
        )


def choose_format(explicit: str | None, env: Mapping[str, str]) -> str:
    """The output format: the explicit one, else `github` inside GitHub Actions, else `text`."""
    if explicit:
        return explicit
    return "github" if env.get("GITHUB_ACTIONS", "").lower() == "true" else "text"


def checkout_root(env: Mapping[str, str], cwd: Path) -> Path | None:
    """The repository checkout CI reports paths against (GITHUB_WORKSPACE, CI_PROJECT_DIR),
    when the working directory lies inside it; None elsewhere (paths stay as spans carry them)."""
    for variable in CHECKOUT_VARIABLES:
        value = env.get(variable)
        if not value:
            continue
        root = Path(value).resolve()
        if cwd.resolve().is_relative_to(root):
            return root
    return None


def _title(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.code} {diagnostic.name}" if diagnostic.name else diagnostic.code


class _Lines:
    """Spec file lines, read once per file."""

    def __init__(self) -> None:
        self._files: dict[str, list[str] | None] = {}

    def get(self, span: Span) -> str | None:
        if span.path not in self._files:
            try:
                text = Path(span.path).read_text(encoding="utf-8")
                self._files[span.path] = text.splitlines()
            except (OSError, UnicodeDecodeError):
                self._files[span.path] = None
        lines = self._files[span.path]
        if lines is None or not 1 <= span.line <= len(lines):
            return None
        return lines[span.line - 1]


def _caret_width(line: str, col: int) -> int:
    """Underline the word (a YAML key or scalar) that starts at the column."""
    rest = line[col - 1 :]
    width = 0
    for char in rest:
        if not (char.isalnum() or char in "_-.$"):
            break
        width += 1
    return max(width, 1)


def render_text(diagnostics: Iterable[Diagnostic]) -> str:
    """`path:line:col: SC204 error: message`, the spec line with a caret, and `help:`."""
    lines = _Lines()
    blocks = []
    for d in diagnostics:
        where = f"{d.span}: " if d.span is not None else ""
        out = [f"{where}{d.code} {d.severity.value}: {d.message}"]
        source = lines.get(d.span) if d.span is not None else None
        if d.span is not None and source is not None:
            gutter = str(d.span.line)
            pad = " " * len(gutter)
            # the spec is untrusted: a bidi override or an escape sequence in it is shown
            # escaped (as in messages), and the caret follows the escaped text
            out.append(f" {gutter} | {printable(source.rstrip())}")
            caret = "^" * _caret_width(source, d.span.col)
            before = printable(source[: d.span.col - 1])
            out.append(f" {pad} | {' ' * len(before)}{caret}")
        if d.help:
            out.append(f"  help: {d.help}")
        blocks.append("\n".join(out))
    return "\n".join(blocks)


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    """One closing line: `Found 3 problems (1 error, 1 warning, 1 info).` or `No problems found.`"""
    if not diagnostics:
        return "No problems found."
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    parts = []
    for severity, word in ((Severity.ERROR, "error"), (Severity.WARNING, "warning")):
        if counts[severity]:
            parts.append(f"{counts[severity]} {word}{'s' if counts[severity] != 1 else ''}")
    if counts[Severity.INFO]:
        parts.append(f"{counts[Severity.INFO]} info")
    total = len(diagnostics)
    return f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)})."


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    """One diagnostic as a flat JSON-ready object."""
    return {
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "help": d.help,
        "path": d.span.path if d.span else None,
        "line": d.span.line if d.span else None,
        "column": d.span.col if d.span else None,
    }


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    """A JSON array of flat objects (code, name, severity, message, help, path, line, column)."""
    return json.dumps([diagnostic_json(d) for d in diagnostics], indent=2, ensure_ascii=False)


def _relative(path: str, root: Path | None) -> str | None:
    """`path` relative to `root` (else to the working directory), forward slashes; None when
    it lies outside."""
    candidate = Path(path)
    if root is None and not candidate.is_absolute():
        return candidate.as_posix()
    try:
        base = (root or Path.cwd()).resolve()
        return (Path.cwd() / candidate).resolve().relative_to(base).as_posix()
    except ValueError:
        return None


def _uri(path: str, root: Path | None = None) -> str:
    """A relative, forward-slash URI as code scanning expects (relative to the checkout), or
    an absolute file URI for a spec outside it."""
    relative = _relative(path, root)
    return relative if relative is not None else (Path.cwd() / path).resolve().as_uri()


def _rule_descriptor(code: str, name: str | None) -> dict[str, Any]:
    from schemac.rules import get_rule

    rule = get_rule(code)
    if rule is None:
        # input errors (E0xx) have no rule page: describe them by their code
        return {"id": code, "name": name or code, "shortDescription": {"text": code}}
    what = rule.section("What it does") or rule.summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what},
        "help": {"text": (rule.doc or "").strip(), "markdown": (rule.doc or "").strip()},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {"tags": [rule.scope]},
    }


def _result(d: Diagnostic, index: int, root: Path | None) -> dict[str, Any]:
    text = d.message + (f"\nhelp: {d.help}" if d.help else "")
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": index,
        "level": _SARIF_LEVEL[d.severity],
        "message": {"text": text},
    }
    if d.span is not None:
        result["locations"] = [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(d.span.path, root)},
                    "region": {"startLine": d.span.line, "startColumn": d.span.col},
                }
            }
        ]
    return result


def render_sarif(
    diagnostics: Iterable[Diagnostic], *, version: str | None = None, root: Path | None = None
) -> str:
    """A SARIF 2.1.0 log with one run: every lint rule's metadata and one result per finding."""
    from schemac import __version__
    from schemac.rules import ALL_RULES

    found = list(diagnostics)
    descriptors = [_rule_descriptor(rule.code, rule.name) for rule in ALL_RULES]
    index = {rule.code: i for i, rule in enumerate(ALL_RULES)}
    for d in found:
        if d.code not in index:
            index[d.code] = len(descriptors)
            descriptors.append(_rule_descriptor(d.code, d.name))
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "schemac",
                        "version": version or __version__,
                        "informationUri": "https://pypi.org/project/schemac/",
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, index[d.code], root) for d in found],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Iterable[Diagnostic], *, root: Path | None = None) -> str:
    """GitHub Actions workflow commands: `::error file=..,line=..,col=..,title=..::message`."""
    out = []
    for d in diagnostics:
        props = []
        if d.span is not None:
            props += [
                f"file={_escape_property(_uri(d.span.path, root))}",
                f"line={d.span.line}",
                f"col={d.span.col}",
            ]
        props.append(f"title={_escape_property(_title(d))}")
        message = d.message + (f"\nhelp: {d.help}" if d.help else "")
        out.append(f"::{_GITHUB_COMMAND[d.severity]} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(out)


def _gitlab_severity(d: Diagnostic) -> str:
    if d.is_error and (d.code.startswith("E") or d.code in _GITLAB_BLOCKERS):
        return "blocker"
    return _GITLAB_SEVERITY[d.severity]


def render_gitlab(diagnostics: Iterable[Diagnostic], *, root: Path | None = None) -> str:
    """A GitLab Code Quality report: a JSON array of Code Climate issues (description,
    check_name, fingerprint, severity, location.path, location.lines.begin).

    The fingerprint is what GitLab compares between the base and the merge request branch to
    tell new findings from old ones, so it hashes the rule, the file and the message but not
    the line: a finding that only moved is not new. Identical findings in one file are told
    apart by their order.
    """
    issues = []
    seen: dict[tuple[str, str, str], int] = {}
    for d in diagnostics:
        # a finding without a place (a configuration problem) is put on the first line of the
        # checkout, which Code Quality still lists
        path = "." if d.span is None else (_relative(d.span.path, root) or d.span.path)
        key = (d.code, path, d.message)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        identity = "\0".join([*key, str(occurrence)]).encode("utf-8")
        # the merge request widget shows the description and the place, not check_name
        description = f"{_title(d)}: {d.message}" + (f" (help: {d.help})" if d.help else "")
        issues.append(
            {
                "type": "issue",
                "description": description,
                "check_name": d.code,
                "fingerprint": hashlib.sha256(identity).hexdigest(),
                "severity": _gitlab_severity(d),
                "location": {"path": path, "lines": {"begin": d.span.line if d.span else 1}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False)


def render(diagnostics: Iterable[Diagnostic], fmt: str, *, root: Path | None = None) -> str:
    """Render in one of FORMATS; `root` is the checkout the CI formats make paths relative to."""
    if fmt == "text":
        return render_text(diagnostics)
    if fmt == "json":
        return render_json(diagnostics)
    ci: dict[str, Callable[..., str]] = {
        "sarif": render_sarif,
        "github": render_github,
        "gitlab": render_gitlab,
    }
    return ci[fmt](diagnostics, root=root)
