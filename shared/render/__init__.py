"""Door frames: one renderer for the node's glass and the hub's previews.

``render_door(snapshot, at, panel, context)`` gives the same pixels wherever it runs, for the
same inputs: :func:`door_view` decides the words, :func:`draw_frame` lays them out in the
panel's own palette colours.
"""

from __future__ import annotations

from datetime import datetime

from PIL import Image

from shared.render.door import DoorView, NodeContext, door_view
from shared.render.frame import draw_frame, frame_hash, paint_frame
from shared.render.paint import Placement
from shared.render.panels import PANELS, Panel, get_panel
from shared.wire import RoomSnapshot

__all__ = [
    "PANELS",
    "DoorView",
    "NodeContext",
    "Panel",
    "Placement",
    "door_view",
    "draw_frame",
    "frame_hash",
    "get_panel",
    "paint_frame",
    "render_door",
]


def render_door(
    snapshot: RoomSnapshot | None, at: datetime, panel: Panel, context: NodeContext
) -> Image.Image:
    """The frame ``panel`` should show for ``snapshot`` at ``at`` (aware), for the node in
    ``context``: a "P"-mode image of ``panel``'s size whose palette is ``panel.palette``."""
    return draw_frame(door_view(snapshot, at, context), panel)
