"""``openspaces hub setup``: an event file read, compared with the database (a plan of
changes) and applied."""
