"""Apply migration units to a throwaway database and locate any failure in its migration file."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from schemac.diagnostics import EnvironmentProblem
from schemac.source import Span
from schemac.verify.locks import LockProbe, StatementReport, excerpt

if TYPE_CHECKING:
    import psycopg
    from psycopg import Connection


@dataclass(frozen=True)
class MigrationUnit:
    """One migration in one direction, applied atomically unless non-transactional."""

    path: str
    sql: str
    #: False for units such as CREATE INDEX CONCURRENTLY that cannot run in a transaction block
    transactional: bool
    direction: Literal["up", "down"]
    version: str
    #: the line of `path` where `sql` starts (a dbmate file holds up and down in one file)
    first_line: int = 1


@dataclass(frozen=True)
class Statement:
    """One statement of a unit: its text and where it starts in the unit's SQL (characters)."""

    text: str
    start: int


@dataclass(frozen=True)
class ApplyFailure:
    """The statement the server rejected, located in its migration file, with the server's words."""

    path: str
    version: str
    direction: Literal["up", "down"]
    line: int
    col: int
    statement: str
    message: str
    sqlstate: str | None = None
    detail: str | None = None
    hint: str | None = None
    context: str | None = None
    #: where the server's error cursor points, absolute in the file, when it gave one
    error_line: int | None = None
    error_col: int | None = None

    @property
    def span(self) -> Span:
        return Span(self.path, self.line, self.col)

    def render(self) -> str:
        """`path:line:col: error: message (SQLSTATE x)` plus the statement, detail and hint."""
        state = f" (SQLSTATE {self.sqlstate})" if self.sqlstate else ""
        at = f"{self.path}:{self.line}:{self.col}"
        lines = [f"{at}: error: {self.direction} migration {self.version}: {self.message}{state}"]
        lines += [f"  | {text}" for text in self.statement.splitlines()[:20]]
        if self.error_line is not None:
            lines.append(f"  error at {self.path}:{self.error_line}:{self.error_col}")
        lines += [f"  {label}: {value}" for label, value in self._extras() if value]
        return "\n".join(lines)

    def _extras(self) -> tuple[tuple[str, str | None], ...]:
        return (("detail", self.detail), ("hint", self.hint), ("context", self.context))


@dataclass(frozen=True)
class UnitResult:
    """A unit that applied: its total time, and per-statement reports when run one by one."""

    unit: MigrationUnit
    duration_ms: float
    #: empty when the unit went in one round trip (the fast path, without lock measurement)
    statements: tuple[StatementReport, ...] = ()
    #: measured, but no relation existed before the unit, so none could be blocked or rewritten
    new_relations_only: bool = False


@dataclass(frozen=True)
class ApplyResult:
    """The units applied, in order, and the failure that stopped the run, if any."""

    units: tuple[UnitResult, ...]
    failure: ApplyFailure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def duration_ms(self) -> float:
        return sum(unit.duration_ms for unit in self.units)


def split_statements(sql: str) -> tuple[Statement, ...]:
    """The statements of `sql` with their character offsets (pglast's parser, else its scanner)."""
    from pglast.parser import ParseError, split

    try:
        slices = list(split(sql, only_slices=True))
    except ParseError:
        slices = _split_on_semicolons(sql)
    return tuple(Statement(sql[s], s.start) for s in slices if sql[s].strip())


def _split_on_semicolons(sql: str) -> list[slice]:
    """Split SQL the parser rejects at top-level `;` tokens, so the server names the bad one."""
    from pglast.parser import scan

    try:
        tokens = [t for t in scan(sql) if t.name not in ("SQL_COMMENT", "C_COMMENT")]
    except Exception:
        return [slice(0, len(sql))]
    slices: list[slice] = []
    start: int | None = None
    end = 0
    for token in tokens:
        if token.name == "ASCII_59":
            if start is not None:
                slices.append(slice(start, end))
            start = None
            continue
        start = token.start if start is None else start
        end = token.end + 1
    if start is not None:
        slices.append(slice(start, end))
    return slices


def line_col(unit: MigrationUnit, offset: int) -> tuple[int, int]:
    """1-based line and column in the unit's file of a character offset into unit.sql."""
    line = unit.first_line + unit.sql.count("\n", 0, offset)
    col = offset - (unit.sql.rfind("\n", 0, offset) + 1) + 1
    return line, col


def apply_units(
    conninfo: str, units: Sequence[MigrationUnit], *, measure: bool = False
) -> ApplyResult:
    """Apply `units` in order on one connection; stop at the first error and locate it.

    Transactional units go in one round trip each (simple query protocol, inside BEGIN/COMMIT),
    which is faster than `psql -1 -f`; when one fails, the server's error position, or else a
    statement-by-statement replay of the rolled-back unit, finds the failing statement.
    Non-transactional units, and every unit when `measure` is set, run statement by statement;
    `measure` also records each statement's locks and rewrites (see locks.py).
    """
    import psycopg

    from schemac.verify.backends import mask_conninfo

    try:
        conn = psycopg.connect(conninfo, autocommit=True)
    except psycopg.OperationalError as exc:
        raise EnvironmentProblem(
            f"cannot connect to {mask_conninfo(conninfo)}: {exc.diag.message_primary or exc}"
        ) from None
    applied: list[UnitResult] = []
    with conn:
        for unit in units:
            try:
                # "pre-existing" means existing before this migration, which earlier ones created
                probe = LockProbe.start(conn) if measure else None
                outcome = _apply_unit(conn, unit, probe)
            except psycopg.OperationalError as exc:
                if not conn.closed:
                    raise
                raise EnvironmentProblem(
                    f"lost the connection to PostgreSQL while applying {unit.path}: {exc}"
                ) from None
            if isinstance(outcome, ApplyFailure):
                return ApplyResult(tuple(applied), outcome)
            applied.append(outcome)
    return ApplyResult(tuple(applied))


