"""Backends: finding server binaries, the local cluster's clean-up, url/docker selection."""

from __future__ import annotations

import http.client
import http.server
import os
import secrets
import signal
import socketserver
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest

from schemac.config import Settings
from schemac.diagnostics import EnvironmentProblem
from schemac.verify import backends
from schemac.verify.backends import (
    Backend,
    LocalBackend,
    UrlBackend,
    docker_available,
    mask_conninfo,
    open_backend,
)
from schemac.verify.local import REQUIRED_PROGRAMS, find_pg_bin
from tests.helpers import no_postgresql

SRC = Path(__file__).resolve().parents[1] / "src"


def fake_bin(directory: Path, programs: tuple[str, ...] = REQUIRED_PROGRAMS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in programs:
        exe = directory / name
        exe.write_text("#!/bin/sh\nexit 0\n")
        exe.chmod(0o755)
    return directory


def globs(root: Path) -> tuple[str, ...]:
    return (str(root / "usr/lib/postgresql/*/bin"), str(root / "opt/homebrew/opt/postgresql@*/bin"))


def test_find_pg_bin_order(tmp_path: Path) -> None:
    explicit = fake_bin(tmp_path / "explicit")
    from_env = fake_bin(tmp_path / "env")
    on_path = fake_bin(tmp_path / "path")
    v13 = fake_bin(tmp_path / "usr/lib/postgresql/13/bin")
    v16 = fake_bin(tmp_path / "usr/lib/postgresql/16/bin")
    brew = fake_bin(tmp_path / "opt/homebrew/opt/postgresql@14/bin")
    env = {"SCHEMAC_PG_BIN": str(from_env), "PATH": str(on_path)}

    assert find_pg_bin(str(explicit), env=env, install_globs=globs(tmp_path)) == explicit
    assert find_pg_bin(None, env=env, install_globs=globs(tmp_path)) == from_env
    del env["SCHEMAC_PG_BIN"]
    assert find_pg_bin(None, env=env, install_globs=globs(tmp_path)) == on_path
    env["PATH"] = str(tmp_path / "empty")
    assert find_pg_bin(None, env=env, install_globs=globs(tmp_path)) == v16
    assert find_pg_bin(None, version=13, env=env, install_globs=globs(tmp_path)) == v13
    assert find_pg_bin(None, version=14, env=env, install_globs=globs(tmp_path)) == brew
    assert find_pg_bin(None, env=env, install_globs=()) is None


def test_find_pg_bin_uses_pg_config_and_follows_symlinked_pg_ctl(tmp_path: Path) -> None:
    real = fake_bin(tmp_path / "real")
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "pg_ctl").symlink_to(real / "pg_ctl")
    assert find_pg_bin(None, env={"PATH": str(tools)}, install_globs=()) == real

    configured = fake_bin(tmp_path / "configured")
    (tools / "pg_ctl").unlink()
    pg_config = tools / "pg_config"
    pg_config.write_text(f"#!/bin/sh\necho {configured}\n")
    pg_config.chmod(0o755)
    assert find_pg_bin(None, env={"PATH": str(tools)}, install_globs=()) == configured


def test_find_pg_bin_rejects_explicit_folder_without_server(tmp_path: Path) -> None:
    partial = fake_bin(tmp_path / "client-only", ("pg_ctl",))
    with pytest.raises(EnvironmentProblem, match="does not contain initdb"):
        find_pg_bin(str(partial), env={"PATH": ""}, install_globs=())


