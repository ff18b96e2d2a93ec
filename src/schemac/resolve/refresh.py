"""A materialized view's `refresh:`: the pg_cron schedule it asks for, and its refresh function.

`every: 15m` (an interval that divides a minute, an hour or a day) is turned into the cron
expression pg_cron runs; `schedule:` gives one (five cron fields, or pg_cron's 'N seconds')
instead. Each view with `refresh:` gets `refresh_<view>()` in its schema (unless the specs
declare a function of that name): REFRESH MATERIALIZED VIEW, CONCURRENTLY when the view has a
unique index over plain columns without WHERE (what PostgreSQL needs for it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from schemac.model.construct import construct
from schemac.model.names import qualify
from schemac.model.schema import Function, Index, MaterializedView, Refresh
from schemac.resolve.context import Context, Located
from schemac.spec.models import RefreshSpec

_EVERY = re.compile(r"^\s*(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)\s*$")
_SECONDS = re.compile(r"^\s*([1-9]|[1-5][0-9])\s+seconds?\s*$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
#: (field name, lowest, highest, names for lowest.. in order)
_FIELDS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _DAYS),
)
_HINT = "write five cron fields (minute hour day-of-month month day-of-week), e.g. '*/15 * * * *'"


def resolve_refresh(
    ctx: Context,
    name: str,
    spec: RefreshSpec,
    where: Located,
    indexes: Sequence[Index],
) -> Refresh:
    """The refresh policy with its schedule checked (E070, E071) and its function named."""
    schedule = None
    if spec.schedule is not None and spec.every is not None:
        ctx.error(
            "E071",
            f"materialized view {name}: refresh has both 'every' and 'schedule'",
            where.span("refresh", "schedule"),
            "keep one: 'every: 1h' for a plain interval, 'schedule:' for a cron expression",
        )
    elif spec.schedule is not None:
        problem = cron_problem(spec.schedule)
        if problem is None:
            schedule = " ".join(spec.schedule.split())
        else:
            ctx.error(
                "E070",
                f"materialized view {name}: refresh schedule '{spec.schedule}' is not a pg_cron "
                f"schedule: {problem}",
                where.span("refresh", "schedule"),
                _HINT + ", or 'N seconds' (1-59)",
            )
    elif spec.every is not None:
        schedule, problem = every_to_cron(spec.every)
        if problem is not None:
            ctx.error(
                "E070",
                f"materialized view {name}: refresh every '{spec.every}': {problem}",
                where.span("refresh", "every"),
                "use an interval that divides a minute, an hour or a day (30s, 15m, 2h, 1d), "
                "or give the cron expression as 'schedule:' instead",
            )
    function = f"refresh_{name}"
    ctx.check_length(function, f"refresh function of {name}", where.span("refresh"), derived=True)
    return construct(
        Refresh,
        every=spec.every,
        concurrently=spec.concurrently,
        max_staleness=spec.max_staleness,
        schedule=schedule,
        function=function,
        refreshes_concurrently=any(_concurrent_key(i) for i in indexes),
    )


def _concurrent_key(index: Index) -> bool:
    """PostgreSQL: CONCURRENTLY needs a unique index that uses only column names and includes
    all rows (no expression, no WHERE)."""
    return index.unique and index.where is None and all(p.column for p in index.parts)


def refresh_functions(
    matviews: Sequence[MaterializedView], functions: Sequence[Function]
) -> list[Function]:
    """The refresh function of each view with `refresh:` whose name no spec function takes."""
    declared = {f.qualified_name for f in functions}
    made = []
    for view in matviews:
        refresh = view.refresh
        if refresh is None or refresh.function is None:
            continue
        if f"{view.schema_name}.{refresh.function}" in declared:
            continue
        how = (
            "REFRESH MATERIALIZED VIEW CONCURRENTLY"
            if refresh.refreshes_concurrently
            else ("REFRESH MATERIALIZED VIEW")
        )
        made.append(
            construct(
                Function,
                schema_name=view.schema_name,
                name=refresh.function,
                arguments="",
                returns="void",
                language="plpgsql",
                body=f"BEGIN\n    {how} {qualify(view.schema_name, view.name)};\nEND;\n",
                volatility="volatile",
                security_definer=False,
                description=describe(view, refresh),
                span=view.span,
            )
        )
    return made


def describe(view: MaterializedView, refresh: Refresh) -> str:
    """The refresh function's comment: what it refreshes, how, and when."""
    mode = (
        "concurrently (readers are not blocked)"
        if refresh.refreshes_concurrently
        else "blocking readers (no unique index over plain columns for CONCURRENTLY)"
    )
    text = f"Refreshes materialized view {view.name}, {mode}."
    policy = [f"every {refresh.every}"] if refresh.every else []
    if refresh.max_staleness:
        policy.append(f"at most {refresh.max_staleness} stale")
    if policy:
        text += f" Refresh policy: {', '.join(policy)}."
    if refresh.schedule:
        text += (
            f" Run by the pg_cron job {view.schema_name}.{refresh.function} "
            f"('{refresh.schedule}') where pg_cron is installed."
        )
    return text


