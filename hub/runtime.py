"""The running hub: database, publisher, MQTT link and worker, started and stopped together.

:meth:`Hub.start` migrates the database, stores a snapshot of every room, then (if settings
name a broker) starts the MQTT link and the worker. The broker may be down: HTTP works at once
and everything is published once the broker answers. :meth:`Hub.stop` undoes it all.
"""

from __future__ import annotations

import logging
import queue

from hub.mqtt.link import ClientFactory, MqttLink, WorkItem, paho_client
from hub.mqtt.publisher import Publisher
from hub.mqtt.snapshots import Links
from hub.mqtt.worker import HubWorker
from hub.settings import HubSettings
from hub.storage.db import Database, open_database
from shared.clock import Clock
from shared.topics import Topics

log = logging.getLogger(__name__)


class Hub:
    """Everything a request handler needs: ``settings``, ``database``, ``publisher``, ``clock``."""

    def __init__(
        self,
        settings: HubSettings,
        database: Database,
        clock: Clock,
        client_factory: ClientFactory = paho_client,
    ) -> None:
        self.settings = settings
        self.database = database
        self.clock = clock
        self.topics = Topics(settings.topic_prefix)
        self.links = Links(settings.base_url)
        self.link: MqttLink | None = None
        self.worker: HubWorker | None = None
        if settings.broker is not None:
            inbox: queue.Queue[WorkItem] = queue.Queue()
            self.link = MqttLink(
                settings.broker, self.topics, clock, inbox,
                heartbeat_s=settings.heartbeat_s, client_factory=client_factory,
            )  # fmt: skip
        self.publisher = Publisher(database, self.topics, self.links, clock, self.link)
        if self.link is not None:
            self.worker = HubWorker(
                self.link.inbox, self.link, self.publisher, database, self.topics, clock,
                settings.heartbeat_s,
            )  # fmt: skip

    @classmethod
    def start(
        cls, settings: HubSettings, clock: Clock, client_factory: ClientFactory = paho_client
    ) -> Hub:
        """Open (and migrate) the database and start publishing; see the module docstring."""
        hub = cls(settings, open_database(settings.database_url), clock, client_factory)
        hub.publisher.publish_all_rooms()
        if hub.worker is not None and hub.link is not None:
            hub.worker.start()
            hub.link.start()
        else:
            log.info("no broker configured: snapshots are stored, not published")
        return hub

    def stop(self) -> None:
        """Stop the link (hub/status goes offline), the worker, and the database."""
        if self.link is not None:
            self.link.stop()
        if self.worker is not None:
            self.worker.stop()
        self.database.dispose()
