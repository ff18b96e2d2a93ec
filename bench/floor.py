"""The verification floor: a fresh local cluster on the same storage, `psql -1 -f` of the SQL, stop.

Used by bench.py beside `schemac verify` so both are measured in the same run on the same machine.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from schemac.verify.local import LocalCluster, find_pg_bin


def main(sql_file: str) -> int:
    bin_dir = find_pg_bin(None)
    if bin_dir is None:
        print("no PostgreSQL server binaries found", file=sys.stderr)
        return 3
    psql = bin_dir / "psql" if (bin_dir / "psql").exists() else Path(shutil.which("psql") or "psql")
    with LocalCluster(bin_dir) as conninfo:
        done = subprocess.run(
            [str(psql), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-f", sql_file, conninfo],
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
