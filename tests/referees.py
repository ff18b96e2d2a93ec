"""Outside referees for built migrations: the real tools (or faithful emulations of how they send
SQL) that a user of each layout runs, so tests judge schemac's output by someone else's rules.

- `squawk(paths)`: the squawk linter (PyPI squawk-cli, in the dev extra), JSON findings.
- `dbmate(conninfo, migrations_dir, "up")`: the real dbmate (npm, installed into .tools/ by
  `make setup`).
- `golang_migrate_apply(conninfo, files)`: golang-migrate's postgres driver sends each file as ONE
  query; `psql -c` does the same (a multi-statement query runs in one implicit transaction).
- `psql_file(conninfo, path)`: flyway-like: a file in one transaction (`psql -1 -f`), or
  statement by statement when its header says `-- schemac:no-transaction`.

A tool that cannot be found is `need_tool`: the test fails when CI=true and is skipped elsewhere.
Every runner raises `RefereeError` (an AssertionError, so it reads as a test failure) with the
tool's own stderr when the tool rejects the migration.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, urlencode

from tests.helpers import no_postgresql

ROOT = Path(__file__).resolve().parent.parent
#: where `make setup` installs dbmate (`npm install --no-save --prefix .tools dbmate`)
TOOLS = ROOT / ".tools"
NO_TRANSACTION_MARK = "-- schemac:no-transaction"
FLYWAY_NO_TRANSACTION = "executeInTransaction=false"
TIMEOUT_S = 300


class RefereeError(AssertionError):
    """An outside tool rejected a migration (or could not run it); carries its stderr."""


def need_tool(name: str, reason: str) -> NoReturn:
    """A test that needs the program `name` and cannot find it: fails on CI (CI=true), skips
    elsewhere (tests.helpers.no_postgresql's policy, which serves any missing environment)."""
    no_postgresql(f"{name} not found: {reason}")


# --- finding the programs ---------------------------------------------------------------------


def squawk_binary() -> Path:
    """squawk next to the running interpreter (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / "squawk"
    if os.access(beside, os.X_OK):
        return beside
    found = shutil.which("squawk")
    if found is None:
        need_tool("squawk", "install the dev extra: .venv/bin/pip install -e '.[dev]'")
    return Path(found)


def dbmate_binary() -> Path:
    """dbmate from the project's .tools/ (npm), else on PATH."""
    shim = TOOLS / "node_modules" / ".bin" / "dbmate"
    if os.access(shim, os.X_OK):
        # the npm shim is a node script that execs the platform binary
        if shutil.which("node") is None:
            need_tool("node", f"{shim} is a node script: apt-get install nodejs")
        return shim
    found = shutil.which("dbmate")
    if found is None:
        need_tool("dbmate", "run `make setup` (npm install --no-save --prefix .tools dbmate)")
    return Path(found)


def psql_binary() -> Path:
    """psql on PATH, else in the folder of the server binaries the throwaway cluster uses."""
    found = shutil.which("psql")
    if found is not None:
        return Path(found)
    from schemac.verify.local import find_pg_bin

    bin_dir = find_pg_bin()
    if bin_dir is not None and os.access(bin_dir / "psql", os.X_OK):
        return bin_dir / "psql"
    need_tool("psql", "apt-get install postgresql-client")


def _run(cmd: list[str], what: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            cmd, capture_output=True, text=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as exc:
        raise RefereeError(f"{what}: no answer in {TIMEOUT_S}s") from exc


# --- squawk -----------------------------------------------------------------------------------


def squawk(paths: list[Path], *args: str) -> list[dict[str, Any]]:
    """squawk's findings on the SQL files `paths` (extra flags in `args`, e.g.
    "--assume-in-transaction", "--pg-version=16", "--exclude=prefer-robust-stmts").

    Each finding: {"rule", "file" (Path, as given), "line" (1-based), "column" (0-based),
    "level" ("Warning" or "Error"), "message", "help" (str or None)}. squawk itself reports
    0-based lines; a file that does not parse yields findings of rule "syntax-error".
    """
    cmd = [str(squawk_binary()), "--reporter", "json", *args, *(str(p) for p in paths)]
    done = _run(cmd, "squawk")
    # exit status 1 means "there are findings" as well as "could not run": judge by the output
    try:
        raw = json.loads(done.stdout)
    except json.JSONDecodeError:
        raw = None
    if not isinstance(raw, list):
        raise RefereeError(
            f"squawk exited {done.returncode} without a JSON list: "
            f"{(done.stderr or done.stdout).strip()}"
        )
    return [
        {
            "rule": item["rule_name"],
            "file": Path(item["file"]),
            "line": item["line"] + 1,
            "column": item["column"],
            "level": item["level"],
            "message": item["message"],
            "help": item.get("help"),
        }
        for item in raw
    ]


# --- dbmate -----------------------------------------------------------------------------------


def dbmate_url(conninfo: str) -> str:
    """The URL dbmate accepts for a libpq conninfo.

    A Unix-socket host (a folder) becomes `postgres://USER@:PORT/DBNAME?socket=DIR&sslmode=disable`;
    a TCP host becomes `postgres://USER:PASSWORD@HOST:PORT/DBNAME?sslmode=...` (disable unless the
    conninfo says otherwise).
    """
    from psycopg.conninfo import conninfo_to_dict

    params = {k: str(v) for k, v in conninfo_to_dict(conninfo).items()}
    user = quote(params.get("user", ""), safe="")
    password = params.get("password")
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = params.get("host", "")
    port = params.get("port", "")
    query = {"sslmode": params.get("sslmode", "disable")}
    if host.startswith("/"):
        query["socket"] = host
        host = ""
    netloc = f"{auth}{host}{':' + port if port else ''}"
    return f"postgres://{netloc}/{quote(params.get('dbname', ''), safe='')}?{urlencode(query)}"


def dbmate(
    conninfo: str, migrations_dir: Path, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the real dbmate against `conninfo`'s database: `dbmate(ci, d, "up")`,
    `dbmate(ci, d, "rollback")`, `dbmate(ci, d, "status")`. Never dumps a schema file.

    Raises RefereeError with dbmate's output when it exits non-zero (unless check=False).
    """
    cmd = [str(dbmate_binary()), "--url", dbmate_url(conninfo)]
    cmd += ["--migrations-dir", str(migrations_dir), "--no-dump-schema", *args]
    done = _run(cmd, f"dbmate {' '.join(args)}")
    if check and done.returncode != 0:
        raise RefereeError(
            f"dbmate {' '.join(args)} exited {done.returncode}: "
            f"{(done.stderr or done.stdout).strip()}"
        )
    return done


# --- psql: golang-migrate and flyway ----------------------------------------------------------


def _psql(conninfo: str) -> list[str]:
    return [str(psql_binary()), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo]


def golang_migrate_apply(conninfo: str, files: list[Path]) -> None:
    """Apply `files` in the given order the way golang-migrate's postgres driver does: each whole
    file sent as ONE query (`psql -c "$(cat file)"`), so several statements share one implicit
    transaction and CREATE INDEX CONCURRENTLY works only alone in its file.

    A file too large for one command-line argument is sent the same way (one simple-protocol
    query) through psycopg. Raises RefereeError naming the file, with PostgreSQL's error.
    """
    for path in files:
        sql = path.read_text(encoding="utf-8")
        try:
            done = _run([*_psql(conninfo), "-c", sql], f"psql -c {path.name}")
        except OSError as exc:
            if exc.errno != errno.E2BIG:
                raise
            _one_query(conninfo, path, sql)
            continue
        if done.returncode != 0:
            raise RefereeError(f"{path.name} (as one query): {done.stderr.strip()}")


def _one_query(conninfo: str, path: Path, sql: str) -> None:
    import psycopg

    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            # no parameters: psycopg sends a simple Query message, like psql -c
            conn.execute(sql)
    except psycopg.Error as exc:
        raise RefereeError(f"{path.name} (as one query): {exc}") from exc


def is_no_transaction(path: Path) -> bool:
    """True when the file's header comment (the comment lines before its first statement) holds
    `-- schemac:no-transaction`, or flyway's `<file>.conf` sets executeInTransaction=false."""
    conf = path.with_name(path.name + ".conf")
    if conf.is_file() and any(
        line.replace(" ", "") == FLYWAY_NO_TRANSACTION
        for line in conf.read_text(encoding="utf-8").splitlines()
    ):
        return True
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped == NO_TRANSACTION_MARK:
            return True
        if stripped and not stripped.startswith("--"):
            return False
    return False


def psql_file(conninfo: str, path: Path) -> None:
    """Apply one file flyway-like: `psql -X -v ON_ERROR_STOP=1 -1 -f path` (one transaction),
    without -1 when the file is marked non-transactional (see is_no_transaction).

    Raises RefereeError naming the file, with psql's stderr.
    """
    cmd = _psql(conninfo)
    if not is_no_transaction(path):
        cmd.append("-1")
    done = _run([*cmd, "-f", str(path)], f"psql -f {path.name}")
    if done.returncode != 0:
        raise RefereeError(f"{path.name}: {done.stderr.strip()}")
