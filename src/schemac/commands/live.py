"""Reading a live database for `schemac import` and `schemac diff`: one connection, one line
per problem (2 for an unreadable URL, 3 for the database), the password never shown."""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from schemac.diagnostics import EXIT_ENV, EXIT_INPUT

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def one_line(text: str, conninfo: str) -> str:
    """A server or libpq message on one line, without the password of `conninfo`."""
    from psycopg.conninfo import conninfo_to_dict

    line = " ".join(text.split())
    try:
        password = conninfo_to_dict(conninfo).get("password")
    except Exception:  # an unreadable URL has no password to hide from its own message
        password = None
    return line.replace(str(password), "****") if password else line


def read_database(database_url: str, where: str, read: Callable[[psycopg.Connection[Any]], T]) -> T:
    """`read(conn)` on a connection to `database_url` (shown as `where`), or exit with one line.
    Exceptions of `read` other than psycopg's are the caller's."""
    import psycopg

    try:
        conn = psycopg.connect(database_url, connect_timeout=10)
    except psycopg.ProgrammingError as exc:  # libpq cannot read the URL
        fail(f"invalid --database-url: {one_line(str(exc), database_url)}", EXIT_INPUT)
    except psycopg.OperationalError as exc:
        fail(f"cannot connect to {where}: {one_line(str(exc), database_url)}", EXIT_ENV)
    try:
        with conn:
            return read(conn)
    except psycopg.errors.InsufficientPrivilege as exc:
        message = exc.diag.message_primary or str(exc)
        fail(f"cannot read the catalog of {where}: {one_line(message, database_url)}", EXIT_ENV)
    except psycopg.Error as exc:
        message = exc.diag.message_primary or str(exc)
        fail(f"reading {where} failed: {one_line(message, database_url)}", EXIT_ENV)


#: how long the importing thread may hold the interpreter when the block's reply has come (the
#: default 5 ms, once for each of a catalog's queries, would cost more than the imports save)
_SWITCH_S = 0.0002


@contextlib.contextmanager
def imported_beside(modules: Sequence[str]) -> Iterator[None]:
    """Import `modules` in a thread while the block runs, and wait for them at its end.

    Reading a catalog is mostly waiting for the server, and a command's start is mostly importing
    (the model, the resolver): done side by side, the wait is hidden. The block must import none
    of `modules` itself (two threads importing one cycle of modules can see it half-made); a
    module that fails here is left unimported and fails again, with its real error, where it is
    used.
    """

    def run() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # raised again where the module is used
                return

    thread = threading.Thread(target=run, name="schemac-imports", daemon=True)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(_SWITCH_S)
    thread.start()
    try:
        yield
    finally:
        thread.join()
        sys.setswitchinterval(interval)
