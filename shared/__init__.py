"""Code that the hub and the door nodes share: wire format, topics, schedule logic, rendering.

Public names live in the submodules: :mod:`shared.wire` (payload models), :mod:`shared.topics`
(topic names), :mod:`shared.schedule` (what is on now and next), :mod:`shared.render` (door
frames), :mod:`shared.clock` (injected time).
"""

__version__ = "0.1.0"
