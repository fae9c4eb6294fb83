"""Compare two folders of door frames pixel for pixel (``make arm64``: the gallery rendered in
the arm64 root against the one rendered on this machine).

    python -m tests.arm64.frames HOST_DIR OTHER_DIR

Prints one line per differing or missing frame and a summary; exits 0 only when both folders
hold the same frame names and every frame has the same size, mode and pixels.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops


@dataclass(frozen=True)
class Difference:
    """A frame that is not the same in both folders; ``pixels`` is None if it cannot be
    compared at all (missing on one side, or another size or mode)."""

    name: str
    problem: str
    pixels: int | None = None


def differing_pixels(first: Image.Image, second: Image.Image) -> int:
    """How many pixels of two frames of the same size and mode differ."""
    red, green, blue = ImageChops.difference(first.convert("RGB"), second.convert("RGB")).split()
    largest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    return first.width * first.height - largest.histogram()[0]


#: Gallery files that are not door frames: the two-metres sheet is the frames scaled down for
#: a reviewer (Pillow's float resampling may round differently on another CPU); the doors draw
#: every frame in it unscaled, and those are compared.
NOT_FRAMES = frozenset({"two-metres.png"})


def compare(expected: Path, actual: Path) -> tuple[int, list[Difference]]:
    """(frames compared, the differences) between the PNG door frames of two folders."""
    names = sorted(
        ({p.name for p in expected.glob("*.png")} | {p.name for p in actual.glob("*.png")})
        - NOT_FRAMES
    )
    differences = []
    for name in names:
        if not (expected / name).is_file() or not (actual / name).is_file():
            side = expected if not (expected / name).is_file() else actual
            differences.append(Difference(name, f"missing in {side}"))
            continue
        with Image.open(expected / name) as first, Image.open(actual / name) as second:
            if (first.size, first.mode) != (second.size, second.mode):
                problem = f"{first.size} {first.mode} vs {second.size} {second.mode}"
                differences.append(Difference(name, problem))
            elif first.tobytes() != second.tobytes() or first.getpalette() != second.getpalette():
                count = differing_pixels(first, second)
                differences.append(Difference(name, f"{count} pixels differ", count))
    return len(names), differences


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m tests.arm64.frames HOST_DIR OTHER_DIR", file=sys.stderr)
        return 2
    total, differences = compare(Path(argv[0]), Path(argv[1]))
    for difference in differences:
        print(f"  {difference.name}: {difference.problem}")
    if total == 0:
        print("no frames to compare", file=sys.stderr)
        return 1
    print(f"{total - len(differences)} of {total} frames pixel-identical")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