def every_to_cron(every: str) -> tuple[str | None, str | None]:
    """The pg_cron schedule of an interval (15m -> '*/15 * * * *'), or the problem with it."""
    found = _EVERY.match(every.lower())
    if found is None:
        return None, "not an interval (a number and s, m, h or d)"
    n, unit = int(found[1]), found[2][0]
    seconds = n * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    if seconds <= 0:
        return None, "the interval must be longer than zero"
    if seconds < 60:
        if 60 % seconds:
            return None, "an interval under a minute must divide a minute"
        return f"{seconds} seconds", None
    if seconds < 3600:
        if seconds % 60 or 60 % (seconds // 60):
            return None, "an interval under an hour must be whole minutes that divide an hour"
        minutes = seconds // 60
        return ("* * * * *" if minutes == 1 else f"*/{minutes} * * * *"), None
    if seconds < 86400:
        if seconds % 3600 or 24 % (seconds // 3600):
            return None, "an interval under a day must be whole hours that divide a day"
        hours = seconds // 3600
        return ("0 * * * *" if hours == 1 else f"0 */{hours} * * *"), None
    if seconds == 86400:
        return "0 0 * * *", None
    return None, "cron cannot run every few days evenly across months"


def cron_problem(schedule: str) -> str | None:
    """Why pg_cron would refuse a schedule, or None: five cron fields or 'N seconds'."""
    if _SECONDS.match(schedule):
        return None
    fields = schedule.split()
    if len(fields) != 5:
        return f"{len(fields)} field{'s' if len(fields) != 1 else ''}, a cron expression has 5"
    for text, (what, low, high, names) in zip(fields, _FIELDS, strict=True):
        for item in text.split(","):
            problem = _item_problem(item.lower(), what, low, high, names)
            if problem is not None:
                return problem
    return None


def _item_problem(item: str, what: str, low: int, high: int, names: tuple[str, ...]) -> str | None:
    if what == "day of month" and item == "$":  # pg_cron: the last day of the month
        return None
    body, _, step = item.partition("/")
    if step and (not step.isdigit() or int(step) == 0):
        return f"step '{step}' of the {what} is not a positive number"
    if body == "*":
        return None
    start, dash, end = body.partition("-")
    values = [start, end] if dash else [start]
    numbers = []
    for value in values:
        if value in names:
            numbers.append(low + names.index(value))
        elif value.isdigit() and low <= int(value) <= high:
            numbers.append(int(value))
        else:
            return f"'{value}' is not a valid {what} ({low}-{high})"
    if dash and numbers[0] > numbers[1]:
        return f"the {what} range '{body}' runs backwards"
    return None
