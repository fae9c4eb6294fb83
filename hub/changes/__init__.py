"""Changes to the board, as the API, the web pages and the staff area make them.

Each function takes the running :class:`~hub.runtime.Hub` and the :class:`~hub.audit.Actor`
making the change, applies it and its audit entry in one transaction (all or nothing), then
publishes what it touched (rooms, and ``site`` for site-wide announcements), which also wakes
open board pages. Errors are :class:`~hub.errors.HubError` subclasses with a message for people;
nothing is written when one is raised.
"""
