"""``openspaces hub``: run the hub; ``openspaces hub create-token``: make a staff API token."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from hub.commands import setup as setup_cli
from hub.commands import staff as staff_cli
from hub.commands.options import add_config_option
from hub.feeds import csv_cli, program_cli
from hub.settings import ENV_PREFIX

DESCRIPTION = f"""\
Run the hub: the HTTP API (and later the board) on listen_host:listen_port, the SQLite or
PostgreSQL database (migrated at start), and the MQTT link that publishes every room's retained
snapshot. Settings come from the TOML file given with --config (every setting is documented in
deploy/hub.example.toml) and from {ENV_PREFIX}* environment variables, which win
(e.g. {ENV_PREFIX}BROKER_PASSWORD). Without --config the defaults apply.
"""

STAFF_ACCESS_DESCRIPTION = """\
Make a staff API token, print it once on stdout, and store only its hash. Staff send it as
'Authorization: Bearer <token>'.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "hub", help="run the hub (HTTP API + MQTT publisher)", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--config", type=Path, metavar="FILE", help="the hub's TOML config file")
    parser.set_defaults(run=run)
    actions = parser.add_subparsers(dest="hub_command", metavar="ACTION")
    token = actions.add_parser(
        "create-token", help="make a staff API token", description=STAFF_ACCESS_DESCRIPTION
    )
    add_config_option(token)
    token.add_argument("--name", required=True, help="who or what holds the token, e.g. 'alice'")
    token.set_defaults(run=run_create_token)
    csv_cli.register(actions)
    program_cli.register(actions)
    staff_cli.register(actions)
    setup_cli.register(actions)


def run(args: argparse.Namespace) -> int:
    import uvicorn  # noqa: PLC0415

    from hub.app import create_app  # noqa: PLC0415
    from hub.http.serving import uvicorn_config  # noqa: PLC0415
    from hub.settings import load_settings  # noqa: PLC0415
    from shared.render.fonts import require_raqm  # noqa: PLC0415

    settings = load_settings(args.config, os.environ)
    require_raqm()  # the door previews must match the doors' frames
    app = create_app(settings)
    uvicorn.Server(uvicorn_config(app, settings, log_config=None)).run()
    return 0


def run_create_token(args: argparse.Namespace) -> int:
    from hub.access.tokens import create_staff_token  # noqa: PLC0415
    from hub.settings import load_settings  # noqa: PLC0415
    from hub.storage.db import open_database  # noqa: PLC0415

    settings = load_settings(args.config, os.environ)
    database = open_database(settings.database_url)
    try:
        with database.transaction() as db:
            token = create_staff_token(db, args.name)
    finally:
        database.dispose()
    print(token)
    return 0
