"""Benchmark schemac on synthetic specs: wall time and peak memory of fresh subprocesses.

    python bench/bench.py                         # every command, sizes 100 and 1000
    python bench/bench.py --only build --sizes 100,1000,5000
    python bench/bench.py --generate-only 1000 /tmp/specs

Each measurement runs the command in a new process (best of --repeat runs, peak RSS of that
process from wait4). Add commands to COMMANDS: a label, an argv builder and whether it takes the
spec sizes (False: run once, with no spec).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCHEMAC = [sys.executable, "-m", "schemac"]
FILES = 10
ENUMS = {
    "record_status": ["draft", "active", "archived"],
    "priority_level": ["low", "medium", "high", "urgent"],
    "channel_kind": ["web", "mobile", "api", "batch"],
    "review_state": ["pending", "approved", "rejected"],
    "region_code": ["eu", "us", "apac"],
}
#: (column suffix, column body) cycled through to fill each table to about 20 columns
PLAIN_COLUMNS: list[tuple[str, str]] = [
    ("name", "varchar(255)"),
    ("notes", "{type: text, nullable: true}"),
    ("sort_order", "{type: integer, default: 0}"),
    ("hits", "{type: bigint, default: 0}"),
    ("amount", '{type: "numeric(19,4)", default: 0}'),
    ("is_enabled", "{type: boolean, default: false}"),
    ("starts_at", "timestamptz"),
    ("ends_at", "{type: timestamptz, nullable: true}"),
    ("attributes", "{type: jsonb, default: \"'{}'::jsonb\", description: Free-form settings}"),
    ("external_ref", "{type: uuid, nullable: true, description: Id in the source system}"),
    ("code", "{type: varchar(50), description: Short code shown in listings}"),
    ("summary", "{type: text, nullable: true}"),
    ("quota", "{type: integer, nullable: true}"),
    ("total_bytes", "{type: bigint, default: 0}"),
    ("fee", '{type: "numeric(19,4)", default: 0}'),
    ("is_public", "{type: boolean, default: true}"),
]


def table_name(i: int) -> str:
    return f"table_{i:05d}_items"


def fk_column(i: int) -> str:
    return f"table_{i:05d}_item_id"


def table_yaml(i: int, rng: random.Random) -> str:
    """One table: uuid_pk, an enum column, two FKs to earlier tables, 16 columns, 2 indexes."""
    parents = sorted(rng.sample(range(i), 2)) if i >= 2 else []
    enum = list(ENUMS)[i % len(ENUMS)]
    lines = [
        f"  {table_name(i)}:",
        f"    description: Synthetic table number {i}.",
        "    traits: [uuid_pk]",
        "    columns:",
    ]
    lines += [f"      {fk_column(p)}: {{type: uuid, references: {table_name(p)}}}" for p in parents]
    lines.append(f"      state: {{type: {enum}, default: \"'{ENUMS[enum][0]}'\"}}")
    lines += [f"      {suffix}: {body}" for suffix, body in PLAIN_COLUMNS]
    lines.append("    indexes:")
    indexed = [fk_column(p) for p in parents] or ["code", "starts_at"]
    lines += [f"      - {{columns: [{column}]}}" for column in indexed]
    return "\n".join(lines) + "\n"


def generate(n: int, directory: Path, seed: int = 42) -> list[Path]:
    """Write a spec of n tables split into about FILES files; returns the files written."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    per_file = max(1, -(-n // FILES))
    written: list[Path] = []
    for part, start in enumerate(range(0, n, per_file)):
        # the logical schema: ~20 columns a table, so uuid_pk rather than the standard
        # trait; the missing standard columns are waived once per file, as a team would
        head = [
            "spec_type: database-schema",
            f"title: Synthetic part {part}",
            "domain: bench",
            "lint: {ignore: [SC301]}",
        ]
        if part == 0:
            head.append("database: {engine: postgresql, version: 16}")
            head.append("extensions: [pgcrypto]")
            head.append("enums:")
            head += [f"  {name}: [{', '.join(values)}]" for name, values in ENUMS.items()]
        head.append("tables:")
        body = "".join(table_yaml(i, rng) for i in range(start, min(n, start + per_file)))
        path = directory / f"part_{part:02d}.yaml"
        path.write_text("\n".join(head) + "\n" + body, encoding="utf-8")
        written.append(path)
    return written


ArgvBuilder = Callable[[Path, Path], list[str]]


@dataclass(frozen=True)
class Command:
    label: str
    argv: ArgvBuilder  # (spec dir, fresh output dir) -> argv
    sized: bool = True  # False: measured once, without a generated spec


def built(specs: Path) -> Path:
    """Migrations of `specs`, built once (verify and the floor apply the same SQL)."""
    out = specs.parent / f"built_{specs.name}"
    if not out.is_dir():
        subprocess.run(
            [*SCHEMAC, "build", str(specs), "-o", str(out), "--no-lint"],
            check=True,
            capture_output=True,
            env=child_env(),
        )
    return out


def one_column_change(specs: Path, out: Path) -> list[str]:
    """`schemac build` of a one-column change after a first build: the first build is copied
    into `out` and the changed specs sit beside the originals (prepared before the timing)."""
    import shutil

    changed = specs.parent / f"changed_{specs.name}"
    if not changed.is_dir():
        shutil.copytree(specs, changed)
        first = sorted(changed.iterdir())[0]
        text = first.read_text(encoding="utf-8")
        marker = "    columns:\n"
        at = text.index(marker) + len(marker)
        first.write_text(
            text[:at] + "      bench_added: {type: text, nullable: true}\n" + text[at:],
            encoding="utf-8",
        )
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(built(specs), out)
    return [*SCHEMAC, "build", str(changed), "-o", str(out), "--no-lint"]


