"""Mosquitto as the product runs it: configuration, credentials, ACL, and a private instance.

:func:`write_broker_files` writes ``mosquitto.conf``, a hashed password file and the ACL that
PRODUCT.md describes (a node writes only under ``nodes/{its id}/`` and reads room states,
``site``, ``hub/status`` and its own ``config`` and ``cmd``; the hub user has the whole tree;
anonymous clients get nothing). :class:`MosquittoProcess` runs one instance on loopback, for
the demo and the tests. :class:`PasswordFile` adds, replaces and removes one user of a running
broker's password file, and :func:`reload_broker` makes the broker read it again (SIGHUP);
``openspaces provision-node`` is built on them.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hub.storage.private_files import write_private
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


def acl_text(
    hub_user: str, prefix: str = DEFAULT_PREFIX, other_hub_users: Iterable[str] = ()
) -> str:
    """The ACL file: the hub users have the tree; every other user only its own subtree.

    ``other_hub_users`` are the further hubs of a group sharing one database (each hub needs
    a username of its own: with ``use_username_as_clientid`` two logins as one user would
    keep disconnecting each other).
    """
    hubs = [hub_user, *(user for user in other_hub_users if user != hub_user)]
    grants = [f"user {check_id(user, 'hub user')}\ntopic readwrite {prefix}/#" for user in hubs]
    return "\n".join(
        [
            *grants,
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
    write_private(path, "".join(f"{user}:{pw}\n" for user, pw in credentials.items()))
    write_hashes(path)


class PasswordFile:
    """A Mosquitto password file (``user:hash`` lines), edited one user at a time.

    Hashes come from ``mosquitto_passwd`` itself; the password never appears on a command line.
    Each change rewrites the file atomically and keeps its mode and owner (a new file is 0600).
    The broker reads the file again only on :func:`reload_broker`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def users(self) -> list[str]:
        """The usernames in the file, in file order; none if the file does not exist."""
        return [line.split(":", 1)[0] for line in self._lines()]

    def __contains__(self, username: object) -> bool:
        return username in self.users()

    def set(self, username: str, password: str) -> None:
        """Add ``username`` or replace its password."""
        check_id(username, "username")
        entry = _hashed_entry(self.path.parent, username, password)
        kept = [line for line in self._lines() if line.split(":", 1)[0] != username]
        self._write([*kept, entry])

    def remove(self, username: str) -> bool:
        """Remove ``username``; False if it was not there."""
        lines = self._lines()
        kept = [line for line in lines if line.split(":", 1)[0] != username]
        if len(kept) == len(lines):
            return False
        self._write(kept)
        return True

    def _lines(self) -> list[str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise BrokerError(f"cannot read the password file {self.path}: {exc}") from None
        return [line for line in text.splitlines() if line.strip() and ":" in line]

    def _write(self, lines: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".passwd-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write("".join(f"{line}\n" for line in lines))
            _copy_mode_and_owner(self.path, Path(name))
            os.replace(name, self.path)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise


def _hashed_entry(folder: Path, username: str, password: str) -> str:
    """``username:<hash>`` as ``mosquitto_passwd -U`` writes it (via a private temp file)."""
    if not password or "\n" in password:
        raise BrokerError("a broker password must be one non-empty line")
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".entry-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(f"{username}:{password}\n")
        write_hashes(Path(name))
        return Path(name).read_text(encoding="utf-8").strip()
    finally:
        Path(name).unlink(missing_ok=True)


def write_hashes(path: Path) -> None:
    """Replace the plain-text passwords in ``path`` by hashes (``mosquitto_passwd -U``)."""
    passwd = shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd"
    try:
        result = subprocess.run(
            [passwd, "-U", str(path)], capture_output=True, text=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise BrokerError("mosquitto_passwd not found: install Debian's 'mosquitto'") from None
    if result.returncode != 0:
        raise BrokerError(f"mosquitto_passwd failed: {result.stderr.strip()}")


def _copy_mode_and_owner(original: Path, replacement: Path) -> None:
    try:
        info = original.stat()
    except FileNotFoundError:
        replacement.chmod(0o600)
        return
    replacement.chmod(info.st_mode & 0o777)
    if os.geteuid() == 0:
        os.chown(replacement, info.st_uid, info.st_gid)


def acl_users(path: Path) -> set[str]:
    """The users named by ``user`` lines of an ACL file (the hub's): never a node id."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BrokerError(f"cannot read the ACL file {path}: {exc}") from None
    words = (line.split() for line in text.splitlines())
    return {parts[1] for parts in words if len(parts) == 2 and parts[0] == "user"}


def reload_broker(pid_file: Path) -> int:
    """Make the Mosquitto whose pid is in ``pid_file`` re-read its password file and ACL.

    Sends SIGHUP and returns the pid; raises :class:`BrokerError` saying what to do instead
    when the file is missing or names no running process.
    """
    advice = "reload it yourself, e.g. 'systemctl reload mosquitto'"
    try:
        pid = int(pid_file.read_text(encoding="utf-8").strip())
    except (OSError, ValueError) as exc:
        raise BrokerError(f"no broker pid in {pid_file} ({exc}): {advice}") from None
    try:
        os.kill(pid, signal.SIGHUP)
    except OSError as exc:
        raise BrokerError(
            f"cannot signal broker pid {pid} from {pid_file}: {exc}; {advice}"
        ) from None
    log.info("broker (pid %d) told to reload its password file and ACL", pid)
    return pid


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
    #: Further hub users with the whole tree (several hubs sharing one database).
    other_hub_users: list[str] = field(default_factory=list)

    @property
    def config_path(self) -> Path:
        return self.folder / "mosquitto.conf"

    def write(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(config_text(self.port, self.folder))
        self.write_acl()
        write_password_file(self.folder / "passwd", self.credentials)

    def write_acl(self) -> None:
        (self.folder / "acl").write_text(acl_text(self.hub_user, self.prefix, self.other_hub_users))

    def add_hub_user(self, username: str, password: str) -> None:
        """Add a further hub user (the whole tree); the broker needs :meth:`reload` after."""
        if username not in self.other_hub_users:
            self.other_hub_users.append(check_id(username, "hub user"))
        self.write_acl()
        self.add_user(username, password)

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
