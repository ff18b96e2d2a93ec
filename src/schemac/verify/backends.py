"""Where a throwaway PostgreSQL comes from: a server URL, a Docker engine, or local binaries."""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import socket
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any, Literal, Protocol
from urllib.parse import urlparse

from schemac.config import Settings
from schemac.diagnostics import EnvironmentProblem
from schemac.verify.local import LocalCluster, find_pg_bin

BackendKind = Literal["auto", "url", "docker", "local"]

DATABASE_URL_ENV = "SCHEMAC_DATABASE_URL"
DEFAULT_DOCKER_VERSION = 16
SCRATCH_PREFIX = "schemac_verify_"

NO_POSTGRES_HELP = (
    "schemac needs a throwaway PostgreSQL; any one of these works:\n"
    f"  - point it at a server: --database-url or {DATABASE_URL_ENV} "
    "(schemac creates and drops its own database there)\n"
    "  - start a Docker engine (schemac runs the postgres image with testcontainers)\n"
    "  - install PostgreSQL server binaries: `apt-get install postgresql`, "
    "`brew install postgresql@16`, or pass their folder with --pg-bin"
)


class Backend(Protocol):
    """A source of fresh, empty databases for verification."""

    name: str

    def describe(self) -> str:
        """One line saying which server is used; never contains a password."""
        ...

    def database(self, template: str | None = None) -> AbstractContextManager[str]:
        """Yields the libpq conninfo of a fresh database, dropped on exit: empty, or a copy of
        the scratch database `template` (its conninfo) when given."""
        ...

    def close(self) -> None:
        """Releases the server (stops a cluster or container); safe to call twice."""
        ...


