"""The hub's storage: the database (SQLite or PostgreSQL), its models and Alembic migrations,
and backup and restore. The SQL itself is in :mod:`hub.repo`."""
