"""The reference material beside the checkout (``<repo>/../shared/reference/``), for tests.

A clone on its own has no ``../shared``: :func:`reference_file` then skips the test that asked,
naming the missing file. CI always has it, so there (``CI`` set) a missing file is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: Where the schemas that our feeds follow live: beside the repository checkout, not in it.
REFERENCE_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


def reference_file(name: str) -> Path:
    """The path of ``name`` in :data:`REFERENCE_DIR`; skip the calling test when it is absent
    (fail instead under CI, which must run every test)."""
    path = REFERENCE_DIR / name
    if not path.is_file():
        message = f"reference file missing: {path} (the ../shared folder beside the checkout)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
