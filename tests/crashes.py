"""Helpers for the crash and concurrency tests: a medium spec in two versions, the command line,
a migrations directory as bytes, and a build killed with SIGKILL at a chosen disk step."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from schemac.cli import cli
from tests.helpers import write_spec

ROOT = Path(__file__).resolve().parent.parent

#: the os functions through which a build changes its directory, in the order they come
DISK_STEPS = ("write", "fsync", "link", "replace", "rename", "unlink")
#: the ones that change what the directory lists (a kill between two writes only leaves a temp)
RENAMES = ("link", "replace", "rename", "unlink")


def medium(tables: int = 30, *, v2: bool = False) -> str:
    """A chain of `tables` tables; v2 adds columns (one transactional migration) and indexes on
    existing tables (one concurrent, non-transactional migration each, with a .conf file)."""
    lines = ["tables:"]
    for i in range(tables):
        lines += [f"  t{i:02d}:", "    columns:", "      id: {type: uuid, primary_key: true}"]
        lines.append("      name: text")
        if i:
            lines.append(
                f"      t{i - 1:02d}_id: {{type: uuid, nullable: true, references: t{i - 1:02d}}}"
            )
        if v2 and i % 3 == 0:
            lines.append("      note: {type: text, nullable: true}")
        if v2 and i % 6 == 0:
            lines.append("    indexes: [{columns: [name]}]")
    return "\n".join(lines) + "\n"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def build(specs: Path, out: Path) -> Result:
    return run("build", specs, "-o", out, "--no-lint")


def check(specs: Path, out: Path) -> Result:
    return run("check", specs, "-m", out)


def specs_dir(directory: Path, body: str) -> Path:
    write_spec(directory, body)
    return directory


def tree(directory: Path) -> dict[str, bytes]:
    """Every entry of `directory` (dotfiles too) and its bytes; {} when it does not exist."""
    if not directory.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def junk(directory: Path) -> list[str]:
    """What a directory at rest must not hold: temporaries, the journal, the lock file."""
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def killed_build(
    args: Sequence[str],
    step: int,
    kinds: Sequence[str] = DISK_STEPS,
    before: Callable[[str, tuple[Any, ...]], bool] | None = None,
) -> int | None:
    """Run `schemac *args` in a forked child that SIGKILLs itself just before its `step`-th call
    of the os functions `kinds` (1-based), or before the first call `before(name, args)` holds
    for. Returns None when it was killed, else the number of such calls it made. A fork rather
    than a new interpreter: the same SIGKILL, 20 times faster.
    """
    reader, writer = os.pipe()
    real_write, real_kill = os.write, os.kill
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest, never runs its atexit handlers
        try:
            os.close(reader)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            count = 0

            def counting(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
                def call(*a: Any, **kw: Any) -> Any:
                    nonlocal count
                    count += 1
                    if count == step or (before is not None and before(name, a)):
                        real_kill(os.getpid(), signal.SIGKILL)
                    return real(*a, **kw)

                return call

            for name in kinds:
                setattr(os, name, counting(name, getattr(os, name)))
            with contextlib.suppress(SystemExit):
                cli.main(list(args), standalone_mode=False)
            real_write(writer, str(count).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        reported = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return None
    return int(reported)


def to_sum(name: str, args: tuple[Any, ...]) -> bool:
    """For killed_build: the rename that commits a build (the sum into place)."""
    return name == "replace" and Path(args[1]).name == "schemac.sum"


def schemac_process(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "schemac", *(str(a) for a in args)]
