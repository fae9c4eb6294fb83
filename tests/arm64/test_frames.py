"""The frame comparison that ``make arm64`` relies on finds every kind of difference."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.arm64.frames import compare, main


def _frame(folder: Path, name: str, dot: tuple[int, int] | None = None) -> None:
    folder.mkdir(exist_ok=True)
    image = Image.new("P", (40, 30), 0)
    image.putpalette([255, 255, 255, 0, 0, 0])
    if dot is not None:
        image.putpixel(dot, 1)
    image.save(folder / name)


def test_identical_folders_pass(tmp_path: Path) -> None:
    for side in ("host", "arm64"):
        _frame(tmp_path / side, "a.png", (3, 4))
        _frame(tmp_path / side, "b.png")
    assert compare(tmp_path / "host", tmp_path / "arm64") == (2, [])
    assert main([str(tmp_path / "host"), str(tmp_path / "arm64")]) == 0


def test_one_pixel_a_missing_frame_or_another_size_fail(tmp_path: Path) -> None:
    host, other = tmp_path / "host", tmp_path / "arm64"
    _frame(host, "a.png")
    _frame(other, "a.png", (5, 5))
    _frame(host, "b.png")
    Image.new("P", (41, 30)).save(host / "c.png")
    _frame(other, "c.png")
    total, differences = compare(host, other)
    assert total == 3
    assert [(d.name, d.pixels) for d in differences] == [
        ("a.png", 1),
        ("b.png", None),
        ("c.png", None),
    ]
    assert main([str(host), str(other)]) == 1


def test_the_two_metres_sheet_is_not_a_door_frame(tmp_path: Path) -> None:
    host, other = tmp_path / "host", tmp_path / "other"
    for folder, colour in ((host, "white"), (other, "black")):
        folder.mkdir()
        Image.new("RGB", (4, 4), colour).save(folder / "two-metres.png")
    assert compare(host, other) == (0, [])
