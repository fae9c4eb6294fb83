"""The event itself: its name, time zone, hashtag and web address, set up or changed by staff.

The event is what everything else hangs on (days and slots are in its time zone; every door
shows its name), so a change republishes ``site`` and every room; the publisher sends only the
rooms whose content really changed.
"""

from __future__ import annotations

from typing import Any

from hub import repo
from hub.audit import Actor, record
from hub.runtime import Hub
from hub.storage.models import Event


def save_event(
    hub: Hub, actor: Actor, *, name: str, timezone: str, hashtag: str | None, url: str | None
) -> Event:
    """Create the event, or change it to these fields (a no-op when nothing differs).

    A new time zone keeps every slot at its local wall-clock time (see
    :func:`hub.repo.schedule.save_event`). Audited as ``event.create`` or ``event.edit``.
    """
    with hub.database.transaction() as db:
        found = repo.find_event(db)
        before = event_state(found) if found is not None else None
        event, changed = repo.save_event(db, name=name, timezone=timezone, hashtag=hashtag, url=url)
        if changed:
            action = "event.create" if before is None else "event.edit"
            record(db, actor, action, "event", before, event_state(event), hub.clock.now())
    if changed:
        hub.publisher.publish_site()
        hub.publisher.publish_all_rooms()
    return event


def event_state(event: Event) -> dict[str, Any]:
    return {
        "name": event.name, "timezone": event.timezone, "hashtag": event.hashtag,
        "url": event.url,
    }  # fmt: skip
