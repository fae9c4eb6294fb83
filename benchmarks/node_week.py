"""Seven days alone: a door node's memory (RSS) over a simulated week with no broker.

Each panel's node runs :func:`signage_node.offline_week.simulate_offline_week` in a process of
its own (``python -m benchmarks.node_week PANEL``): a week of its cached snapshot, every slot
boundary checked, "Offline since" checked, the cache compared at the end. After every step the
process reads its own resident memory (VmRSS) from ``/proc/self/status``; the figures are the
curve at the end of each simulated day. Flat means the last day ends where the first did.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from benchmarks.report import write_section
from signage_node.offline_week import ZONE, simulate_offline_week

PANELS = ("impression-7.3-spectra6", "impression-13.3-spectra6")
BAR_MB = 60.0


@dataclass(frozen=True)
class Week:
    panel: str
    first_mb: float
    rss_by_day_mb: list[float]
    peak_mb: float
    steps: int
    boundaries: int
    wrong: int
    cache_intact: bool


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def measure(panel: str) -> dict[str, object]:
    """Run the week here: the RSS after the first step and at the last step of each simulated
    day (local time), and the highest (the child's side)."""
    readings: list[int] = []
    by_day: dict[str, int] = {}

    def step(at: datetime, _view: object) -> None:
        readings.append(rss_kib())
        by_day[at.astimezone(ZONE).date().isoformat()] = readings[-1]

    result = simulate_offline_week(panel, on_step=step)
    return {
        "first_kib": readings[0], "peak_kib": max(readings),
        "by_day_kib": list(by_day.values()), "steps": result.steps,
        "boundaries": result.boundaries, "wrong": len(result.wrong),
        "cache_intact": result.cache_intact,
    }  # fmt: skip


def run_one(panel: str) -> Week:
    repository = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.node_week", panel],
        cwd=repository, capture_output=True, text=True, check=True, timeout=1800,
    )  # fmt: skip
    figures = json.loads(done.stdout.splitlines()[-1])
    by_day = [kib / 1024 for kib in figures["by_day_kib"]]
    return Week(panel, figures["first_kib"] / 1024, by_day, figures["peak_kib"] / 1024,
                figures["steps"], figures["boundaries"], figures["wrong"],
                figures["cache_intact"])  # fmt: skip


def run() -> str:
    weeks = [run_one(panel) for panel in PANELS]
    days = max(len(week.rss_by_day_mb) for week in weeks)
    header = " | ".join(f"day {n + 1}" for n in range(days))
    rows = [
        f"| panel | first step | {header} | day {days} − day 1 | highest | boundaries (wrong) "
        "| cache | bar |",
        "|---|---|" + "---|" * days + "---|---|---|---|---|",
    ]
    for week in weeks:
        curve = " | ".join(f"{mb:.1f}" for mb in week.rss_by_day_mb)
        growth = week.rss_by_day_mb[-1] - week.rss_by_day_mb[0]
        rows.append(
            f"| `{week.panel}` | {week.first_mb:.1f} | {curve} | {growth:+.1f} MB "
            f"| {week.peak_mb:.1f} | {week.boundaries} "
            f"({week.wrong}) | {'intact' if week.cache_intact else 'CHANGED'} "
            f"| flat, ≤ {BAR_MB:.0f} MB |"
        )
    body = (
        "A door node alone for seven simulated days (no broker; its cached snapshot of a "
        "seven-day event that crosses the start of daylight saving time; fake clock moved to "
        "a minute before and to every slot boundary and every whole hour; gpiozero mock "
        "pins; a display that keeps only its last frame's hash). Resident memory (VmRSS, MB) "
        "of the node's process after its first step and at the end of each simulated day (the "
        "last day ends six hours after its last slot); every boundary, the "
        '"Offline since" marker and the cache file are checked along the way '
        "(`signage_node/offline_week.py`).\n\n" + "\n".join(rows)
    )
    write_section("Seven days alone", body)
    return body


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
