"""Mosquitto as the product runs it: configuration, credentials, ACL, and a private instance.

:func:`write_broker_files` writes ``mosquitto.conf``, a hashed password file and the ACL that
PRODUCT.md describes (a node writes only under ``nodes/{its id}/`` and reads room states,
``site``, ``hub/status`` and its own ``config`` and ``cmd``; the hub user has the whole tree;
anonymous clients get nothing). :class:`MosquittoProcess` runs one instance on loopback, for
the demo and the tests.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from shared.errors import OpenSpacesError
from shared.topics import DEFAULT_PREFIX, check_id

log = logging.getLogger(__name__)

MAX_PACKET_BYTES = 256 * 1024


class BrokerError(OpenSpacesError, RuntimeError):
    """Mosquitto could not be found, configured or started."""


def mosquitto_binary() -> str:
    found = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
    )
    if found is None:
        raise BrokerError("mosquitto not found: install Debian's 'mosquitto' package")
    return found


def acl_text(hub_user: str, prefix: str = DEFAULT_PREFIX) -> str:
    """The ACL file: the hub user has the tree; every other user only its own subtree."""
    return "\n".join(
        [
            f"user {check_id(hub_user, 'hub user')}",
            f"topic readwrite {prefix}/#",
            "",
            "# Every other user is a door node whose username is its node id.",
            f"pattern write {prefix}/nodes/%u/status",
            f"pattern write {prefix}/nodes/%u/events",
            f"pattern read {prefix}/nodes/%u/config",
            f"pattern read {prefix}/nodes/%u/cmd",
            f"pattern read {prefix}/rooms/+/state",
            f"pattern read {prefix}/site",
            f"pattern read {prefix}/hub/status",
            "",
        ]
    )


def config_text(
    port: int, folder: Path, host: str = "127.0.0.1", as_root: bool | None = None
) -> str:
    """``mosquitto.conf`` for a broker whose files live in ``folder``."""
    run_as_root = os.geteuid() == 0 if as_root is None else as_root
    lines = [
        "# Written by openspaces; see deploy/mosquitto/ for the production file.",
        "per_listener_settings false",
        "allow_anonymous false",
        f"password_file {folder / 'passwd'}",
        f"acl_file {folder / 'acl'}",
        f"max_packet_size {MAX_PACKET_BYTES}",
        "persistence true",
        f"persistence_location {folder}/",
        "autosave_interval 60",
        f"log_dest file {folder / 'mosquitto.log'}",
        "log_type error",
        "log_type warning",
        "log_type notice",
        "connection_messages true",
        f"listener {port} {host}",
        # A listener option: before any "listener" line it would open a default listener
        # on port 1883 on every interface.
        "use_username_as_clientid true",
    ]
    if run_as_root:
        # Mosquitto drops privileges to "mosquitto" when started as root, and could then not
        # read its own files in a private folder.
        lines.insert(1, "user root")
    return "\n".join(lines) + "\n"


def write_password_file(path: Path, credentials: dict[str, str]) -> None:
    """Write ``user:password`` lines and let ``mosquitto_passwd -U`` hash them in place."""
    path.write_text("".join(f"{user}:{pw}\n" for user, pw in credentials.items()))
    path.chmod(0o600)
    passwd = shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd"
    result = subprocess.run(
        [passwd, "-U", str(path)], capture_output=True, text=True, check=False, timeout=60
    )
    if result.returncode != 0:
        raise BrokerError(f"mosquitto_passwd failed: {result.stderr.strip()}")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class BrokerFiles:
    """The files of one broker instance, and the credentials written into them."""

    folder: Path
    port: int
    hub_user: str
    credentials: dict[str, str] = field(default_factory=dict)
    prefix: str = DEFAULT_PREFIX

    @property
    def config_path(self) -> Path:
        return self.folder / "mosquitto.conf"

    def write(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(config_text(self.port, self.folder))
        (self.folder / "acl").write_text(acl_text(self.hub_user, self.prefix))
        write_password_file(self.folder / "passwd", self.credentials)

    def add_user(self, username: str, password: str) -> None:
        """Add (or replace) one user's password; the broker needs :meth:`reload` after."""
        self.credentials[check_id(username, "username")] = password
        write_password_file(self.folder / "passwd", self.credentials)


class MosquittoProcess:
    """A Mosquitto child process listening on loopback.

    ``start()`` returns once the port accepts connections. ``kill()`` is SIGKILL (retained
    messages since the last autosave are lost, as in real life); ``pause()``/``resume()`` are
    SIGSTOP/SIGCONT.
    """

    def __init__(self, files: BrokerFiles) -> None:
        self.files = files
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return self.files.port

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self, timeout: float = 10.0) -> None:
        if self._proc is not None and self._proc.poll() is None:
            return
        self._proc = subprocess.Popen(
            [mosquitto_binary(), "-c", str(self.files.config_path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_ready(timeout)
        log.info("mosquitto listening on %s:%d (pid %d)", self.host, self.port, self._proc.pid)

    def _wait_ready(self, timeout: float) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                proc, self._proc = self._proc, None
                err = proc.stderr.read().decode() if proc.stderr else ""
                if proc.stderr:
                    proc.stderr.close()
                raise BrokerError(f"mosquitto exited with {proc.returncode}: {err.strip()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.02)
        self.kill()
        raise BrokerError(f"mosquitto did not listen on port {self.port} in {timeout} s")

    def stop(self) -> None:
        """Stop cleanly (SIGTERM: retained messages are saved)."""
        self._end(signal.SIGTERM)

    def kill(self) -> None:
        self._end(signal.SIGKILL)

    def reload(self) -> None:
        """Re-read the password file and ACL (SIGHUP), e.g. after adding a node."""
        if self._proc is not None:
            self._proc.send_signal(signal.SIGHUP)

    def pause(self) -> None:
        if self._proc is not None:
            self._proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self._proc is not None:
            self._proc.send_signal(signal.SIGCONT)

    def _end(self, sig: signal.Signals) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGCONT)
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()
