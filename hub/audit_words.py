"""The audit log in words: one sentence per entry, as staff would say it.

:func:`describe` is pure: the entry's action and its before/after states (see :mod:`hub.audit`)
plus :class:`Names` (room names and slot times, read once per page) give a sentence such as
``“Maker projects”: Room 250B, Sat 14:00 → Room 251``, ``“Maker projects” cancelled`` or
``“Maker projects” marked full``. An action it does not know is shown as its own name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

State = Mapping[str, Any]

#: The kinds of change staff filter by, as the start of an action's name, and how they read.
KINDS = {
    "session": "Sessions", "idea": "Ideas", "room": "Rooms", "slot": "Slots", "day": "Days",
    "block": "Blocked slots", "announcement": "Announcements", "node": "Door nodes",
    "token": "API tokens", "program": "Program imports",
}  # fmt: skip
_FIELDS = {"title": "topic", "description": "description", "host_name": "host",
           "host_handle": "handle", "capacity": "capacity", "location": "location",
           "name": "name", "position": "order", "label": "label"}  # fmt: skip


@dataclass(frozen=True)
class Names:
    """Room names by id, and slot times by id ("Sat 14:00") in the event's time zone."""

    rooms: Mapping[str, str]
    slots: Mapping[int, str]

    def room(self, room_id: Any) -> str:
        return self.rooms.get(str(room_id), str(room_id))

    def slot(self, slot_id: Any) -> str:
        return self.slots.get(slot_id, f"slot {slot_id}") if isinstance(slot_id, int) else "?"

    def place(self, state: State) -> str:
        return f"{self.room(state.get('room_id'))}, {self.slot(state.get('slot_id'))}"


def describe(action: str, before: str | None, after: str | None, names: Names) -> str:
    """The sentence for one entry (``before``/``after`` as stored: JSON text or ``None``)."""
    old, new = _load(before), _load(after)
    kind, _, verb = action.partition(".")
    if kind == "session" or (kind, verb) == ("idea", "host"):
        return _session(verb, old, new, names)
    if kind == "block":
        return _block(verb, old, new, names)
    state = new or old
    what = _what(kind, state, names)
    words = {"add": "added", "remove": "removed", "edit": "changed", "delete": "deleted",
             "create": "created", "revoke": "revoked", "import": "imported",
             "assign": "assigned", "identify": "asked to show its id"}  # fmt: skip
    sentence = f"{what} {words.get(verb, verb)}"
    if verb == "edit":
        sentence += _changed(old, new)
    if kind == "node" and verb == "assign" and new.get("room_id"):
        sentence += f" to {names.room(new['room_id'])}"
    return sentence


#: Session changes that read the same whatever the states: the title, then these words.
_SESSION_WORDS = {
    "cancel": "cancelled", "restore": "restored", "withdraw": "withdrawn by its host",
    "lock": "locked (its host may only withdraw it)", "unlock": "unlocked",
}  # fmt: skip


def _session(verb: str, old: State, new: State, names: Names) -> str:
    title = f"“{(new or old).get('title', '?')}”"
    if verb in _SESSION_WORDS:
        return f"{title} {_SESSION_WORDS[verb]}"
    if verb == "full":
        return f"{title} marked full" if new.get("full") else f"{title} no longer marked full"
    if verb == "move":
        return f"{title}: {names.place(old)} → {_moved_to(old, new, names)}"
    if verb == "delete":
        return f"{title} deleted (was in {names.place(old)})"
    if verb in ("add", "host", "import"):
        return f"{title} added in {names.place(new)}"
    return f"{title} changed{_changed(old, new)}"


def _block(verb: str, old: State, new: State, names: Names) -> str:
    if verb == "add":
        return f"{names.place(new)} blocked for “{new.get('label', '')}”"
    if verb == "remove":
        return f"{names.place(old)} unblocked"
    return f"Block on {names.place(new or old)} changed{_changed(old, new)}"


def _moved_to(old: State, new: State, names: Names) -> str:
    if old.get("slot_id") == new.get("slot_id"):
        return names.room(new.get("room_id"))
    if old.get("room_id") == new.get("room_id"):
        return names.slot(new.get("slot_id"))
    return names.place(new)


def _what(kind: str, state: State, names: Names) -> str:
    if kind == "room":
        return f"Room “{state.get('name', state.get('id', '?'))}”"
    if kind == "slot":
        return f"Slot {names.slot(state.get('id'))}"
    if kind == "announcement":
        return f"Announcement “{state.get('text', '')}”"
    if kind == "idea":
        return f"Idea “{state.get('title', '?')}”"
    return KINDS.get(kind, kind.capitalize()).rstrip("s") if kind in KINDS else kind


def _changed(old: State, new: State) -> str:
    fields = [_FIELDS.get(k, k) for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]
    return f": {', '.join(fields)}" if fields else ""


def _load(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    loaded = json.loads(text)
    return loaded if isinstance(loaded, dict) else {}