COMMANDS: list[Command] = [
    Command("schemac --help", lambda specs, out: [*SCHEMAC, "--help"], sized=False),
    Command("schemac build", lambda specs, out: [*SCHEMAC, "build", str(specs), "-o", str(out)]),
    Command("schemac lint", lambda specs, out: [*SCHEMAC, "lint", str(specs)]),
    Command("schemac build: one-column change", one_column_change),
    Command(
        "floor: fresh cluster + psql -1 -f + stop",
        lambda specs, out: [
            sys.executable,
            str(REPO / "bench" / "floor.py"),
            str(built(specs) / "V0001__initial_schema.sql"),
        ],
    ),
    Command(
        "schemac verify",
        lambda specs, out: [
            *SCHEMAC,
            "verify",
            str(specs),
            "-m",
            str(built(specs)),
            "--backend",
            "local",
        ],
    ),
    Command(
        "schemac verify --no-round-trip",
        lambda specs, out: [
            *SCHEMAC,
            "verify",
            str(specs),
            "-m",
            str(built(specs)),
            "--backend",
            "local",
            "--no-round-trip",
        ],
    ),
    Command(
        "schemac verify --report",
        lambda specs, out: [
            *SCHEMAC,
            "verify",
            str(specs),
            "-m",
            str(built(specs)),
            "--backend",
            "local",
            "--report",
        ],
    ),
]


@dataclass(frozen=True)
class Sample:
    seconds: float
    max_rss_kib: int
    returncode: int


#: where the measured processes keep their bytecode (set by main): an installed schemac has
#: its .pyc files, so the bench must not compile the sources again in every run, as it would
#: under PYTHONDONTWRITEBYTECODE (set on some machines) or with a read-only checkout
PYCACHE: Path | None = None


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if PYCACHE is not None:
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def compile_sources() -> None:
    """Byte-compile schemac into PYCACHE once, before anything is timed."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "src" / "schemac")],
        check=True,
        env=child_env(),
    )


def run_once(argv: list[str], log: Path) -> Sample:
    """Run argv in a fresh process; wall time and that process's own peak RSS (wait4)."""
    env = child_env()
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is KiB on Linux, bytes on macOS
    rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return Sample(elapsed, rss, proc.returncode)


def measure(command: Command, specs: Path, repeat: int, work: Path) -> tuple[Sample, Path]:
    samples: list[Sample] = []
    log = work / "unused.log"
    for attempt in range(repeat):
        out = work / f"out_{specs.name}_{command.label.replace(' ', '_')}_{attempt}"
        log = work / f"{out.name}.log"
        samples.append(run_once(command.argv(specs, out), log))
        if samples[-1].returncode != 0:
            break  # a failing command is reported once, not timed three times
    best = min(samples, key=lambda s: s.seconds)
    return Sample(best.seconds, max(s.max_rss_kib for s in samples), best.returncode), log


def markdown(rows: list[tuple[str, str, Sample]]) -> str:
    lines = ["| command | tables | wall (best) | peak RSS | exit |", "|---|---:|---:|---:|---:|"]
    for label, size, s in rows:
        lines.append(
            f"| `{label}` | {size} | {s.seconds * 1000:.0f} ms "
            f"| {s.max_rss_kib / 1024:.1f} MiB | {s.returncode} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="100,1000", help="comma-separated table counts")
    parser.add_argument("--only", action="append", metavar="LABEL", help="run only this command")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument(
        "--generate-only", nargs=2, metavar=("N", "DIR"), help="write a spec of N tables and exit"
    )
    args = parser.parse_args(argv)
    if args.generate_only:
        count, directory = int(args.generate_only[0]), Path(args.generate_only[1])
        files = generate(count, directory)
        print(f"wrote {count} tables in {len(files)} files to {directory}")
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    labels = {c.label for c in COMMANDS}
    unknown = set(args.only or ()) - labels
    if unknown:
        parser.error(f"unknown label(s) {sorted(unknown)}; known: {sorted(labels)}")
    commands = [c for c in COMMANDS if not args.only or c.label in args.only]
    rows: list[tuple[str, str, Sample]] = []
    failures: list[str] = []
    global PYCACHE
    with tempfile.TemporaryDirectory(prefix="schemac-bench-") as tmp:
        work = Path(tmp)
        PYCACHE = work / "pycache"
        compile_sources()
        spec_dirs = {n: work / f"specs_{n}" for n in sizes}
        for n, directory in spec_dirs.items():
            generate(n, directory)
        for command in commands:
            for n in sizes if command.sized else [0]:
                specs = spec_dirs.get(n, work / "no-specs")
                sample, log = measure(command, specs, args.repeat, work)
                rows.append((command.label, str(n) if command.sized else "-", sample))
                print(f"{command.label} [{n or '-'}]: {sample.seconds:.3f}s", file=sys.stderr)
                if sample.returncode != 0:
                    failures.append(f"{command.label} [{n}]")
                    output = log.read_text(encoding="utf-8", errors="replace")
                    print(output[-2000:], file=sys.stderr)
        print(markdown(rows))
    if failures:
        print(f"\nfailed (output on stderr above): {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
