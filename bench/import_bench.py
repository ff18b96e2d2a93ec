"""`schemac import` beside `pg_dump -s` (the floor) on each schema of ../shared/corpus.

    python bench/import_bench.py [--repeat 3] [--corpus DIR]

One throwaway local cluster holds every corpus database; each command runs in a fresh process
(best of --repeat, output written to a temporary directory) and the table gives the ratio
import / pg_dump. The goal is within 2x. Beside them, the floor of a Python reader on schemac's
stack (import_floor.py: psycopg imported, the same catalog queries run, nothing built), which
no Python import can beat.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from schemac.verify.local import LocalCluster, find_pg_bin

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import bench as _bench  # noqa: E402
from bench import child_env, compile_sources  # noqa: E402

#: database name -> files loaded into it, in order (../shared/corpus/README.md says how)
SCHEMAS: dict[str, tuple[str, ...]] = {
    "chinook": ("chinook/chinook.sql",),
    "pagila": ("pagila/pagila-schema.sql",),
    "synapse": ("synapse/synapse-full-schema-72.sql",),
    "graphile_starter": ("graphile-starter/roles.sql", "graphile-starter/schema.sql"),
    "crates_io": ("crates-io/schema.pg_dump15.sql",),
    "danbooru": ("danbooru/structure.sql",),
}


def _tool(bin_dir: Path, name: str) -> str:
    path = bin_dir / name
    return str(path) if path.exists() else shutil.which(name) or name


def _best(argv: list[str], repeat: int) -> tuple[float, int]:
    best, code = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, env=child_env(), cwd=REPO)
        best = min(best, time.perf_counter() - start)
        code = done.returncode
        if code != 0:
            sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
            break
    return best, code


def _url(conninfo: str, database: str) -> str:
    parts = [p for p in conninfo.split() if not p.startswith("dbname=")]
    return " ".join([*parts, f"dbname={database}"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Path(os.environ.get("SCHEMAC_CORPUS", REPO.parent / "shared/corpus")),
    )
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: import bench skipped", file=sys.stderr)
        return 0
    bin_dir = find_pg_bin(None)
    if bin_dir is None:
        print("no PostgreSQL server binaries found", file=sys.stderr)
        return 3
    psql, pg_dump = (
        _tool(bin_dir, "psql"),
        _tool(bin_dir, "pg_dump"),
    )  # next to the server, else PATH
    rows: list[str] = [
        "| schema | pg_dump -s | Python floor | schemac import | floor / pg_dump "
        "| import / pg_dump |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    failed = False
    with (
        tempfile.TemporaryDirectory(prefix="schemac-import-bench-") as tmp,
        LocalCluster(bin_dir) as conninfo,
    ):
        _bench.PYCACHE = Path(tmp) / "pycache"
        compile_sources()
        for name, files in SCHEMAS.items():
            subprocess.run(
                [psql, "-X", "-q", "-d", conninfo, "-c", f"CREATE DATABASE {name}"], check=True
            )
            url = _url(conninfo, name)
            for file in files:
                subprocess.run(
                    [
                        psql,
                        "-X",
                        "-q",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-d",
                        url,
                        "-f",
                        str(args.corpus / file),
                    ],
                    check=True,
                    capture_output=True,
                )
            dump, dump_code = _best(
                [pg_dump, "-s", "-d", url, "-f", f"{tmp}/{name}.sql"], args.repeat
            )
            floor, floor_code = _best(
                [sys.executable, str(REPO / "bench" / "import_floor.py"), url], args.repeat
            )
            out = Path(tmp) / f"specs_{name}"
            argv_import = [
                sys.executable,
                "-m",
                "schemac",
                "import",
                "--database-url",
                url,
                "-o",
                str(out),
            ]
            best = float("inf")
            code = 0
            for _ in range(args.repeat):
                shutil.rmtree(out, ignore_errors=True)
                seconds, code = _best(argv_import, 1)
                best = min(best, seconds)
                if code not in (0, 1):
                    break
            # import exits 1 when what it wrote does not load back cleanly: still timed
            failed |= dump_code != 0 or floor_code != 0 or code not in (0, 1)
            rows.append(
                f"| {name} | {dump * 1000:.0f} ms | {floor * 1000:.0f} ms | {best * 1000:.0f} ms "
                f"| {floor / dump:.1f}x | {best / dump:.1f}x |"
            )
            print(
                f"{name}: pg_dump {dump:.3f}s, floor {floor:.3f}s, import {best:.3f}s "
                f"(exit {code})",
                file=sys.stderr,
            )
    print("\n".join(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
