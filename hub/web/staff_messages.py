"""What the staff pages say after a change, in plain sentences.

A staff form redirects to its page with ``?done=<action>``; :func:`staff_message` turns the
page and the action into the sentence shown (``None`` for an action it does not know, so a
hand-typed ``done`` shows nothing). Templates call it as ``staff_message(page, done)``.
"""

from __future__ import annotations

_MESSAGES: dict[str, dict[str, str]] = {
    "session": {
        "save": "Your changes are saved; the board and the room's door follow them.",
        "cancel": "The session is cancelled. Its door and the board say so.",
        "restore": "The session is back on the board.",
        "full": "The session is marked full.",
        "not-full": "The session is no longer marked full.",
        "lock": "The card is locked: its host can no longer change it, only withdraw it.",
        "unlock": "The card is unlocked: its host can change it again.",
    },
    "announcements": {
        "posted": "The announcement is up on the board and the doors.",
        "removed": "The announcement is taken down.",
    },
    "blocks": {
        "added": "The slot is blocked: nobody can add a session there.",
        "removed": "The slot is open again.",
    },
    "days": {
        "added": "Added: the new slots are on the board.",
        "removed": "The slot is removed.",
    },
    "rooms": {
        "added": "The room is added.",
        "removed": "The room is removed.",
        "saved": "The room is saved.",
    },
    "tokens": {"revoked": "The token is revoked: it no longer opens the API."},
}


def staff_message(page: str, done: str | None) -> str | None:
    """The sentence for ``done`` on ``page``, or ``None`` if there is nothing to say."""
    if not done:
        return None
    return _MESSAGES.get(page, {}).get(done)
