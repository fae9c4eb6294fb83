"""Live updates: the change counter and the server-sent events stream."""

from __future__ import annotations

import asyncio
import threading

from hub.live import LiveUpdates
from tests.hub.conftest import Seeded, TestClient, staff


async def collect(updates: LiveUpdates, last_seen: int | None, then: object = None) -> list[str]:
    chunks = []
    async for chunk in updates.stream(last_seen):
        chunks.append(chunk)
        if len(chunks) == 1 and callable(then):
            then()
    return chunks


def test_a_change_from_another_thread_reaches_the_stream() -> None:
    updates = LiveUpdates(lifetime_s=0.5, heartbeat_s=10)

    def twice() -> None:
        updates.notify()
        updates.notify()

    def change_elsewhere() -> None:
        thread = threading.Thread(target=twice)
        thread.start()
        thread.join()

    chunks = asyncio.run(collect(updates, None, change_elsewhere))
    assert chunks[0] == "retry: 1000\n\n"
    events = [c for c in chunks if c.startswith("id:")]
    assert events[-1] == "id: 2\nevent: board\ndata: 2\n\n"
    assert len(events) <= 2


def test_a_reconnect_after_a_missed_change_is_told_at_once() -> None:
    updates = LiveUpdates(lifetime_s=0.05, heartbeat_s=10)
    updates.notify()
    assert asyncio.run(collect(updates, 0))[1] == "id: 1\nevent: board\ndata: 1\n\n"
    assert asyncio.run(collect(updates, 1)) == ["retry: 1000\n\n"]


def test_heartbeats_keep_the_connection_and_close_ends_it() -> None:
    updates = LiveUpdates(lifetime_s=5, heartbeat_s=0.02)

    async def run() -> list[str]:
        loop = asyncio.get_running_loop()
        loop.call_later(0.1, updates.close)
        return await collect(updates, None)

    chunks = asyncio.run(run())
    assert ": still here\n\n" in chunks


def test_every_published_change_notifies(client: TestClient, seeded: Seeded) -> None:
    live: LiveUpdates = client.app.state.live  # type: ignore[attr-defined]
    before = live.version
    body = {"room_id": "room-a", "slot_id": seeded.slot_ids[5], "title": "New"}
    client.post("/api/v1/sessions", json=body, headers=staff(seeded))
    assert live.version == before + 1
    client.get("/")
    assert live.version == before + 1, "reading changes nothing"


def test_the_live_endpoint_streams_events(client: TestClient) -> None:
    live: LiveUpdates = client.app.state.live  # type: ignore[attr-defined]
    live.lifetime_s = 0.2
    live.notify()
    with client.stream("GET", "/live", params={"since": 0}) as answer:
        assert answer.headers["content-type"].startswith("text/event-stream")
        body = "".join(answer.iter_text())
    assert f"id: {live.version}\nevent: board" in body
