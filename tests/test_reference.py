"""The reference files beside the checkout: a bare clone skips, CI fails, and both name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import reference


def test_a_present_file_is_returned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "schema.json").write_text("{}")
    monkeypatch.setattr(reference, "REFERENCE_DIR", tmp_path)
    assert reference.reference_file("schema.json") == tmp_path / "schema.json"


def test_a_missing_file_skips_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reference, "REFERENCE_DIR", tmp_path)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"missing: .*/schema\.json"):
        reference.reference_file("schema.json")


def test_a_missing_file_fails_under_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reference, "REFERENCE_DIR", tmp_path)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"missing: .*/schema\.json"):
        reference.reference_file("schema.json")
