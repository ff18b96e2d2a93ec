"""The pg_cron jobs of materialized views' refresh policies (their functions are functions).

A job is named after the refresh function it runs; a view that gains, changes or loses its
schedule (or is dropped) schedules, reschedules or unschedules it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schemac.model.names import quote_ident
from schemac.model.schema import MaterializedView
from schemac.plan import changes as c

if TYPE_CHECKING:
    from schemac.plan.diff import Diff


def _job(view: MaterializedView | None) -> tuple[str, str | None, str] | None:
    """(job name, schedule, command) of a view's refresh, None without a function."""
    if view is None or view.refresh is None or view.refresh.function is None:
        return None
    function = view.refresh.function
    return (
        f"{view.schema_name}.{function}",
        view.refresh.schedule,
        # the job runs under pg_cron's own search_path: the name is always qualified
        f"SELECT {quote_ident(view.schema_name)}.{quote_ident(function)}()",
    )


def refresh_jobs(d: Diff, bucket: int) -> None:
    old = {v.qualified_name: v for v in d.old.materialized_views}
    new = {v.qualified_name: v for v in d.new.materialized_views}
    for name in [*new, *(n for n in old if n not in new)]:
        before, after = _job(old.get(name)), _job(new.get(name))
        was = before[1] if before else None
        now = after[1] if after else None
        if (
            before is not None
            and was is not None
            and (after is None or now is None or before[0] != after[0])
        ):
            d.add(bucket, c.ScheduleRefresh(before[0], None, before[2], previous=was, live=True))
            was = None
        if after is not None and now is not None and now != was:
            live = name in old
            d.add(bucket, c.ScheduleRefresh(after[0], now, after[2], previous=was, live=live))
