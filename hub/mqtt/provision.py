"""Provisioning door nodes: broker credentials, the node's ``node.toml``, its room on the hub.

A node's broker username is its node id, and the broker's ACL grants every node its own
subtree through ``%u`` patterns (:func:`hub.mqtt.mosquitto.acl_text`), so provisioning a node only
adds one password entry: the ACL file never changes. The steps, each a function here, are run
in order by ``openspaces provision-node`` (:mod:`hub.commands.provision`)::

    broker = BrokerAccess(Path("/etc/mosquitto/openspaces"), Path("/run/mosquitto/mosquitto.pid"))
    password = add_credentials(broker, "door-1", rotate=False)
    write_node_file(Path("door-1.toml"), node_toml("door-1", "room-a", password, NodeFile("hub")))
    reload_broker(broker.pid_file)

Refusals are :mod:`hub.errors` and :mod:`shared.errors` exceptions with a message for people:
an id that could act as an MQTT wildcard (:class:`~shared.errors.TopicError`), the hub's own
broker user (:class:`~hub.errors.InvalidError`), an id that already has credentials without
``rotate`` (:class:`~hub.errors.ConflictError`), an unknown node or room
(:class:`~hub.errors.NotFoundError`).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from hub.errors import ConflictError, InvalidError, NotFoundError
from hub.mqtt.mosquitto import PasswordFile, acl_users
from shared.render.panels import PANELS
from shared.topics import DEFAULT_PREFIX, Topics, check_id

log = logging.getLogger(__name__)

#: Where ``deploy/install-hub.sh`` puts the broker's password file and ACL.
DEFAULT_BROKER_DIR = Path("/etc/mosquitto/openspaces")
#: Where Debian's Mosquitto writes its pid (``pid_file`` in /etc/mosquitto/mosquitto.conf).
DEFAULT_PID_FILE = Path("/run/mosquitto/mosquitto.pid")
#: Random bytes in a node password (it is sent as 32 URL-safe characters).
PASSWORD_BYTES = 24


@dataclass(frozen=True)
class BrokerAccess:
    """The broker's files: ``folder`` holds ``passwd`` and ``acl``; ``pid_file`` its pid."""

    folder: Path = DEFAULT_BROKER_DIR
    pid_file: Path = DEFAULT_PID_FILE

    @property
    def passwords(self) -> PasswordFile:
        return PasswordFile(self.folder / "passwd")

    @property
    def acl(self) -> Path:
        return self.folder / "acl"


@dataclass(frozen=True)
class NodeFile:
    """What a ``node.toml`` says besides the node's id, room and password."""

    broker_host: str
    broker_port: int = 1883
    tls: bool = False
    panel: str = "impression-7.3-spectra6"
    display: Literal["inky", "png"] = "inky"
    topic_prefix: str = DEFAULT_PREFIX
    state_dir: Path = field(default=Path("/var/lib/openspaces-node"))

    def __post_init__(self) -> None:
        if self.panel not in PANELS:
            known = ", ".join(sorted(PANELS))
            raise InvalidError(f"unknown panel {self.panel!r}; known panels: {known}")
        Topics(self.topic_prefix)


def check_node_id(broker: BrokerAccess, node_id: str) -> str:
    """``node_id`` if it may be a node's broker username; raise if it is not."""
    check_id(node_id, "node id")
    if broker.acl.exists() and node_id in acl_users(broker.acl):
        raise InvalidError(
            f"{node_id!r} is a broker user with its own ACL lines (the hub's): "
            "choose another node id"
        )
    return node_id


def add_credentials(broker: BrokerAccess, node_id: str, *, rotate: bool) -> str:
    """Give ``node_id`` a new random password in the broker's password file; return it.

    Without ``rotate`` an id that already has credentials is refused; with it, an id that has
    none is refused (nothing to rotate). The broker needs a reload to use the change.
    """
    check_node_id(broker, node_id)
    exists = node_id in broker.passwords
    if exists and not rotate:
        raise ConflictError(
            f"node {node_id!r} already has broker credentials: pass --rotate to replace its "
            "password (the old one stops working), or --revoke to remove it"
        )
    if rotate and not exists:
        raise NotFoundError(f"node {node_id!r} has no broker credentials to rotate")
    password = secrets.token_urlsafe(PASSWORD_BYTES)
    broker.passwords.set(node_id, password)
    log.info("node %s: broker password %s", node_id, "rotated" if rotate else "created")
    return password


def revoke_credentials(broker: BrokerAccess, node_id: str) -> None:
    """Remove ``node_id`` from the password file (after a reload it cannot connect)."""
    check_node_id(broker, node_id)
    if not broker.passwords.remove(node_id):
        raise NotFoundError(f"node {node_id!r} has no broker credentials to revoke")
    log.info("node %s: broker credentials revoked", node_id)


def node_toml(node_id: str, room_id: str | None, password: str, options: NodeFile) -> str:
    """The text of a ``node.toml`` that :func:`signage_node.config.load_node_config` accepts."""
    room = f"room_id = {_quote(check_id(room_id, 'room id'))}" if room_id else "# room_id = ..."
    return "\n".join(
        [
            f"# Door node {node_id}, written by 'openspaces provision-node'.",
            "# Keep it secret (it holds the broker password): install it as",
            "# /etc/openspaces/node.toml, mode 0640, owned by root:openspaces.",
            "# deploy/node.example.toml documents every setting.",
            f"node_id = {_quote(check_id(node_id, 'node id'))}",
            "# The hub's retained config for this node may assign another room.",
            room,
            f"panel = {_quote(options.panel)}",
            f"display = {_quote(options.display)}",
            f"topic_prefix = {_quote(options.topic_prefix)}",
            f"state_dir = {_quote(str(options.state_dir))}",
            "",
            "[broker]",
            f"host = {_quote(options.broker_host)}",
            f"port = {options.broker_port}",
            f"username = {_quote(node_id)}",
            f"password = {_quote(password)}",
            f"tls = {'true' if options.tls else 'false'}",
            "",
        ]
    )


def write_node_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by its owner only (it holds a secret)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _quote(value: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML)."""
    return json.dumps(value, ensure_ascii=False)
