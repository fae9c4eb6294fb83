"""E-ink refreshes over a simulated event day, against the number of distinct frames.

Each panel's door node runs through 24 hours of the sample event on a fake clock, with the
real renderer and refresh policy, hub heartbeats, snapshot updates and button presses, and a
display that counts refreshes (:func:`signage_node.simulation.simulate_day`). The bar: zero
redundant refreshes, so refreshes = distinct frames.
"""

from __future__ import annotations

from benchmarks.report import write_section
from signage_node.simulation import simulate_day

PANELS = (
    "phat-ssd1608-red", "what-ssd1683-red", "impression-5.7-7colour",
    "impression-7.3-spectra6", "impression-13.3-spectra6",
)  # fmt: skip


def run() -> str:
    rows = [
        "| panel | refreshes | distinct frames | redundant | slot boundaries | late | bar |",
        "|---|---|---|---|---|---|---|",
    ]
    for panel in PANELS:
        day = simulate_day(panel)
        rows.append(
            f"| `{panel}` | {day.refreshes} | {day.distinct_frames} | "
            f"{day.redundant_refreshes} | {day.boundaries} | {day.late_boundaries} | "
            "redundant = 0 |"
        )
    body = (
        "24 simulated hours of the sample event per panel (fake clock, real renderer and "
        "refresh policy, heartbeats every 30 s, snapshot updates and button presses). "
        '"Late": slot boundaries whose new frame was not on the glass by the boundary '
        "(the refresh starts one panel refresh time, plus 5 s for its panel helper to start, "
        "early).\n\n" + "\n".join(rows)
    )
    write_section("E-ink refreshes over a simulated day", body)
    return body


if __name__ == "__main__":
    print(run())
