"""The few hub API calls the benchmarks make, over HTTP like any client."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx


def current_sessions(api: httpx.Client, room_id: str | None = None) -> dict[str, int]:
    """The id of the session on now in each room (or in ``room_id`` only)."""
    now = datetime.now(UTC)
    params = {"room_id": room_id} if room_id is not None else {}
    found = {}
    for session in api.get("/api/v1/sessions", params=params).json():
        start, end = (
            datetime.fromisoformat(session["start"]),
            datetime.fromisoformat(session["end"]),
        )
        if start <= now < end and session["status"] == "scheduled":
            found[session["room_id"]] = int(session["id"])
    return found


def staff_client(hub_url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=hub_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def retitle_current_session(api: httpx.Client, room_id: str, title: str) -> None:
    """Rename the session on now in ``room_id``."""
    session_id = current_sessions(api, room_id)[room_id]
    api.patch(f"/api/v1/sessions/{session_id}", json={"title": title}).raise_for_status()