def mask_conninfo(conninfo: str) -> str:
    """`user@host:port/dbname` for display: never the password, whatever form the input had."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(conninfo)
    except Exception:
        return "<unparsable connection string>"
    user = f"{params['user']}@" if params.get("user") else ""
    port = f":{params['port']}" if params.get("port") else ""
    return f"{user}{params.get('host', 'localhost')}{port}/{params.get('dbname', '')}"


def _scrub(text: str, conninfo: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    with contextlib.suppress(Exception):
        password = conninfo_to_dict(conninfo).get("password")
        if password:
            text = text.replace(str(password), "****")
    return text


@contextlib.contextmanager
def scratch_database(admin_conninfo: str, template: str | None = None) -> Iterator[str]:
    """Create `schemac_verify_<random>` through `admin_conninfo`, yield its conninfo, drop it.

    Only the database created here is ever dropped; the admin database is just a door in.
    """
    import psycopg
    from psycopg import errors, sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = SCRATCH_PREFIX + secrets.token_hex(6)
    try:
        admin = psycopg.connect(admin_conninfo, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise EnvironmentProblem(
            f"cannot connect to {mask_conninfo(admin_conninfo)}: "
            f"{_scrub(str(exc).strip(), admin_conninfo)}",
            "check the database URL, or use --backend local",
        ) from None
    with admin:
        # the drop is attempted whatever happens from here on: an interrupt can arrive while
        # CREATE DATABASE runs, after the server has created the database
        try:
            try:
                if template is None:
                    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                else:
                    source = conninfo_to_dict(template).get("dbname")
                    if not isinstance(source, str) or not source.startswith(SCRATCH_PREFIX):
                        raise ValueError(f"only scratch databases can be copied, not {source!r}")
                    admin.execute(
                        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                            sql.Identifier(name), sql.Identifier(source)
                        )
                    )
            except errors.InsufficientPrivilege:
                role = admin.execute("SELECT current_user").fetchone()
                user = role[0] if role else conninfo_to_dict(admin_conninfo).get("user", "?")
                raise EnvironmentProblem(
                    f"the role {user} lacks CREATEDB, which verification needs to create its own "
                    "throwaway database",
                    f'grant it with ALTER ROLE "{user}" CREATEDB, or use --backend local',
                ) from None
            yield make_conninfo(admin_conninfo, dbname=name)
        finally:
            _drop_scratch(admin_conninfo, admin, name)


def _drop_scratch(admin_conninfo: str, admin: Any, name: str) -> None:
    """Drop the scratch database, on a fresh connection when an interrupt broke the first."""
    import psycopg

    try:
        _drop_database(admin, name)
        return
    except (psycopg.Error, KeyboardInterrupt):
        pass
    with psycopg.connect(admin_conninfo, autocommit=True, connect_timeout=10) as fresh:
        _drop_database(fresh, name)


def _drop_database(admin: Any, name: str) -> None:
    from psycopg import sql

    ident = sql.Identifier(name)
    if admin.info.server_version >= 130000:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        return
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
    )
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(ident))


class UrlBackend:
    """An existing server: each database() is a new database on it, dropped afterwards."""

    name = "url"

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo

    def describe(self) -> str:
        return f"server at {mask_conninfo(self.conninfo)}"

    def database(self, template: str | None = None) -> AbstractContextManager[str]:
        return scratch_database(self.conninfo, template)

    def close(self) -> None:
        return None


class LocalBackend:
    """An ephemeral cluster from local server binaries, alive until close()."""

    name = "local"

    def __init__(self, cluster: LocalCluster) -> None:
        self.cluster = cluster
        self.admin_conninfo = cluster.start()

    def describe(self) -> str:
        return f"ephemeral cluster from {self.cluster.bin_dir} (socket {self.cluster.socket_dir})"

    def database(self, template: str | None = None) -> AbstractContextManager[str]:
        return scratch_database(self.admin_conninfo, template)

    def close(self) -> None:
        self.cluster.stop()


class DockerBackend:
    """A `postgres:<version>` container started with testcontainers, removed on close()."""

    name = "docker"

    def __init__(self, version: int) -> None:
        try:
            from testcontainers.community.postgres import PostgresContainer
        except ImportError:  # testcontainers before the community/ split
            from testcontainers.postgres import PostgresContainer

        self.image = f"postgres:{version}"
        self.container: Any = PostgresContainer(self.image, driver=None)
        try:
            self.container.start()
        except Exception as exc:
            self.close()
            raise EnvironmentProblem(
                f"could not start {self.image} with Docker: {exc}", NO_POSTGRES_HELP
            ) from None
        from psycopg.conninfo import make_conninfo

        self.admin_conninfo = make_conninfo(
            host=self.container.get_container_host_ip(),
            port=int(self.container.get_exposed_port(5432)),
            user=self.container.username,
            password=self.container.password,
            dbname=self.container.dbname,
        )

    def describe(self) -> str:
        return f"docker container {self.image} at {mask_conninfo(self.admin_conninfo)}"

    def database(self, template: str | None = None) -> AbstractContextManager[str]:
        return scratch_database(self.admin_conninfo, template)

    def close(self) -> None:
        container, self.container = self.container, None
        if container is not None:
            with contextlib.suppress(Exception):
                container.stop()


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


def docker_available(env: Mapping[str, str] | None = None, timeout: float = 1.0) -> bool:
    """True when a Docker engine answers `/_ping`: cheap, so `auto` falls through fast."""
    environ = os.environ if env is None else env
    host = environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    parsed = urlparse(host)
    conn: http.client.HTTPConnection
    if parsed.scheme == "unix":
        if not os.path.exists(parsed.path):
            return False
        conn = _UnixHTTPConnection(parsed.path, timeout)
    elif parsed.scheme in ("tcp", "http", "https") and parsed.hostname:
        port = parsed.port or 2375
        conn = (
            http.client.HTTPSConnection(parsed.hostname, port, timeout=timeout)
            if parsed.scheme == "https" or environ.get("DOCKER_TLS_VERIFY")
            else http.client.HTTPConnection(parsed.hostname, port, timeout=timeout)
        )
    else:
        return False
    try:
        conn.request("GET", "/_ping")
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def _database_url(settings: Settings, env: Mapping[str, str]) -> str | None:
    return settings.database_url or env.get(DATABASE_URL_ENV) or None


def _open_url(settings: Settings, env: Mapping[str, str]) -> Backend:
    url = _database_url(settings, env)
    if url is None:
        raise EnvironmentProblem(
            f"--backend url needs --database-url or {DATABASE_URL_ENV}", NO_POSTGRES_HELP
        )
    return UrlBackend(url)


def _open_docker(settings: Settings, env: Mapping[str, str]) -> Backend:
    if not docker_available(env):
        raise EnvironmentProblem("no Docker engine answers", NO_POSTGRES_HELP)
    return DockerBackend(settings.postgres_version or DEFAULT_DOCKER_VERSION)


def _open_local(settings: Settings, env: Mapping[str, str]) -> Backend:
    bin_dir = find_pg_bin(settings.pg_bin, version=settings.postgres_version, env=env)
    if bin_dir is None:
        raise EnvironmentProblem("no PostgreSQL server binaries found", NO_POSTGRES_HELP)
    return LocalBackend(LocalCluster(bin_dir))


def open_backend(
    settings: Settings, *, kind: str | None = None, env: Mapping[str, str] | None = None
) -> Backend:
    """The backend named by `kind` (default: settings.backend); "auto" tries url, docker, local.

    Raises EnvironmentProblem (exit code 3) naming every way to get PostgreSQL when none works.
    """
    environ = os.environ if env is None else env
    chosen = kind or settings.backend
    openers = {"url": _open_url, "docker": _open_docker, "local": _open_local}
    if chosen in openers:
        return openers[chosen](settings, environ)
    if chosen != "auto":
        raise EnvironmentProblem(
            f"unknown backend {chosen!r}", "use one of: auto, url, docker, local"
        )
    if _database_url(settings, environ):
        return _open_url(settings, environ)
    if docker_available(environ):
        return _open_docker(settings, environ)
    if find_pg_bin(settings.pg_bin, version=settings.postgres_version, env=environ) is not None:
        return _open_local(settings, environ)
    raise EnvironmentProblem("no PostgreSQL available for verification", NO_POSTGRES_HELP)
