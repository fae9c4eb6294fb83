"""Alembic migrations of the hub's database, run by :func:`hub.storage.db.migrate` at start."""