def test_auto_prefers_url_then_docker_then_local(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql://me:s3cret@db.example:5433/app"
    chosen = open_backend(Settings(), env={"SCHEMAC_DATABASE_URL": url})
    assert isinstance(chosen, UrlBackend)
    assert "s3cret" not in chosen.describe()
    assert chosen.describe() == "server at me@db.example:5433/app"

    started: list[int] = []

    class FakeDocker(UrlBackend):
        def __init__(self, version: int) -> None:
            super().__init__("host=docker")
            started.append(version)

    monkeypatch.setattr(backends, "docker_available", lambda env: True)
    monkeypatch.setattr(backends, "DockerBackend", FakeDocker)
    assert isinstance(open_backend(Settings(postgres_version=14), env={}), FakeDocker)
    assert started == [14]

    monkeypatch.setattr(backends, "docker_available", lambda env: False)
    monkeypatch.setattr(backends, "find_pg_bin", lambda *a, **k: None)
    with pytest.raises(EnvironmentProblem) as caught:
        open_backend(Settings(), env={})
    assert caught.value.help is not None
    for way in ("SCHEMAC_DATABASE_URL", "--database-url", "Docker", "apt-get install", "--pg-bin"):
        assert way in caught.value.help


def test_named_backend_that_cannot_serve_is_an_environment_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(backends, "docker_available", lambda env: False)
    with pytest.raises(EnvironmentProblem, match="no Docker engine"):
        open_backend(Settings(), kind="docker", env={})
    with pytest.raises(EnvironmentProblem, match="needs --database-url"):
        open_backend(Settings(), kind="url", env={})
    with pytest.raises(EnvironmentProblem, match="unknown backend"):
        open_backend(Settings(), kind="cloud", env={})


class _Ping(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/_ping" else 404)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")

    def address_string(self) -> str:
        return "docker"

    def log_message(self, format: str, *args: Any) -> None:
        return None


def test_docker_available_pings_the_engine_socket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sock = tmp_path / "docker.sock"
    assert not docker_available({"DOCKER_HOST": f"unix://{sock}"})
    server = socketserver.UnixStreamServer(str(sock), _Ping)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert docker_available({"DOCKER_HOST": f"unix://{sock}"})
    finally:
        server.shutdown()
        server.server_close()
    # an engine that does not answer costs at most the connect timeout, never a hang (the
    # timeout given, not a wall clock measured: that would fail on a slow machine)
    timeouts: list[float | None] = []

    class Recording(http.client.HTTPConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            timeouts.append(self.timeout)

    monkeypatch.setattr(http.client, "HTTPConnection", Recording)
    assert not docker_available({"DOCKER_HOST": "tcp://127.0.0.1:1"})
    assert timeouts == [1.0]


def test_mask_conninfo_never_shows_the_password() -> None:
    assert mask_conninfo("host=h port=6 user=u password=pw dbname=d") == "u@h:6/d"
    assert "pw" not in mask_conninfo("postgresql://u:pw@h/d")


def test_url_backend_error_hides_password() -> None:
    backend = UrlBackend("postgresql://me:hunter2@127.0.0.1:1/app")
    with pytest.raises(EnvironmentProblem) as caught, backend.database():
        pass
    assert "hunter2" not in caught.value.message
    assert "me@127.0.0.1:1/app" in caught.value.message


def _admin(pg_backend: Backend) -> str:
    assert isinstance(pg_backend, LocalBackend)
    return pg_backend.admin_conninfo


def _databases(admin: str) -> set[str]:
    with psycopg.connect(admin, autocommit=True) as conn:
        return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}


def test_url_backend_creates_and_drops_only_its_own_database(pg_backend: Backend) -> None:
    admin = _admin(pg_backend)
    keep = f"keep_{secrets.token_hex(4)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {keep}")
    before = _databases(admin)
    url = UrlBackend(admin)
    with url.database() as conninfo:
        with psycopg.connect(conninfo) as conn:
            name = conn.execute("SELECT current_database()").fetchone()
            conn.execute("CREATE TABLE t (id int)")
        assert name is not None and name[0].startswith("schemac_verify_")
        assert _databases(admin) == before | {name[0]}
    assert _databases(admin) == before
    assert keep in before


def test_url_backend_without_createdb_gives_clear_error(pg_backend: Backend) -> None:
    admin = _admin(pg_backend)
    role = f"nocreate_{secrets.token_hex(4)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN NOCREATEDB")
    try:
        limited = psycopg.conninfo.make_conninfo(admin, user=role)
        expected = f"the role {role} lacks CREATEDB"
        with (
            pytest.raises(EnvironmentProblem, match=expected) as caught,
            UrlBackend(limited).database(),
        ):
            pass
        assert caught.value.help is not None and "ALTER ROLE" in caught.value.help
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP ROLE {role}")


def test_local_database_is_fresh_and_dropped(pg_backend: Backend) -> None:
    with pg_backend.database() as first, psycopg.connect(first) as conn:
        conn.execute("CREATE TABLE t (id int)")
        first_name = conn.execute("SELECT current_database()").fetchone()
    with pg_backend.database() as second, psycopg.connect(second) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchone() == (0,)
    assert first_name is not None and first_name[0] not in _databases(_admin(pg_backend))


HOLDER = textwrap.dedent(
    """
    import sys, time
    from schemac.verify.local import LocalCluster, find_pg_bin
    cluster = LocalCluster(find_pg_bin())
    with cluster:
        print(cluster.socket_dir, flush=True)
        time.sleep(60)
    """
)

EXITER = textwrap.dedent(
    """
    from schemac.verify.local import LocalCluster, find_pg_bin
    cluster = LocalCluster(find_pg_bin())
    cluster.start()
    assert (cluster.data_dir / "postmaster.pid").is_file()
    print(cluster.socket_dir, flush=True)
    """
)


def _server_processes(data_dir: Path) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(data_dir).encode() in cmdline:
                pids.append(int(entry.name))
    return pids


def _run_holder(script: str, sig: signal.Signals | None) -> tuple[Path, Path, int]:
    """Run `script` (prints its cluster folder once up); signal it while the cluster is up."""
    if find_pg_bin() is None:
        no_postgresql("no PostgreSQL server binaries")  # CI must prove cleanup, never skip it
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    root = Path(proc.stdout.readline().strip())
    data_dir = root / "data"
    if sig is not None:
        assert root.is_dir() and _server_processes(data_dir)
        proc.send_signal(sig)
    proc.wait(30)
    return root, data_dir, proc.returncode


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to list processes")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_local_cluster_is_removed_when_interrupted(sig: signal.Signals) -> None:
    root, data_dir, returncode = _run_holder(HOLDER, sig)
    assert returncode == (143 if sig == signal.SIGTERM else -signal.SIGINT)
    assert not root.exists()
    assert _server_processes(data_dir) == []


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to list processes")
def test_local_cluster_is_removed_at_interpreter_exit_without_stop() -> None:
    root, data_dir, returncode = _run_holder(EXITER, None)
    assert returncode == 0
    assert not root.exists()
    assert _server_processes(data_dir) == []
