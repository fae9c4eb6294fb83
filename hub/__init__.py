"""The hub: owns the schedule, serves the web and API, publishes snapshots over MQTT."""
