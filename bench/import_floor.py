"""The floor of any Python import on schemac's stack: read the catalog, build nothing.

    python bench/import_floor.py CONNINFO

A fresh process imports psycopg, connects, and runs every catalog query `schemac import` runs
(inspect's and the importer's own, in one read-only transaction, rows fetched) and exits: no
model, no specs written, no load-back. Used by import_bench.py beside pg_dump and the import,
so all three are measured in the same run on the same machine.
"""

from __future__ import annotations

import sys


def main(conninfo: str) -> int:
    import psycopg
    from psycopg.rows import dict_row

    from schemac.importer.catalog import GAP_QUERIES
    from schemac.importer.catalog import load_query as importer_query
    from schemac.inspect import fetch
    from schemac.inspect import load_query as inspect_query

    with (
        psycopg.connect(conninfo) as conn,
        conn.transaction(force_rollback=True),
        conn.cursor(row_factory=dict_row) as cur,
    ):
        cur.execute("SET TRANSACTION READ ONLY, ISOLATION LEVEL REPEATABLE READ")
        cur.execute("SELECT set_config('search_path', 'public', true)")
        cur.execute(inspect_query("schemas"))
        selected = [r["name"] for r in cur.fetchall()]
        fetch(cur, selected)
        for name in (*GAP_QUERIES, "sequences"):
            cur.execute(importer_query(name), {"schemas": selected})
            cur.fetchall()
        cur.execute("SELECT current_setting('server_version_num')")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
