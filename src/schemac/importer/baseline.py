"""`schemac import --baseline`: what adopting an existing database needs besides the specs.

The baseline itself is an ordinary first build of the imported specs (the pipeline's
render_plan, written by write_build with its snapshot and sum), so the next `schemac build` plans
from it like from any build. The database already holds that schema, so the baseline migration
must be recorded as applied there without running it; each layout's tool does that its own way,
and `instructions` says how. A new, empty database (CI, a fresh environment) runs it like any
migration.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from schemac.config import Layout
from schemac.sums import SUM_NAME, tracked_names

#: the slug of the baseline migration's file name (V0001__baseline.sql, 0001_baseline.sql, ...)
BASELINE_SLUG = "baseline"


def held_files(directory: Path) -> list[str]:
    """The files that make `directory` a migrations directory already (migration files of any
    layout, a snapshot, a sum), sorted; files of other kinds (a README) do not count."""
    names = tracked_names(directory)
    if (directory / SUM_NAME).is_file():
        names.append(SUM_NAME)
    return sorted(names)


def refusal(directory: Path, held: Sequence[str]) -> str:
    """The one line refusing a baseline into a directory that holds `held` (not empty)."""
    more = f" and {len(held) - 1} more" if len(held) > 1 else ""
    return (
        f"{directory} already holds migrations ({held[0]}{more}): --baseline writes the first "
        "migration of a history, so it needs an empty (or new) migrations directory; nothing "
        "was written"
    )


def instructions(layout: Layout, directory: Path, versions: Sequence[str]) -> list[str]:
    """How to record the baseline migrations (`versions`, in order) as applied in the database
    they were imported from, with the layout's own tool; one line each, for the terminal."""
    last = versions[-1]
    what = "migration creates" if len(versions) == 1 else "migrations create"
    lines = [
        f"baseline: the baseline {what} what the database already has; record {last} as applied "
        "there (without running it) before the next migrate, so only later migrations run:"
    ]
    if layout == "flyway":
        lines += [
            f"  flyway baseline -baselineVersion={last} -baselineDescription={BASELINE_SLUG}",
            f"  (or set flyway.baselineVersion={last} and flyway.baselineOnMigrate=true)",
        ]
    elif layout == "dbmate":
        values = ", ".join(f"('{v}')" for v in versions)
        lines += [
            "  dbmate has no baseline command; in that database run (the table is the one "
            "dbmate creates, or the one --migrations-table names):",
            "  CREATE TABLE IF NOT EXISTS schema_migrations (version varchar(128) PRIMARY KEY);",
            f"  INSERT INTO schema_migrations (version) VALUES {values};",
        ]
    else:
        lines.append(f'  migrate -path {directory} -database "$DATABASE_URL" force {int(last)}')
    lines.append("a new, empty database runs the baseline like any other migration")
    return lines
