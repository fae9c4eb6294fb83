"""A private PostgreSQL 15 server for tests, and a fresh database per test.

:class:`PostgresCluster` runs ``initdb`` and ``pg_ctl`` from Debian's ``postgresql-15``
(``/usr/lib/postgresql/15/bin``; another installed version if 15 is not there;
``$OPENSPACES_TEST_PG_BIN`` overrides) in a temporary folder (``/dev/shm`` when there is one),
listening on a free loopback port with its unix socket inside that folder, durability switched
off for speed. Run as root, the server
runs as the ``postgres`` user (``initdb`` refuses root). :meth:`PostgresCluster.stop` stops it
and removes its files. A missing PostgreSQL is an error, never a skip:
``deploy/dev/system-deps.sh`` installs it.

Test modules use it through :func:`postgres_server` (one server per test run, shared by every
module that asks) and :meth:`PostgresCluster.new_database`: a database copied from a template
that is already migrated to the newest revision, in about 20 ms::

    @pytest.fixture(scope="session")
    def cluster() -> Iterator[PostgresCluster]:
        with postgres_server() as server:
            yield server
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from hub.mqtt.mosquitto import free_port
from hub.storage.db import open_database

DEBIAN_PG = Path("/usr/lib/postgresql")
PREFERRED_VERSION = "15"
SUPERUSER = "postgres"
TEMPLATE = "hub_template"
#: Durability off (the data dies with the test run); loopback only; no background noise.
SERVER_OPTIONS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c listen_addresses=127.0.0.1 -c max_connections=200 -c autovacuum=off"
)


def _server_binaries() -> Path:
    """``$OPENSPACES_TEST_PG_BIN``, else Debian's PostgreSQL 15, else its newest version."""
    if "OPENSPACES_TEST_PG_BIN" in os.environ:
        return Path(os.environ["OPENSPACES_TEST_PG_BIN"])
    installed = sorted(DEBIAN_PG.glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    preferred = [p for p in installed if p.parts[-3] == PREFERRED_VERSION]
    chosen = preferred or installed[-1:]
    return chosen[0].parent if chosen else DEBIAN_PG / PREFERRED_VERSION / "bin"


def _scratch_folder() -> str | None:
    """Memory-backed ``/dev/shm`` when there is one (databases are made per test), else the
    default temporary folder."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


class PostgresError(RuntimeError):
    """PostgreSQL is missing or would not start."""


class PostgresCluster:
    """One private server; see the module docstring."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="openspaces-pg-", dir=_scratch_folder()))
        self.port = 0
        self._names = itertools.count(1)
        self._lock = threading.Lock()
        self._as_postgres = os.geteuid() == 0
        self._admin_engine: Engine | None = None
        if self._as_postgres:
            account = pwd.getpwnam(SUPERUSER)
            os.chown(self.folder, account.pw_uid, account.pw_gid)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def start(self, attempts: int = 3) -> None:
        """``initdb``, then start on a free port (another one if that was taken meanwhile)."""
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "--no-sync",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        for attempt in range(attempts):
            self.port = free_port()
            try:
                self._run("pg_ctl", "start", "-w", "-t", "30", "-D", str(self.data),
                          "-l", str(self.folder / "server.log"),
                          "-o", f"{SERVER_OPTIONS} -c port={self.port} "
                          f"-c unix_socket_directories={self.folder}")  # fmt: skip
                break
            except PostgresError:
                if attempt == attempts - 1:
                    raise
        self._make_template()

    def stop(self) -> None:
        """Stop the server (clients are cut off) and remove every file."""
        if self._admin_engine is not None:
            self._admin_engine.dispose()
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(self.data))
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def new_database(self, *, migrated: bool = True) -> str:
        """The URL of a new database: migrated to head (a copy of the template) or empty."""
        with self._lock:
            name = f"hub_{next(self._names)}"
        source = TEMPLATE if migrated else "template0"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Remove a database made by :meth:`new_database`, cutting off its remaining clients."""
        name = url.rsplit("/", 1)[1]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _make_template(self) -> None:
        self._admin(f'CREATE DATABASE "{TEMPLATE}"')
        open_database(self.url(TEMPLATE)).dispose()

    def _admin(self, statement: str) -> None:
        if self._admin_engine is None:
            self._admin_engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with self._admin_engine.connect() as connection:
            connection.execute(text(statement))

    def _run(self, program: str, *args: str) -> None:
        binary = _server_binaries() / program
        if not binary.exists():
            raise PostgresError(
                f"{binary} not found: install Debian's 'postgresql' package "
                "(bash deploy/dev/system-deps.sh does)"
            )
        command = [str(binary), *args]
        if self._as_postgres:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=60, cwd=self.folder
        )
        if result.returncode != 0:
            log_file = self.folder / "server.log"
            server_log = log_file.read_text(errors="replace")[-2000:] if log_file.exists() else ""
            raise PostgresError(
                f"{program} failed ({result.returncode}): {result.stderr.strip()}\n{server_log}"
            )


class _SharedServer:
    """The one server of a test run, counted in and out by :func:`postgres_server`."""

    def __init__(self) -> None:
        self.cluster: PostgresCluster | None = None
        self.users = 0
        self.lock = threading.Lock()

    def acquire(self) -> PostgresCluster:
        with self.lock:
            if self.cluster is None:
                cluster = PostgresCluster()
                try:
                    cluster.start()
                except BaseException:
                    cluster.stop()
                    raise
                self.cluster = cluster
            self.users += 1
            return self.cluster

    def release(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users == 0 and self.cluster is not None:
                cluster, self.cluster = self.cluster, None
                cluster.stop()


_SHARED = _SharedServer()


@contextmanager
def postgres_server() -> Iterator[PostgresCluster]:
    """The test run's one server: started by the first user, stopped when the last lets go."""
    server = _SHARED.acquire()
    try:
        yield server
    finally:
        _SHARED.release()
