"""The ``openspaces`` command: a door node's process never loads the hub's stack."""

from __future__ import annotations

import subprocess
import sys

#: The hub's dependencies (the ``hub`` extra): a node installs none of them.
HUB_STACK = ("alembic", "sqlalchemy", "fastapi", "starlette", "uvicorn", "jinja2")

PROBE = """
import sys
from shared.cli import main
try:
    main(["node", "--help"])
except SystemExit:
    pass
print(" ".join(sorted(name for name in {stack!r} if name in sys.modules)))
"""


def test_the_node_command_imports_nothing_of_the_hub() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE.format(stack=HUB_STACK)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert probe.stdout.splitlines()[-1] == ""
