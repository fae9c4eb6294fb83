"""Stable identities and names the feeds share, so every feed tells the same story.

- :func:`session_guid` / :func:`room_guid`: UUIDv5 from the event's ``epoch`` and the id, so a
  session keeps its guid (and iCalendar UID) across edits, moves and restarts, and a replaced
  database (new epoch) never reuses an old one.
- :func:`room_labels`: the name each room goes by in ``schedule.json``, the iCalendar
  ``LOCATION`` and the room-state feed. It is the room's name; if two rooms share a name, each
  of them gets its id in brackets, so apps that key rooms by name keep them apart.
- :func:`acronym` and :func:`slug`: the c3voc schema's patterns for ``conference.acronym`` and
  ``event.slug``, made from free text.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterable

from hub.repo.feeds import BoardRoom

#: Event names shorter than the schema's four characters are padded with this.
ACRONYM_FILLER = "openspaces"


def session_guid(epoch: str, session_id: int) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"openspaces:{epoch}:session:{session_id}")


def host_guid(epoch: str, session_id: int) -> uuid.UUID:
    """The host of one card: hosts have no accounts, so a person is per session."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"openspaces:{epoch}:session:{session_id}:host")


def room_guid(epoch: str, room_id: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"openspaces:{epoch}:room:{room_id}")


def room_labels(rooms: Iterable[BoardRoom]) -> dict[str, str]:
    """Room id → the name feeds show: the room's name, made unique with the id if need be."""
    listed = list(rooms)
    counts = Counter(room.name for room in listed)
    return {
        room.id: room.name if counts[room.name] == 1 else f"{room.name} ({room.id})"
        for room in listed
    }


def host_label(host_name: str, host_handle: str) -> str:
    """``"Ana López (@ana)"``, ``"Ana López"``, ``"@ana"`` or ``""``."""
    if host_name and host_handle:
        return f"{host_name} ({host_handle})"
    return host_name or host_handle


def _ascii_words(text: str, joiner: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", joiner, plain.lower()).strip(joiner)


def acronym(event_name: str) -> str:
    """A ``conference.acronym``: lower-case ASCII words joined by ``_``, at least 4 characters.

    ``acronym("PyCon US 2027 Open Spaces") == "pycon_us_2027_open_spaces"``.
    """
    word = _ascii_words(event_name, "_")
    if len(word) < 4:
        word = f"{word}_{ACRONYM_FILLER}" if word else ACRONYM_FILLER
    return word


def slug(event_acronym: str, session_id: int, title: str, max_length: int = 80) -> str:
    """An ``event.slug``: ``"<acronym>-<id>-<title words>"``, ending in a letter or digit."""
    words = _ascii_words(title, "-")
    text = f"{event_acronym}-{session_id}-{words}" if words else f"{event_acronym}-{session_id}"
    return text[:max_length].rstrip("-_")
