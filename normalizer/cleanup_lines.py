"""Line-level cleanup rules: mojibake (through ftfy) and lines repeated by scrapers."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator, Mapping
from typing import Any

import regex

from .edits import Edit, Suggestion
from .errors import ConfigError, Problem

__all__ = ["mojibake", "repeated_line"]

_THREE_LETTERS = regex.compile(r"\p{L}\P{L}*\p{L}\P{L}*\p{L}")
_LINE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line without its line break) for every line of ``text``."""
    for match in _LINE.finditer(text):
        if match.start() == match.end():
            continue
        yield match.start(), match.group().rstrip("\r\n")


@functools.lru_cache(maxsize=1)
def _ftfy_config() -> Any:
    """ftfy configured to fix encodings only; the other rules own entities, quotes and spacing.

    No HTML unescaping (cleanup/entities does that, with broken entities too), no quote
    uncurling, no width/ligature/line-break/control-character fixes, no Unicode normalization:
    text outside a repaired span must stay exactly as it was.
    """
    import ftfy

    return ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )


def _changed_spans(old: str, new: str) -> Iterator[tuple[int, int, str]]:
    """Minimal (start, end, replacement) spans turning ``old`` into ``new``.

    Changes inside one word are merged (a decoded sequence stays whole); changes separated by
    white space stay separate edits, so unrelated text between them is not rewritten.
    """
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    group: list[int] | None = None  # [old start, old end, new start, new end]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            if group is not None and any(c.isspace() for c in old[i1:i2]):
                yield group[0], group[1], new[group[2] : group[3]]
                group = None
            continue
        if group is None:
            group = [i1, i2, j1, j2]
        else:
            group[1], group[3] = i2, j2
    if group is not None:
        yield group[0], group[1], new[group[2] : group[3]]


def mojibake(text: str, options: Mapping[str, Any]) -> Iterator[Edit]:
    """Mojibake: text decoded in the wrong encoding ("РґРѕСЂРѕРіРµ" for "дороге", "CafÃ©").

    Scraped sources mangle UTF-8 as Windows-1251 or Latin-1; the result is unreadable and
    invisible to glossaries. Detection and decoding are ftfy's (well tested, conservative); this
    rule only turns its output into minimal edits, line by line, so bytes outside the repaired
    spans stay untouched. Safe as far as ftfy is: it leaves text that is not clearly mojibake.
    """
    import ftfy

    config = _ftfy_config()
    for offset, line in _lines(text):
        if line.isascii():
            continue  # ASCII cannot be mojibake; skip the cost of ftfy
        fixed = ftfy.fix_text(line, config)
        if fixed == line:
            continue
        for start, end, new in _changed_spans(line, fixed):
            yield Edit(
                offset + start, offset + end, line[start:end], new, "cleanup/mojibake",
                f"repair mojibake as {new!r}",
            )  # fmt: skip


def _window(options: Mapping[str, Any]) -> int:
    window = options.get("window", 10)
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        problem = Problem(
            "<options>", 0, 0, f"cleanup/repeated-line: window must be >= 1, got {window!r}"
        )
        raise ConfigError(problems=[problem])
    return window


def repeated_line(text: str, options: Mapping[str, Any]) -> Iterator[Suggestion]:
    """A line repeated verbatim within the next few non-blank lines (option ``window``, 10).

    Scrapers repeat headlines and captions ("Companions of Navalny held talks…" twice); the
    repeat is almost always junk. The repeat is reported, not the first occurrence; lines
    without three letters (separators such as "* * *") are ignored. Report only: a person
    decides which copy goes.
    """
    window = _window(options)
    recent: list[tuple[str, int]] = []  # (stripped line, 1-based line number), newest last
    for number, (offset, line) in enumerate(_lines(text), start=1):
        key = line.strip()
        if not key:
            continue
        if _THREE_LETTERS.search(key):
            earlier = next((n for k, n in recent if k == key), None)
            if earlier is not None:
                start = offset + line.index(key)
                yield Suggestion(
                    start, start + len(key), key, "cleanup/repeated-line", 0.6, (),
                    f"line repeats line {earlier}",
                )  # fmt: skip
        recent = [*recent, (key, number)][-window:]
