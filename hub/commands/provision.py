"""``openspaces provision-node``: create, rotate or revoke a door node's broker credentials."""

from __future__ import annotations

import argparse
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from hub.errors import InvalidError
from hub.mqtt.mosquitto import BrokerError, reload_broker
from hub.mqtt.provision import (
    DEFAULT_BROKER_DIR,
    DEFAULT_PID_FILE,
    BrokerAccess,
    NodeFile,
    add_credentials,
    check_node_id,
    node_toml,
    revoke_credentials,
    write_node_file,
)
from hub.storage.backup import give_back_sqlite_files
from shared.topics import DEFAULT_PREFIX

if TYPE_CHECKING:
    from sqlalchemy.orm import Session as DbSession

DESCRIPTION = """\
Give a door node its broker credentials (username = NODE_ID, a random password hashed into
the broker's password file; the ACL needs no change) and write its node.toml, ready to copy to
the Pi as /etc/openspaces/node.toml. With --config (the hub's TOML file) the node and its room
are also recorded in the hub's database, so the hub knows the node and sends its retained
config. Then the broker is told to reload (SIGHUP to the pid in --pid-file).

An id that already has credentials needs --rotate (a new password; the old one stops working).
--revoke removes the credentials (and, with --config, the node from the hub).
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "provision-node", help="create, rotate or revoke a door node's broker credentials",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("node_id", metavar="NODE_ID", help="letters, digits, '-', '_'")
    parser.add_argument("--room", metavar="ROOM", help="the room id the door shows")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--rotate", action="store_true", help="replace an existing password")
    action.add_argument("--revoke", action="store_true", help="remove the node's credentials")
    _broker_options(parser)
    _node_file_options(parser)
    parser.add_argument(
        "--config", type=Path, metavar="FILE",
        help="the hub's TOML config: record the node and its room in the hub's database",
    )  # fmt: skip
    parser.set_defaults(run=run)


def _broker_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--broker-dir", type=Path, default=DEFAULT_BROKER_DIR, metavar="DIR",
        help=f"folder of the broker's passwd and acl files (default {DEFAULT_BROKER_DIR})",
    )  # fmt: skip
    parser.add_argument(
        "--pid-file", type=Path, default=DEFAULT_PID_FILE, metavar="FILE",
        help=f"the broker's pid file, for the reload (default {DEFAULT_PID_FILE})",
    )  # fmt: skip
    parser.add_argument(
        "--no-reload", action="store_true", help="do not signal the broker (reload it yourself)"
    )


def _node_file_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="where to write node.toml (default NODE_ID.toml)"
    )
    parser.add_argument(
        "--broker-host", metavar="HOST",
        help="the broker's name as the Pi reaches it (default: this machine's name)",
    )  # fmt: skip
    parser.add_argument(
        "--broker-port", type=int, metavar="N", help="default 1883, 8883 with --tls"
    )
    parser.add_argument("--tls", action="store_true", help="the node connects with TLS")
    parser.add_argument("--panel", default=NodeFile.panel, help="the panel id (openspaces panels)")
    parser.add_argument("--display", choices=["inky", "png"], default="inky")
    parser.add_argument("--topic-prefix", default=None, help=f"default {DEFAULT_PREFIX}")


def run(args: argparse.Namespace) -> int:
    broker = BrokerAccess(args.broker_dir, args.pid_file)
    node_id = check_node_id(broker, args.node_id)
    if args.revoke:
        with _hub_database(args.config) as db:
            if db is not None:
                from hub import repo  # noqa: PLC0415

                repo.remove_node(db, node_id)
            revoke_credentials(broker, node_id)
        print(f"node {node_id}: credentials revoked")
    else:
        _provision(args, broker, node_id)
    _reload(args, broker)
    return 0


def _provision(args: argparse.Namespace, broker: BrokerAccess, node_id: str) -> None:
    if not args.room:
        raise InvalidError("--room is required (the room id this door shows)")
    prefix = args.topic_prefix or _hub_prefix(args.config) or DEFAULT_PREFIX
    options = NodeFile(
        broker_host=args.broker_host or socket.getfqdn(),
        broker_port=args.broker_port or (8883 if args.tls else 1883),
        tls=args.tls, panel=args.panel, display=args.display, topic_prefix=prefix,
    )  # fmt: skip
    with _hub_database(args.config) as db:
        if db is not None:
            from hub import repo  # noqa: PLC0415

            repo.assign_node(db, node_id, args.room, args.panel)
        password = add_credentials(broker, node_id, rotate=args.rotate)
    out: Path = args.out or Path(f"{node_id}.toml")
    write_node_file(out, node_toml(node_id, args.room, password, options))
    done = "password rotated" if args.rotate else "credentials created"
    where = "recorded in the hub" if args.config else "not recorded in a hub (no --config)"
    print(f"node {node_id}: {done}, room {args.room} {where}; wrote {out}")
    print(f"copy {out} to the Pi as /etc/openspaces/node.toml, then restart openspaces-node")


@contextmanager
def _hub_database(config: Path | None) -> Iterator[DbSession | None]:
    """A transaction on the hub's database (None without a config); commits on success."""
    if config is None:
        yield None
        return
    from hub.settings import load_settings  # noqa: PLC0415
    from hub.storage.db import open_database  # noqa: PLC0415

    url = load_settings(config, os.environ).database_url
    database = open_database(url)
    try:
        with database.transaction() as db:
            yield db
    finally:
        database.dispose()
        give_back_sqlite_files(url)


def _hub_prefix(config: Path | None) -> str | None:
    if config is None:
        return None
    from hub.settings import load_settings  # noqa: PLC0415

    return load_settings(config, os.environ).topic_prefix


def _reload(args: argparse.Namespace, broker: BrokerAccess) -> None:
    if args.no_reload:
        print("reload the broker to apply the change: systemctl reload mosquitto")
        return
    try:
        pid = reload_broker(broker.pid_file)
    except BrokerError as exc:
        raise BrokerError(f"the password file is updated, but {exc}") from None
    print(f"broker (pid {pid}) reloaded")
