"""``openspaces node`` with one fault injected, for the tests of its exit status.

    python -m tests.signage_node.node_with_fault FAULT --config FILE [--mock-gpio]

FAULT is ``none``, ``loop`` (building the node's status raises, on the loop's thread) or
``paho`` (paho's own network loop raises, which ends paho's thread).
"""

from __future__ import annotations

import sys
from typing import Any

import paho.mqtt.client as mqtt

from shared import cli
from signage_node import app


def _raise(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("injected fault")


def main(argv: list[str]) -> int:
    fault, rest = argv[0], argv[1:]
    if fault == "loop":
        app.node_status = _raise  # type: ignore[attr-defined]
    elif fault == "paho":
        mqtt.Client._loop = _raise  # type: ignore[method-assign]
    return cli.main(["node", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
