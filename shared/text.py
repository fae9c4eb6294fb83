"""Text as people typed it, made safe to store, send and show: the one normalisation.

:func:`normalise` is applied at every edge where text comes in (the hub's API bodies and web
forms, the wire models, snapshot building), so what is stored and sent is already clean and the
length limits count what remains:

- Unicode NFC, so one visible text has one spelling (and one length).
- ANSI / VT escape sequences (``ESC [ … m`` colours, ``ESC ] … BEL`` titles, lone ``ESC x``)
  are removed whole, not just their ESC.
- Control characters (``Cc``) are removed; tab becomes a space. A line break (CR LF, CR, LF,
  U+2028, U+2029, NEL) is kept as ``\\n`` only in a multi-line field (``multiline=True``, e.g.
  a description), at most one blank line in a row; elsewhere it becomes a space.
- Format characters (``Cf``) are removed: the bidi embeddings and overrides U+202A–U+202E, the
  isolates U+2066–U+2069, marks U+200E/U+200F/U+061C, BOM, soft hyphen, invisible operators…
  Kept, because scripts and emoji need them: ZERO WIDTH NON-JOINER / JOINER (U+200C, U+200D)
  and the emoji tag characters U+E0020–U+E007F (subdivision flags). Surrogates, private-use and
  unassigned code points are removed too (none can be drawn).
- Runs of spaces become one space; lines are stripped; so is the whole text.

A removed override cannot reorder anything, and each field is drawn as its own isolated run
(on the door by :mod:`shared.render`, on pages inside ``<bdi>``), so right-to-left text stays
inside its field. The function is idempotent: ``normalise(normalise(t)) == normalise(t)``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import BeforeValidator

#: CSI (ESC [ … final), OSC/DCS/PM/APC/SOS strings (ended by BEL or ESC \\), or ESC + one char.
_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|\x1b[ -~]?"
)
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_KEPT_FORMAT = frozenset({"\u200c", "\u200d"})
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def normalise(text: str, *, multiline: bool = False) -> str:
    """``text`` cleaned as the module docstring says (newlines kept only if ``multiline``)."""
    if _clean_already(text):
        return text
    text = _ESCAPE.sub("", unicodedata.normalize("NFC", text))
    lines = [_clean_line(line) for line in _LINE_BREAKS.split(text)]
    if not multiline:
        return " ".join(line for line in lines if line)
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip("\n")


def clip(text: str, max_chars: int, *, multiline: bool = False) -> str:
    """``text`` normalised, then cut to at most ``max_chars`` characters (for data already
    stored, which may predate the limits; input is refused instead of cut)."""
    cleaned = normalise(text, multiline=multiline)
    return cleaned if len(cleaned) <= max_chars else cleaned[:max_chars].rstrip()


def _clean_already(text: str) -> bool:
    """The common case, cheaply: printable (no Cc, Cf, Zl, Zp, other spaces…), NFC, tidy."""
    return (
        text.isprintable()
        and "  " not in text
        and text == text.strip()
        and unicodedata.is_normalized("NFC", text)
    )


def _clean_line(line: str) -> str:
    out = []
    for char in line:
        if char == "\t" or char.isspace():
            out.append(" ")
        elif _keep(char):
            out.append(char)
    return " ".join("".join(out).split())


def _keep(char: str) -> bool:
    if char in _KEPT_FORMAT or "\U000e0020" <= char <= "\U000e007f":
        return True
    return unicodedata.category(char) not in _DROPPED_CATEGORIES


def _single(value: Any) -> Any:
    return normalise(value) if isinstance(value, str) else value


def _multi(value: Any) -> Any:
    return normalise(value, multiline=True) if isinstance(value, str) else value


#: Pydantic metadata: put it after the ``StringConstraints`` of an ``Annotated[str, ...]`` and
#: the string is normalised (one line) before its limits are checked (the errors stay pydantic's
#: usual ``string_too_short`` / ``string_too_long``).
SingleLine = BeforeValidator(_single)
#: The same for a multi-line field (a description): line breaks are kept.
MultiLine = BeforeValidator(_multi)
