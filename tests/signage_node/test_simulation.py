"""A simulated event day: the real node and renderer on a fake clock, refreshes counted."""

from __future__ import annotations

import pytest

from signage_node.simulation import simulate_day


@pytest.mark.parametrize("panel", ["impression-7.3-spectra6", "phat-ssd1608-red"])
def test_a_day_refreshes_once_per_new_frame_and_on_time(panel: str) -> None:
    result = simulate_day(panel)
    assert (result.boundaries, result.presses, result.snapshot_updates) == (8, 3, 8)
    assert result.refreshes == result.distinct_frames
    assert result.redundant_refreshes == 0
    assert result.late_boundaries == 0
    # at least: "waiting", the first frame, one per boundary, the presses
    assert result.refreshes >= 2 + result.boundaries + result.presses


def test_without_the_lead_every_boundary_is_late() -> None:
    result = simulate_day("impression-7.3-spectra6", refresh_lead_s=0)
    assert result.late_boundaries == result.boundaries
    assert result.redundant_refreshes == 0
