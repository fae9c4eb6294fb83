"""Every SQL statement of the hub, by concern; :mod:`hub.repository` lists the public names."""
