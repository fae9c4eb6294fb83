"""The hub's MQTT side: the link to Mosquitto, the publisher of retained snapshots and
configs, the worker that applies what doors send, snapshot building, the broker's own
configuration and node provisioning."""
