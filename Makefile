# The two commands a newcomer needs: `make demo` and `make test`. Both bootstrap what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: demo test lint typecheck pytest bench gallery screenshots faults arm64 system-deps demo-deps clean help

help:
	@echo "make demo   - run hub, private Mosquitto and simulated doors (ARGS='--duration 60')"
	@echo "make test   - lint, type-check and run the test suite"
	@echo "make bench  - run the benchmarks and write docs/benchmarks.md"
	@echo "make faults - run the fault-injection and security tests alone"
	@echo "make arm64  - install a door in an emulated arm64 Debian root; its frames = this machine's"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[hub,inky,dev,postgres]'
	touch $(STAMP)

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
# handlers, broker access control. `make test` runs them too; this runs just them.
faults: $(STAMP) system-deps
	$(BIN)/pytest tests/reliability tests/security tests/signage_node/test_cache_crash.py \
		tests/hub/test_fuzz.py tests/signage_node/test_fuzz.py tests/hub/test_mqtt_link.py \
		tests/hub/test_booking_state_machine.py $(PYTEST_ARGS)

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
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache
