"""The share text a session page offers, with the event's hashtag."""

from __future__ import annotations

from datetime import datetime

from hub.mqtt.snapshots import Links
from hub.storage.models import Session


def share_text(
    session: Session, room_name: str, start: datetime, hashtag: str | None, links: Links
) -> str:
    """``“Maker projects” with Ana (@ana) — Sat 15 May 11:00, Room A #PyConUS <url>``.

    ``start`` is in the event's time zone; the hashtag is left out when the event has none.
    """
    host = session.host_name
    if session.host_handle:
        host = f"{host} ({session.host_handle})" if host else session.host_handle
    parts = [f"“{session.title}”"]
    if host:
        parts.append(f"with {host}")
    parts.append(f"— {start.strftime('%a %d %b %H:%M')}, {room_name}")
    if hashtag:
        parts.append(hashtag)
    parts.append(links.session(session.id))
    return " ".join(parts)
