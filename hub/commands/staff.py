"""``openspaces hub add-staff``: create a staff login (or change its password).

The password is read from ``--password-file`` (its first line), else from standard input when
that is not a terminal (first line), else asked for twice at the terminal without echo. Only
its argon2 hash is stored.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from hub.commands.options import add_config_option
from shared.errors import ConfigError

DESCRIPTION = """\
Create a staff member who logs in to the staff area of the board (/staff/login), or set a new
password for an existing one. The password comes from --password-file, from standard input
when it is piped in, or is asked for at the terminal. Only an argon2 hash is stored.
"""


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "add-staff", help="create a staff login (or change its password)", description=DESCRIPTION
    )
    add_config_option(parser)
    parser.add_argument("--username", required=True, help="the login name, e.g. 'alice'")
    parser.add_argument(
        "--password-file", type=Path, metavar="FILE",
        help="read the password from the first line of FILE",
    )  # fmt: skip
    parser.set_defaults(run=run_add_staff)


def run_add_staff(args: argparse.Namespace) -> int:
    from hub.access.staff import set_staff_password  # noqa: PLC0415
    from hub.settings import load_settings  # noqa: PLC0415
    from hub.storage.db import open_database  # noqa: PLC0415

    password = read_password(args.password_file)
    settings = load_settings(getattr(args, "config", None), os.environ)
    database = open_database(settings.database_url)
    try:
        with database.transaction() as db:
            created = set_staff_password(db, args.username, password)
    finally:
        database.dispose()
    verb = "created" if created else "password changed for"
    print(f"staff login {verb} {args.username!r}; log in at {settings.base_url}/staff/login")
    return 0


def read_password(path: Path | None) -> str:
    """The password from ``path``, piped standard input, or the terminal (asked twice)."""
    if path is not None:
        try:
            return path.read_text(encoding="utf-8").splitlines()[0] if path.stat().st_size else ""
        except OSError as exc:
            raise ConfigError(str(path), "-", f"cannot read: {exc.strerror}") from None
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise ConfigError("terminal", "password", "the two passwords differ")
    return first
