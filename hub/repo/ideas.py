"""SQL for the ideas wall: topics people would like to see, and the cards they became."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from hub.errors import ConflictError, NotFoundError
from hub.storage.models import Idea


def add_idea(
    db: DbSession, title: str, description: str, proposer: str, created_at: datetime
) -> Idea:
    idea = Idea(title=title, description=description, proposer=proposer, created_at=created_at)
    db.add(idea)
    db.flush()
    return idea


def get_idea(db: DbSession, idea_id: int) -> Idea:
    idea = db.get(Idea, idea_id)
    if idea is None:
        raise NotFoundError(f"there is no idea {idea_id}")
    return idea


def list_ideas(db: DbSession) -> list[Idea]:
    """Every idea, newest first (taken ones too: their ``session`` is set)."""
    return list(db.scalars(select(Idea).order_by(Idea.id.desc())))


def idea_of_session(db: DbSession, session_id: int) -> Idea | None:
    return db.scalars(select(Idea).where(Idea.session_id == session_id)).first()


def attach_session(db: DbSession, idea_id: int, session_id: int) -> Idea:
    """Record that ``session_id`` hosts the idea; :class:`ConflictError` if it is taken."""
    idea = get_idea(db, idea_id)
    if idea.session_id is not None:
        raise ConflictError(f"the idea {idea.title!r} has a host already")
    idea.session_id = session_id
    db.flush()
    return idea


def remove_idea(db: DbSession, idea_id: int) -> Idea:
    idea = get_idea(db, idea_id)
    db.delete(idea)
    db.flush()
    return idea
