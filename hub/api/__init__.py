"""The hub's JSON API (``/api/v1``): one router module per resource, dependencies in ``deps``."""
