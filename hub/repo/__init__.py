"""The hub's data operations: the one import the API, the MQTT worker and the demo need.

Every function takes an open SQLAlchemy session ``db`` from ``Database.transaction()``, works
inside that transaction and only flushes; leaving the ``with`` block commits. After a commit,
publish the rooms that changed (``Publisher.publish_rooms``). Errors are
:class:`~hub.errors.NotFoundError`, :class:`~hub.errors.ConflictError` and
:class:`~hub.errors.InvalidError`, each with a message for people. Example::

    with database.transaction() as db:
        create_event(db, "PyCon US Open Spaces", "America/New_York", "#PyConUS")
        slots = add_day(db, date(2027, 5, 15), 10, 18)
        add_room(db, "room-250a", "Room 250A", capacity=40)
        add_session(db, "room-250a", slots[0].id, "Maker projects", host_name="Ana")
"""

from hub.repo.counters import button_events, snapshot_versions
from hub.repo.fleet import (
    assign_node,
    get_node,
    list_nodes,
    mark_event_processed,
    record_node_status,
    remove_node,
)
from hub.repo.publishing import (
    active_announcements,
    add_announcement,
    next_version,
    store_snapshot,
    stored_snapshot,
    stored_snapshots,
)
from hub.repo.schedule import (
    add_day,
    add_room,
    add_slot,
    block_slot,
    create_event,
    describe_slot,
    find_block,
    find_event,
    get_event,
    get_room,
    get_slot,
    list_blocks,
    list_days,
    list_rooms,
    list_slots,
    save_event,
    scheduled_at,
    zone_of,
)
from hub.repo.sessions import (
    add_session,
    cancel_session,
    current_session,
    delete_session,
    edit_session,
    edit_token_matches,
    get_session,
    hash_token,
    issue_edit_token,
    list_sessions,
    move_session,
    moved_notices,
    restore_session,
    rooms_telling_of,
    set_full,
)

__all__ = [
    "active_announcements",
    "add_announcement",
    "add_day",
    "add_room",
    "add_session",
    "add_slot",
    "assign_node",
    "block_slot",
    "button_events",
    "cancel_session",
    "create_event",
    "current_session",
    "delete_session",
    "describe_slot",
    "edit_session",
    "edit_token_matches",
    "find_block",
    "find_event",
    "get_event",
    "get_node",
    "get_room",
    "get_session",
    "get_slot",
    "hash_token",
    "issue_edit_token",
    "list_blocks",
    "list_days",
    "list_nodes",
    "list_rooms",
    "list_sessions",
    "list_slots",
    "mark_event_processed",
    "move_session",
    "moved_notices",
    "next_version",
    "record_node_status",
    "remove_node",
    "restore_session",
    "rooms_telling_of",
    "save_event",
    "scheduled_at",
    "set_full",
    "snapshot_versions",
    "store_snapshot",
    "stored_snapshot",
    "stored_snapshots",
    "zone_of",
]
