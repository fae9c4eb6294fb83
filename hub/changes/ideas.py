"""The ideas wall: posting a topic without hosting it, and taking an idea up as its host."""

from __future__ import annotations

from hub.audit import Actor, idea_state, record
from hub.changes.sessions import CardText, NewCard, add_card
from hub.repo import ideas as ideas_repo
from hub.runtime import Hub
from hub.storage.models import Idea


def post_idea(hub: Hub, actor: Actor, title: str, description: str, proposer: str) -> Idea:
    with hub.database.transaction() as db:
        idea = ideas_repo.add_idea(db, title, description, proposer, hub.clock.now())
        record(db, actor, "idea.add", f"idea {idea.id}", None, idea_state(idea), hub.clock.now())
    return idea


def host_idea(
    hub: Hub, actor: Actor, idea_id: int, room_id: str, slot_id: int, text: CardText
) -> NewCard:
    """Turn the idea into a card in a free slot; the card remembers the idea."""
    return add_card(hub, actor, room_id, slot_id, text, idea_id=idea_id)


def remove_idea(hub: Hub, actor: Actor, idea_id: int) -> None:
    with hub.database.transaction() as db:
        idea = ideas_repo.remove_idea(db, idea_id)
        record(db, actor, "idea.remove", f"idea {idea_id}", idea_state(idea), None,
               hub.clock.now())  # fmt: skip