def _apply_unit(
    conn: Connection[Any], unit: MigrationUnit, probe: LockProbe | None
) -> UnitResult | ApplyFailure:
    statements = split_statements(unit.sql)
    if not statements:
        return UnitResult(unit, 0.0)
    if unit.transactional and probe is None:
        return _apply_whole(conn, unit, statements)
    if unit.transactional and probe is not None and not probe.existing:
        # lock sampling has nothing to report on a migration that only creates: one round trip
        whole = _apply_whole(conn, unit, statements)
        return replace(whole, new_relations_only=True) if isinstance(whole, UnitResult) else whole
    return _apply_each(conn, unit, statements, probe)


def _apply_whole(
    conn: Connection[Any], unit: MigrationUnit, statements: tuple[Statement, ...]
) -> UnitResult | ApplyFailure:
    import psycopg

    began = time.perf_counter()
    conn.execute("BEGIN")
    try:
        conn.execute(unit.sql, prepare=False)
    except psycopg.DatabaseError as exc:
        conn.execute("ROLLBACK")
        return _locate(conn, unit, statements, exc)
    try:
        conn.execute("COMMIT")
    except psycopg.DatabaseError as exc:
        return _failure(unit, Statement("COMMIT", statements[-1].start), exc, deferred=True)
    return UnitResult(unit, (time.perf_counter() - began) * 1000)


def _locate(
    conn: Connection[Any],
    unit: MigrationUnit,
    statements: tuple[Statement, ...],
    exc: psycopg.DatabaseError,
) -> ApplyFailure:
    position = exc.diag.statement_position
    if position:
        offset = int(position) - 1
        candidates = [st for st in statements if st.start <= offset]
        statement = candidates[-1] if candidates else statements[0]
        return _failure(unit, statement, exc, position_offset=offset)
    # No cursor position (most semantic errors): replay the rolled-back unit to find the statement.
    replay = _apply_each(conn, unit, statements, None, rollback_at_end=True)
    if isinstance(replay, ApplyFailure):
        return replay
    return _failure(unit, statements[0], exc)


def _apply_each(
    conn: Connection[Any],
    unit: MigrationUnit,
    statements: tuple[Statement, ...],
    probe: LockProbe | None,
    *,
    rollback_at_end: bool = False,
) -> UnitResult | ApplyFailure:
    import psycopg

    began = time.perf_counter()
    if unit.transactional:
        conn.execute("BEGIN")
        if probe is not None:
            probe.new_transaction()
    reports: list[StatementReport] = []
    for statement in statements:
        started = time.perf_counter()
        try:
            conn.execute(statement.text, prepare=False)
        except psycopg.DatabaseError as exc:
            if unit.transactional:
                conn.execute("ROLLBACK")
            return _failure(unit, statement, exc, position_offset=_statement_offset(statement, exc))
        duration = (time.perf_counter() - started) * 1000
        locks, rewritten, scanned = probe.observe() if probe is not None else ((), (), ())
        line, _ = line_col(unit, statement.start)
        reports.append(
            StatementReport(
                unit.path,
                line,
                excerpt(statement.text),
                duration,
                locks,
                rewritten,
                scanned,
                observed=unit.transactional or probe is None,
            )
        )
    if unit.transactional:
        try:
            conn.execute("ROLLBACK" if rollback_at_end else "COMMIT")
        except psycopg.DatabaseError as exc:
            return _failure(unit, Statement("COMMIT", statements[-1].start), exc, deferred=True)
    return UnitResult(unit, (time.perf_counter() - began) * 1000, tuple(reports))


def _statement_offset(statement: Statement, exc: psycopg.DatabaseError) -> int | None:
    position = exc.diag.statement_position
    return statement.start + int(position) - 1 if position else None


def _failure(
    unit: MigrationUnit,
    statement: Statement,
    exc: psycopg.DatabaseError,
    *,
    position_offset: int | None = None,
    deferred: bool = False,
) -> ApplyFailure:
    diag = exc.diag
    line, col = line_col(unit, statement.start)
    error_line = error_col = None
    if position_offset is not None:
        error_line, error_col = line_col(unit, position_offset)
    message = diag.message_primary or str(exc).strip()
    if deferred:
        message = f"at COMMIT (a deferred constraint check): {message}"
    return ApplyFailure(
        path=unit.path,
        version=unit.version,
        direction=unit.direction,
        line=line,
        col=col,
        statement=statement.text,
        message=message,
        sqlstate=diag.sqlstate or exc.sqlstate,
        detail=diag.message_detail,
        hint=diag.message_hint,
        context=diag.context,
        error_line=error_line,
        error_col=error_col,
    )
