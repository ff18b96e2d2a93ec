"""Is the database back to empty? What the down migrations must have removed, and did not.

Verification runs every down migration after the up migrations; `leftovers` then lists every
user-created object still present (schemas other than public, extensions other than plpgsql,
relations, sequences, types, functions, policies, triggers, event triggers, collations, operators),
so an incomplete down migration fails verification by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from schemac.inspect import load_query

if TYPE_CHECKING:
    import psycopg


def leftovers(conn: psycopg.Connection[Any]) -> list[str]:
    """Each remaining user object as `kind name` (`table public.users`), sorted; [] when empty."""
    with conn.transaction(force_rollback=True), conn.cursor() as cur:
        cur.execute(load_query("leftovers"))
        return [f"{kind} {name}" for kind, name in cur.fetchall()]
