"""Seven days alone (issue 12): a node with no broker keeps every slot boundary right across a
week (and a change to daylight saving time), says "Offline since" all along, and leaves its
cache as it was. Its memory over the week is measured by ``benchmarks/node_week.py``."""

from __future__ import annotations

from signage_node.offline_week import DAYS, HOURS, simulate_offline_week


def test_a_node_alone_for_seven_days_keeps_every_boundary_and_its_cache() -> None:
    result = simulate_offline_week("phat-ssd1608-red")
    assert result.wrong == []
    assert result.boundaries == DAYS * (len(HOURS) + 1)
    assert result.steps > 2 * result.boundaries  # each boundary, a minute before, each hour
    assert result.cache_intact
    assert result.refreshes >= result.boundaries  # each new slot was drawn
