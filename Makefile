# The two commands a newcomer needs: `make demo` and `make test`. Both bootstrap what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=
# Every install comes from a lock (requirements/README.md): the development tools and the hub
# and the door node, each pinned. The tools that install and make them are pinned here.
DEV_LOCK := requirements/dev.txt
LOCKS := $(DEV_LOCK) requirements/hub.txt requirements/node.txt
PIP_VERSION := 26.3
UV_VERSION := 0.13.10
LOCK_TOOLS := .venv-lock
UV := $(LOCK_TOOLS)/uv-$(UV_VERSION)/bin/uv
COMPILE = $(UV) pip compile pyproject.toml --quiet --custom-compile-command "make lock" $(ARGS)

.PHONY: demo test lint typecheck pytest bench gallery screenshots faults arm64 system-deps \
	demo-deps lock clean help

help:
	@echo "make demo   - run hub, private Mosquitto and simulated doors (ARGS='--duration 60')"
	@echo "make test   - lint, type-check and run the test suite"
	@echo "make bench  - run the benchmarks and write docs/benchmarks.md"
	@echo "make faults - run the fault-injection and security tests alone"
	@echo "make lock   - regenerate the locks in requirements/ from pyproject.toml"
	@echo "make arm64  - install a door in an emulated arm64 Debian root; its frames = this machine's"

$(STAMP): pyproject.toml $(LOCKS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip==$(PIP_VERSION)
	$(BIN)/pip install --quiet -r $(DEV_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

$(UV):
	$(PYTHON) -m venv $(LOCK_TOOLS)/uv-$(UV_VERSION)
	$(LOCK_TOOLS)/uv-$(UV_VERSION)/bin/pip install --quiet uv==$(UV_VERSION)

# After a change to the dependencies in pyproject.toml; `make lock ARGS=--upgrade` moves every
# pin to the newest release allowed (uv keeps the current pins otherwise).
# dev: everything `make test` runs, any platform, Python 3.11+. hub and node agree with it; the
# node's lock is for a Pi (Python 3.11, aarch64) and leaves out spidev (Debian's python3-spidev).
lock: $(UV)
	$(COMPILE) --universal --python-version 3.11 --extra hub --extra inky --extra dev \
		--extra postgres -o $(DEV_LOCK)
	$(COMPILE) --universal --python-version 3.11 --extra hub -c $(DEV_LOCK) \
		-o requirements/hub.txt
	$(COMPILE) --python-platform aarch64-unknown-linux-gnu --python-version 3.11 --extra inky \
		--no-emit-package spidev -c $(DEV_LOCK) -o requirements/node.txt

system-deps:
	@bash deploy/dev/system-deps.sh test

demo-deps:
	@bash deploy/dev/system-deps.sh demo

demo: $(STAMP) demo-deps
	$(BIN)/openspaces demo --out var/demo --port 8000 $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

# Faults and attacks: broker kills and freezes, hub kills, cache-write kills, fuzzed MQTT
# handlers (random and Hypothesis-built payloads at both ends), failures injected into every
# node thread, a stalled node loop and its watchdog, broker access control, schemathesis and
# form fuzzing over every HTTP route, body limits, hostile HTTP input. `make test` runs them
# too; this runs just them.
faults: $(STAMP) system-deps
	$(BIN)/pytest tests/reliability tests/security tests/signage_node/test_cache_crash.py \
		tests/hub/test_fuzz.py tests/signage_node/test_fuzz.py tests/hub/test_mqtt_link.py \
		tests/signage_node/test_supervision.py tests/signage_node/test_supervisor.py \
		tests/signage_node/test_watchdog.py tests/shared/test_wire.py \
		tests/hub/test_booking_state_machine.py tests/hub/api/test_openapi.py \
		tests/hub/web/test_form_fuzz.py tests/hub/test_no_server_error.py \
		tests/hub/test_body_limit.py tests/hub/test_postgres_input.py tests/hub/test_slot_owner.py \
		$(PYTEST_ARGS)

# The door's install on a Pi's architecture, under qemu-user emulation (root; see the script).
arm64: $(STAMP) system-deps
	bash deploy/dev/arm64.sh

gallery: $(STAMP) system-deps
	$(BIN)/openspaces render --gallery docs/gallery

screenshots: $(STAMP) system-deps
	$(BIN)/python -m tests.hub.web.screenshots docs/screenshots

bench: $(STAMP) system-deps
	$(BIN)/python -m benchmarks $(ARGS)

clean:
	rm -rf $(VENV) $(LOCK_TOOLS) var .mypy_cache .pytest_cache .ruff_cache
