"""Door frame render time per panel: snapshot + time + panel → finished palette frame.

The renderer draws straight in the panel's palette ("P" mode, palette indexes only), so the
frame it returns is what the driver receives: there is no separate conversion step to add.
"""

from __future__ import annotations

import statistics
import time

from benchmarks.report import percentile, write_section
from shared.render import PANELS, render_door
from shared.render.samples import sample_scene

FRAMES = 50
STATES = ("session", "full", "open", "moved", "unicode")
BARS_MS = {(800, 480): 50.0, (1600, 1200): 200.0}


def time_panel(panel_id: str) -> list[float]:
    """Seconds per frame for ``FRAMES`` frames cycling through a few door states."""
    panel = PANELS[panel_id]
    scenes = [sample_scene(state) for state in STATES]
    render_door(scenes[0].snapshot, scenes[0].at, panel, scenes[0].context)  # warm font cache
    times = []
    for index in range(FRAMES):
        scene = scenes[index % len(scenes)]
        started = time.perf_counter()
        render_door(scene.snapshot, scene.at, panel, scene.context)
        times.append(time.perf_counter() - started)
    return times


def run() -> str:
    rows = [
        "| panel | size | median | p95 | max | bar |",
        "|---|---|---|---|---|---|",
    ]
    for panel_id in sorted(PANELS, key=lambda p: (PANELS[p].width * PANELS[p].height, p)):
        panel = PANELS[panel_id]
        times = time_panel(panel_id)
        bar = BARS_MS.get((panel.width, panel.height))
        rows.append(
            f"| `{panel_id}` | {panel.width}×{panel.height} "
            f"| {statistics.median(times) * 1000:.1f} ms | {percentile(times, 95) * 1000:.1f} ms "
            f"| {max(times) * 1000:.1f} ms | {f'≤ {bar:.0f} ms' if bar else ''} |"
        )
    body = (
        f"Median over {FRAMES} frames per panel, cycling through the states "
        f"{', '.join(STATES)}; one process, warm font cache.\n\n" + "\n".join(rows)
    )
    write_section("Frame render time", body)
    return body


if __name__ == "__main__":
    print(run())
