"""sd_notify and the watchdog, with a real Unix datagram socket standing in for systemd; and
``openspaces node``'s exit status when a part of it fails for good."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory

from shared.clock import SystemClock
from signage_node.app import Node
from signage_node.config import NodeSettings
from signage_node.display import PngDisplay
from signage_node.events import AddressFound
from signage_node.simulation import LoopbackLink
from signage_node.watchdog import SystemdNotifier
from tests.conftest import Broker
from tests.signage_node.conftest import PANEL, provision

ROOT = Path(__file__).resolve().parents[2]
#: A short watchdog so that the test sees many pings: the loop pings at least every 0.2 s.
WATCHDOG_S = 0.4
RunNode = Callable[[str], "subprocess.Popen[str]"]


@pytest.fixture
def systemd(tmp_path: Path) -> Iterator[socket.socket]:
    """A bound Unix datagram socket, as systemd's NOTIFY_SOCKET."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(tmp_path / "notify"))
        yield sock


def messages(sock: socket.socket, timeout: float) -> Iterator[str]:
    """The datagrams arriving within ``timeout`` seconds of each other."""
    sock.settimeout(timeout)
    while True:
        try:
            yield sock.recv(4096).decode()
        except TimeoutError:
            return


def next_message(sock: socket.socket, wanted: str, timeout: float = 10.0) -> None:
    sock.settimeout(timeout)
    while sock.recv(4096).decode() != wanted:
        pass


def test_without_notify_socket_nothing_is_sent() -> None:
    notifier = SystemdNotifier.from_environ({"WATCHDOG_USEC": "400000"})
    assert notifier.address is None
    assert notifier.watchdog_s is None
    assert notifier.interval_s == float("inf")
    assert not notifier.notify("READY=1")
    notifier.alive()


def test_the_watchdog_is_for_the_process_systemd_names(systemd: socket.socket) -> None:
    address = systemd.getsockname()
    mine = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "60000000", "WATCHDOG_PID": str(os.getpid())}
    assert SystemdNotifier.from_environ(mine).interval_s == 30.0
    other = {**mine, "WATCHDOG_PID": str(os.getpid() + 1)}
    assert SystemdNotifier.from_environ(other).watchdog_s is None
    assert SystemdNotifier.from_environ({**mine, "WATCHDOG_USEC": "x"}).watchdog_s is None


def test_an_abstract_socket_name_is_reached() -> None:
    name = f"openspaces-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        assert SystemdNotifier("@" + name).notify("READY=1")
        assert sock.recv(64) == b"READY=1"


def test_a_missing_socket_is_logged_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    notifier = SystemdNotifier(str(tmp_path / "gone"), 0.001)
    assert not notifier.notify("READY=1")
    assert not notifier.notify("WATCHDOG=1")
    assert caplog.text.count("cannot notify systemd") == 1


class StallingLink(LoopbackLink):
    """A link whose status publishing hangs while ``stalled`` is set (as a hung call would)."""

    stalled = threading.Event()
    released = threading.Event()

    def publish_status(self, status: object) -> None:
        if self.stalled.is_set():
            self.released.wait(30)
        super().publish_status(status)  # type: ignore[arg-type]


def test_the_loop_feeds_the_watchdog_and_a_stalled_loop_stops_feeding_it(
    systemd: socket.socket, tmp_path: Path
) -> None:
    settings = NodeSettings.model_validate(
        {"node_id": "door-1", "room_id": "room-a", "state_dir": tmp_path / "state",
         "png_path": tmp_path / "door.png"}
    )  # fmt: skip
    notifier = SystemdNotifier(systemd.getsockname(), WATCHDOG_S)
    pins = MockFactory()
    node = Node(settings, clock=SystemClock(), display=PngDisplay(PANEL, settings.frame_path),
                pin_factory=pins, link_factory=StallingLink, notifier=notifier)  # fmt: skip
    StallingLink.stalled.clear()
    StallingLink.released.clear()
    node.start()
    try:
        next_message(systemd, "READY=1")
        idle = [next(messages(systemd, 10)) for _ in range(5)]  # no events: the loop still pings
        assert idle == ["WATCHDOG=1"] * 5

        StallingLink.stalled.set()
        node.wake()  # a new address changes the status: the loop hangs publishing it
        assert isinstance(node._link, StallingLink)
        node._link.deliver(AddressFound("192.0.2.7"))
        stalled = list(messages(systemd, 3 * WATCHDOG_S))  # pings already on their way, then none
        assert len(stalled) <= 3  # one per loop pass before the hang, at most
        assert not list(messages(systemd, 3 * WATCHDOG_S))

        StallingLink.released.set()
        next_message(systemd, "WATCHDOG=1")
    finally:
        StallingLink.released.set()
        node.stop(5)
        pins.close()
    assert "STOPPING=1" in list(messages(systemd, 1))


# -- openspaces node's exit status ----------------------------------------------------------


@pytest.fixture
def run_node(
    broker: Broker, tmp_path: Path, systemd: socket.socket
) -> Callable[[str], subprocess.Popen[str]]:
    password = provision(broker, "door-9")
    config = tmp_path / "node.toml"
    config.write_text(
        'node_id = "door-9"\nroom_id = "room-a"\nstate_dir = "state"\npng_path = "door.png"\n'
        f'[broker]\nhost = "{broker.host}"\nport = {broker.port}\npassword = "{password}"\n'
    )
    env = {**os.environ, "NOTIFY_SOCKET": systemd.getsockname(), "WATCHDOG_USEC": "2000000"}
    env.pop("WATCHDOG_PID", None)

    def run(fault: str) -> subprocess.Popen[str]:
        argv = [sys.executable, "-m", "tests.signage_node.node_with_fault", fault,
                "--config", str(config), "--mock-gpio"]  # fmt: skip
        return subprocess.Popen(argv, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)

    return run


def test_a_clean_stop_says_ready_then_stopping_and_exits_0(
    run_node: RunNode, systemd: socket.socket
) -> None:
    process = run_node("none")
    try:
        next_message(systemd, "READY=1", timeout=30)
        next_message(systemd, "WATCHDOG=1")
        process.send_signal(signal.SIGTERM)
        next_message(systemd, "STOPPING=1")
        assert process.wait(30) == 0
    finally:
        process.kill()
        process.communicate()


@pytest.mark.parametrize(
    ("fault", "says"),
    [("loop", "node loop failed: RuntimeError: injected fault"),
     ("paho", "thread paho-mqtt-client-door-9 died: RuntimeError: injected fault")],
)  # fmt: skip
def test_a_part_that_fails_for_good_ends_the_process_with_status_1(
    run_node: RunNode, fault: str, says: str
) -> None:
    process = run_node(fault)
    try:
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 1
    assert f"{says}: the node gives up" in stderr
    assert "exit status 1, for systemd to start it again" in stderr
