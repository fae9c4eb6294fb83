"""Helping attendees find their way: "also on now" for a full session, calendar links, search.

:func:`alternatives` applies the doors' own rule (:func:`shared.render.suggestions.also_on_now`,
over the snapshots the hub stored for every room), so a full session's page suggests exactly
the rooms its door lists, and links each room's session. :func:`webcal` turns a feed path into
a subscription address. :func:`search` finds sessions by title, description, host or room,
matching normalised text without case or accents.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session as DbSession

from hub import repo
from hub.mqtt.snapshots import Links
from hub.storage.models import SCHEDULED
from shared import wire
from shared.render.suggestions import also_on_now
from shared.schedule import now_and_next
from shared.text import normalise

#: At most this many search results are shown.
MAX_RESULTS = 50


@dataclass(frozen=True)
class Elsewhere:
    """A session on now in another room, with space."""

    session_id: int
    title: str
    room_id: str
    room_name: str


@dataclass(frozen=True)
class Found:
    """A search result: a session, when and where."""

    session_id: int
    title: str
    host: str
    room_id: str
    room_name: str
    start: datetime
    cancelled: bool


def alternatives(db: DbSession, room_id: str, at: datetime) -> list[Elsewhere]:
    """The sessions the door of ``room_id`` suggests at ``at`` (none unless its session on now
    is full), in the door's order."""
    snapshots = {
        row.room_id: wire.RoomSnapshot.model_validate_json(row.payload)
        for row in repo.stored_snapshots(db)
    }
    own = snapshots.pop(room_id, None)
    if own is None:
        return []
    names = also_on_now(own, snapshots.values(), at)
    return [found for name in names for found in _on_now_named(snapshots.values(), name, at)]


def _on_now_named(
    snapshots: Iterable[wire.RoomSnapshot], name: str, at: datetime
) -> list[Elsewhere]:
    found = []
    for snapshot in sorted(snapshots, key=lambda s: s.room.id):
        current = now_and_next(snapshot.slots, at).current
        card = current.session if current is not None else None
        if snapshot.room.name == name and card is not None and not card.full:
            found.append(Elsewhere(card.id, card.title, snapshot.room.id, snapshot.room.name))
    return found[:1]


def webcal(links: Links, path: str) -> str:
    """The ``webcal://`` address of a calendar feed at ``path`` (e.g. ``/schedule.ics``) under
    the hub's public URL: calendar apps subscribe to it and keep it current."""
    parts = urlsplit(links.base_url)
    return f"webcal://{parts.netloc}{parts.path.rstrip('/')}{path}"


def folded(text: str) -> str:
    """``text`` normalised, without case or accents, for matching."""
    decomposed = unicodedata.normalize("NFKD", normalise(text, multiline=True).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search(db: DbSession, query: str, zone_of_event: str) -> list[Found]:
    """Sessions whose title, description, host name or handle, or room name contain every word
    of ``query`` (normalised, without case or accents), in time order; scheduled ones first
    when times tie. At most :data:`MAX_RESULTS`."""
    words = folded(query).split()
    if not words:
        return []
    zone = repo.zone_of(zone_of_event)
    found = []
    for session in repo.list_sessions(db):
        haystack = folded(" ".join((
            session.title, session.description, session.host_name, session.host_handle,
            session.room.name,
        )))  # fmt: skip
        if all(word in haystack for word in words):
            host = " ".join(p for p in (session.host_name, session.host_handle) if p)
            found.append(Found(
                session.id, session.title, host, session.room_id, session.room.name,
                session.slot.start.astimezone(zone), session.status != SCHEDULED,
            ))  # fmt: skip
    found.sort(key=lambda f: (f.start, f.cancelled, f.room_name.casefold()))
    return found[:MAX_RESULTS]
