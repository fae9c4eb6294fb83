"""ETag, Last-Modified and 304 on every feed, and the validator store itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from hub.feeds.caching import FeedValidators, etag_of
from shared.clock import FakeClock
from tests.hub.conftest import NOW, Seeded, TestClient, staff
from tests.hub.feeds.conftest import Cards

FEEDS = ["/schedule.json", "/schedule.ics", "/rooms/room-a.ics", "/roomstatus/v1/listrooms"]


@pytest.mark.parametrize("url", FEEDS)
def test_if_none_match_gives_304(client: TestClient, cards: Cards, url: str) -> None:
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag == etag_of(first.content)
    assert first.headers["last-modified"] == format_datetime(NOW, usegmt=True)
    assert first.headers["access-control-allow-origin"] == "*"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(url, headers={"If-None-Match": f'W/{etag}, "other"'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_change_gives_a_new_etag_and_time(
    client: TestClient, seeded: Seeded, cards: Cards, clock: FakeClock
) -> None:
    first = client.get("/schedule.json")
    clock.advance(timedelta(minutes=5))
    edit = {"title": "Maker projects, day 2"}
    assert (
        client.patch(
            f"/api/v1/sessions/{cards.maker}", json=edit, headers=staff(seeded)
        ).status_code
        == 200
    )
    second = client.get("/schedule.json", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200
    assert second.headers["etag"] != first.headers["etag"]
    assert second.headers["last-modified"] == format_datetime(
        NOW + timedelta(minutes=5), usegmt=True
    )


def test_if_modified_since_without_an_etag(client: TestClient, cards: Cards) -> None:
    stamp = client.get("/schedule.ics").headers["last-modified"]
    assert client.get("/schedule.ics", headers={"If-Modified-Since": stamp}).status_code == 304
    earlier = format_datetime(NOW - timedelta(seconds=1), usegmt=True)
    assert client.get("/schedule.ics", headers={"If-Modified-Since": earlier}).status_code == 200
    garbled = client.get("/schedule.ics", headers={"If-Modified-Since": "yesterday"})
    assert garbled.status_code == 200


def test_the_store_keeps_the_time_while_the_body_stays() -> None:
    store = FeedValidators(capacity=2)
    t0 = datetime(2027, 5, 15, 12, 0, 0, 500_000, tzinfo=UTC)
    first = store.stamp("/a", b"one", t0)
    assert first.last_modified == t0.replace(microsecond=0)
    assert store.stamp("/a", b"one", t0 + timedelta(hours=1)) == first
    changed = store.stamp("/a", b"two", t0 + timedelta(hours=2))
    assert changed.last_modified == t0.replace(microsecond=0) + timedelta(hours=2)
    store.stamp("/b", b"x", t0)
    store.stamp("/c", b"x", t0)  # capacity 2: "/a" is forgotten
    assert store.stamp("/a", b"two", t0 + timedelta(hours=3)).last_modified.hour == 15
