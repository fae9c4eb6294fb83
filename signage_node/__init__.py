"""The door node: a renderer with a memory, on a Raspberry Pi at a room's door.

It subscribes to its room's retained snapshot, keeps the last one on disk, computes now/next
from its own clock, draws frames with :mod:`shared.render`, and reads a button (full) and
drives an LED. See :mod:`signage_node.app` for the one thread that owns its state.
"""
