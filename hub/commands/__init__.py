"""The hub's command-line entry points: ``openspaces hub`` and its actions, provisioning,
staff accounts, backup and restore. Each module has ``register(subparsers)``."""
