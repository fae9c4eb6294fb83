"""``openspaces node`` driving the real inky driver over a stand-in SPI bus and GPIO lines,
as on a Pi but without the glass: ``python -m benchmarks.inky_node CONFIG``.

The node is the real one (``display = "inky"``): each refresh runs a panel helper process with
the unmodified driver. Only the helper's buses are stand-ins, the tests' fake bus
(:func:`tests.signage_node.fake_bus.buses`, which forgets the bytes it is sent unless a test
asks for them), and its driver does not sleep through the seconds a real panel takes. Used by
:mod:`benchmarks.node_process` to measure the memory of the node and of its helper.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from signage_node import cli
from signage_node.inky_display import PanelHelper


def main(config: str) -> int:
    """``openspaces node --config CONFIG --mock-gpio``, its panel helper on the fake bus."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = argparse.Namespace(config=Path(config), check=False, mock_gpio=True)
    return cli.run(args, helper=PanelHelper(buses="tests.signage_node.fake_bus:buses"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
