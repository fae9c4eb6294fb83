from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

import pytest
from PIL import Image

from shared.clock import FakeClock
from shared.render import Panel
from signage_node.display_worker import DisplayWorker
from signage_node.events import FrameShown
from tests.signage_node.conftest import PANEL, START


class SlowPanel:
    """A display whose refresh lasts until the test lets it finish."""

    def __init__(self) -> None:
        self.shown: list[int] = []
        self.started = threading.Semaphore(0)
        self.finish = threading.Semaphore(0)
        self.fail = False

    @property
    def panel(self) -> Panel:
        return PANEL

    def show(self, frame: Image.Image) -> None:
        self.started.release()
        assert self.finish.acquire(timeout=5)
        if self.fail:
            raise OSError("SPI bus gone")
        self.shown.append(frame.width)


@pytest.fixture
def slow() -> SlowPanel:
    return SlowPanel()


@pytest.fixture
def outcomes(slow: SlowPanel) -> Iterator[tuple[DisplayWorker, queue.SimpleQueue[FrameShown]]]:
    heard: queue.SimpleQueue[FrameShown] = queue.SimpleQueue()
    worker = DisplayWorker(slow, FakeClock(START), heard.put)
    worker.start()
    try:
        yield worker, heard
    finally:
        slow.finish.release(10)
        worker.stop(5)


def frame(width: int) -> Image.Image:
    return Image.new("P", (width, 1))


def test_frames_during_a_refresh_coalesce_into_one(
    slow: SlowPanel, outcomes: tuple[DisplayWorker, queue.SimpleQueue[FrameShown]]
) -> None:
    worker, heard = outcomes
    worker.submit(frame(1), "h1")
    assert slow.started.acquire(timeout=5)
    for width in (2, 3, 4):
        worker.submit(frame(width), f"h{width}")
    slow.finish.release(2)
    assert worker.wait_idle(5)
    assert slow.shown == [1, 4]
    assert [heard.get(timeout=5).frame_hash for _ in range(2)] == ["h1", "h4"]


def test_a_failing_display_is_reported_and_the_worker_goes_on(
    slow: SlowPanel, outcomes: tuple[DisplayWorker, queue.SimpleQueue[FrameShown]]
) -> None:
    worker, heard = outcomes
    slow.fail = True
    worker.submit(frame(1), "h1")
    slow.finish.release()
    failed = heard.get(timeout=5)
    assert failed.error == "OSError: SPI bus gone"
    slow.fail = False
    worker.submit(frame(2), "h2")
    slow.finish.release()
    assert heard.get(timeout=5).error is None
    assert slow.shown == [2]
