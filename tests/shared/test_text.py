"""The one text normalisation: what goes, what stays, and that it is stable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.text import clip, normalise

BIDI_CONTROLS = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]


@pytest.mark.parametrize("control", [*BIDI_CONTROLS, "\u200e", "\u200f", "\u061c", "\ufeff"])
def test_bidi_and_format_controls_are_removed(control: str) -> None:
    assert normalise(f"abc{control}def{control}") == "abcdef"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\x1b[31mred\x1b[0m text", "red text"),
        ("\x1b]0;window title\x07visible", "visible"),
        ("bell\x07 and nul\x00 and del\x7f", "bell and nul and del"),
        ("\x9b1mC1 CSI", "C1 CSI"),
        ("tab\there", "tab here"),
        ("  many   spaces  ", "many spaces"),
        ("e\u0301", "é"),  # NFC
        ("private \ue000 use", "private use"),
    ],
)
def test_controls_and_escape_sequences_are_removed(raw: str, clean: str) -> None:
    assert normalise(raw) == clean


def test_line_breaks_stay_only_in_multi_line_fields() -> None:
    raw = "one\r\ntwo\rthree\u2028four\n\n\n\nfive  \n"
    assert normalise(raw) == "one two three four five"
    assert normalise(raw, multiline=True) == "one\ntwo\nthree\nfour\n\nfive"


def test_what_scripts_and_emoji_need_is_kept() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # ZWJ sequence
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0645"  # ZWNJ
    for text in (family, england, persian, "שלום", "日本語", "नमस्ते"):
        assert normalise(text) == text


def test_clip_cuts_after_normalising() -> None:
    assert clip("\u202e" * 50 + "abcdef", 3) == "abc"
    assert clip("short", 10) == "short"


@given(st.text(), st.booleans())
def test_normalise_is_idempotent_and_leaves_no_controls(text: str, multiline: bool) -> None:
    once = normalise(text, multiline=multiline)
    assert normalise(once, multiline=multiline) == once
    allowed = "\n" if multiline else ""
    assert all(char.isprintable() or char in allowed + "\u200c\u200d" or
               "\U000e0020" <= char <= "\U000e007f" for char in once)  # fmt: skip
    assert once == once.strip()
