"""The round trip `schemac import` is judged by: import a database into specs, load them, build a
fresh migration with the pipeline, apply it to an empty database, and compare `pg_dump -s -x -O`
of both databases, line order aside (the issue's definition of "the same schema")."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from schemac.cli import cli
from schemac.config import Settings
from schemac.pipeline import fresh_units, load_schema
from schemac.plan.diff import diff
from schemac.verify.apply import MigrationUnit, apply_units
from schemac.verify.backends import Backend
from schemac.verify.local import find_pg_bin


def pg_tool(name: str) -> str:
    """A PostgreSQL client program: next to the server binaries the local backend uses, else in
    the usual install folders (newest first), else on PATH."""
    import glob
    import shutil

    bin_dir = find_pg_bin()
    folders = [str(bin_dir)] if bin_dir is not None else []
    folders += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in folders:
        if Path(folder, name).is_file():
            return str(Path(folder, name))
    found = shutil.which(name)
    assert found is not None, f"no {name} found"
    return found


@dataclass(frozen=True)
class ImportRun:
    code: int
    stdout: str
    stderr: str

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("warning: ")]


def exact_import(
    backend: Backend, conninfo: str, out: Path, ddl: str, file: str = "public.yaml"
) -> str:
    """Run `ddl` on the database behind `conninfo` and import it into `out`: the round trip is
    pg_dump-equal, with no warning, and a second import writes the same file. Its text."""
    import textwrap

    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(textwrap.dedent(ddl))  # type: ignore[call-overload]
    trip = round_trip(backend, conninfo, out)
    assert trip.exact, trip.report()
    assert trip.run.warnings == [], trip.run.warnings
    text = (out / file).read_text()
    again = out.with_name(f"{out.name}_again")
    rerun = run_import(conninfo, again)
    assert rerun.code == 0, rerun.stderr
    assert (again / file).read_text() == text
    return text


def run_import(conninfo: str, out: Path, *args: str) -> ImportRun:
    result = CliRunner().invoke(
        cli, ["import", "--database-url", conninfo, "-o", str(out), *args], catch_exceptions=False
    )
    return ImportRun(result.exit_code, result.stdout, result.stderr)


#: pg_dump's header for schema public when its owner or ACL differ from initdb's, which `-O -x`
#: leave out: a comment with no statement after it ("*not* creating schema, since initdb creates it")
_PUBLIC_HEADER = re.compile(
    r"^--\n-- Name: public; Type: SCHEMA; Schema: -; Owner: -\n--\n\n"
    r"-- \*not\* creating schema, since initdb creates it\n\n\n",
    re.MULTILINE,
)


def dump_lines(conninfo: str) -> Counter[str]:
    """`pg_dump -s -x -O` as a multiset of lines: pg_dump 15.18's `\\restrict` keys removed, and
    the comment-only header of schema public (ownership and privileges are out of scope)."""
    done = subprocess.run(
        [pg_tool("pg_dump"), "-s", "-x", "-O", "-d", conninfo],
        capture_output=True,
        text=True,
        check=True,
    )
    return Counter(
        line
        for line in _PUBLIC_HEADER.sub("", done.stdout).splitlines()
        if not line.startswith(("\\restrict", "\\unrestrict"))
    )


def load_sql(conninfo: str, path: Path, *, single_transaction: bool = False) -> None:
    one = ["-1"] if single_transaction else []
    done = subprocess.run(
        [
            pg_tool("psql"),
            "-X",
            "-q",
            *one,
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            conninfo,
            "-f",
            str(path),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"{path}: {done.stderr}"


@dataclass
class RoundTrip:
    """What a round trip found; `exact` when nothing differs anywhere."""

    run: ImportRun
    #: the differ's changes from the introspected catalog to the loaded specs
    changes: list[str] = field(default_factory=list)
    #: why the fresh build did not apply, if it did not
    apply_error: str | None = None
    only_source: list[str] = field(default_factory=list)
    only_rebuilt: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return (
            self.run.code == 0
            and not self.changes
            and self.apply_error is None
            and not self.only_source
            and not self.only_rebuilt
        )

    def report(self) -> str:
        lines = [f"import exit {self.run.code}", *self.run.stderr.splitlines()[:40]]
        lines += [f"change: {c}" for c in self.changes[:40]]
        if self.apply_error:
            lines.append(f"apply: {self.apply_error}")
        lines += [f"- {line}" for line in self.only_source[:60]]
        lines += [f"+ {line}" for line in self.only_rebuilt[:60]]
        return "\n".join(lines)


def round_trip(backend: Backend, source: str, out: Path, *args: str) -> RoundTrip:
    """Import `source` into `out`, rebuild it from the specs in a fresh database, compare."""
    import psycopg

    from schemac.inspect import introspect

    run = run_import(source, out, *args)
    trip = RoundTrip(run)
    if run.code != 0:
        return trip
    settings = Settings()
    schema, diagnostics = load_schema(out, settings)
    assert schema is not None, [f"{d.span}: {d.message}" for d in diagnostics]
    with psycopg.connect(source, autocommit=True) as conn:
        catalog = introspect(conn)
    changes, _ = diff(catalog, schema)
    trip.changes = [ch.describe() for ch in changes]
    units = fresh_units(schema, settings)
    with backend.database() as target:
        applied = apply_units(
            target,
            [
                MigrationUnit(f"unit {i}", sql, transactional, "up", str(i))
                for i, (sql, transactional) in enumerate(units)
            ],
        )
        if applied.failure is not None:
            failure = applied.failure
            trip.apply_error = f"{failure.message}: {' '.join(failure.statement.split())[:200]}"
            return trip
        rebuilt = dump_lines(target)
    original = dump_lines(source)
    trip.only_source = sorted((original - rebuilt).elements())
    trip.only_rebuilt = sorted((rebuilt - original).elements())
    return trip
