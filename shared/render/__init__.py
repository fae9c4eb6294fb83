"""Door frames: one renderer for the node's glass and the hub's previews.

``render_door(snapshot, at, panel, context)`` gives the same pixels wherever it runs, for the
same inputs.
"""

from __future__ import annotations

from datetime import datetime

from PIL import Image

from shared.render.door import DoorView, NodeContext, door_view
from shared.render.frame import draw_frame, frame_hash
from shared.render.panels import PANELS, Panel, get_panel
from shared.wire import RoomSnapshot

__all__ = [
    "PANELS",
    "DoorView",
    "NodeContext",
    "Panel",
    "door_view",
    "draw_frame",
    "frame_hash",
    "get_panel",
    "render_door",
]


def render_door(
    snapshot: RoomSnapshot | None, at: datetime, panel: Panel, context: NodeContext
) -> Image.Image:
    """The frame ``panel`` should show for ``snapshot`` at ``at``."""
    return draw_frame(door_view(snapshot, at, context), panel)
