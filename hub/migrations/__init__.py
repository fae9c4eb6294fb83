"""Alembic migrations of the hub's database, run by :func:`hub.db.migrate` at start."""
