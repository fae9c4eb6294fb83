"""The hub's feeds for the conference ecosystem, one module per format.

- :mod:`hub.feeds.schedule_json`: ``/schedule.json`` (c3voc schedule schema)
- :mod:`hub.feeds.ical`: ``/schedule.ics``, ``/rooms/{id}.ics``, ``/sessions/{id}.ics``
- :mod:`hub.feeds.roomstatus`: ``/roomstatus/v1/listrooms`` (FOSDEM room-state shape)
- :mod:`hub.feeds.csv_format`, :mod:`hub.feeds.csv_rows`, :mod:`hub.feeds.csv_import`: the
  sessions CSV (export, checks, import with a dry run)
- :mod:`hub.feeds.program_format`, :mod:`hub.feeds.program_plan`,
  :mod:`hub.feeds.program_import`: the main programme (a pretalx/frab ``schedule.json``) as
  blocked slots; :mod:`hub.feeds.program_routes`, :mod:`hub.feeds.program_cli` and
  :mod:`hub.feeds.program_fetch` (file or URL) are its HTTP call and command
- :mod:`hub.feeds.caching`: ``ETag``/``Last-Modified`` and ``304``
- :mod:`hub.feeds.routes` (public feeds, and :func:`~hub.feeds.routes.install`),
  :mod:`hub.feeds.csv_routes` (staff CSV calls), :mod:`hub.feeds.csv_cli` (the CLI commands)

The builders are pure functions of a :class:`~hub.repo.feeds.Board`; ``docs/feeds.md``
describes every feed for the people and apps that read them. This package imports nothing at
import time, so the CLI can register its commands without the web stack.
"""
