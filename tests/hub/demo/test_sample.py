"""The demo's sample event looks like a real event on the dates it claims, at any hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.demo.sample import sample_plan
from hub.demo.seed import seed
from hub.repo import ideas
from hub.storage.db import open_database

START = datetime(2027, 5, 15, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("hour", range(24))
def test_today_stays_within_the_day_and_something_is_on(hour: int) -> None:
    now = START + timedelta(hours=hour)
    plan = sample_plan(now, "UTC")
    current = plan.slots[plan.now_slot]
    assert current.start <= now < current.end
    assert any(card.slot == plan.now_slot and card.room_id == "room-250a" for card in plan.cards)
    today = [slot for slot in plan.slots if slot.start.date() == now.date()]
    assert all(slot.end.date() == now.date() or slot.end.hour == 0 for slot in today)
    starts = [slot.start.hour for slot in plan.slots]
    assert 0 not in starts or hour == 0, "no midnight slot unless the demo starts then"
    assert plan.slots == sorted(plan.slots, key=lambda slot: slot.start)


def test_the_sample_is_named_for_what_it_is_and_has_ideas(tmp_path: Path) -> None:
    plan = sample_plan(START + timedelta(hours=14), "America/New_York")
    assert plan.name == "Open Spaces demo"
    assert "PyCon" not in plan.name
    database = open_database(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        seed(database, plan)
        with database.reading() as db:
            assert len(ideas.list_ideas(db)) == len(plan.ideas) >= 3
    finally:
        database.dispose()
