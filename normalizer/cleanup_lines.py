"""Line-level cleanup rules: mojibake (through ftfy) and lines repeated by scrapers."""

from __future__ import annotations

import difflib
import functools
import itertools
import operator
import re
from collections.abc import Iterator, Mapping
from typing import Any

import regex

from .cleanup_text import has_any, non_ascii_chars, offsets_of, utf8_of
from .edits import Edit, Suggestion
from .errors import ConfigError, Problem

__all__ = ["mojibake", "repeated_line"]

_THREE_LETTERS = regex.compile(r"\p{L}\P{L}*\p{L}\P{L}*\p{L}")
_LINE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
# Longest match of ftfy's badness regex is 7 characters: a window this wide around a trigger
# character holds any match that contains it.
_BAD_SPAN = 8
# Line breaks of str.splitlines that are not line breaks for these rules.
_ODD_BREAKS = re.compile("[\v\f\x1c-\x1e\x85\u2028\u2029]")
_ODD_BREAKS_UTF8 = re.compile(  # a class first: the scan skips ahead in C
    rb"[\v\f\x1c-\x1e\xc2\xe2](?:(?<=[\v\f\x1c-\x1e])|(?<=\xc2)\x85|(?<=\xe2)\x80[\xa8\xa9])"
)
_SHIFTED_UP_TO = 16  # windows up to this size are checked by shifted comparison
_FTFY_SEGMENT = 1_000_000  # ftfy's max_decode_length: longer lines are fixed in pieces


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


@functools.lru_cache(maxsize=1)
def _mojibake_trigger() -> re.Pattern[str]:
    """Where ftfy's badness heuristic could match: every match holds one of these.

    Each alternative of ``ftfy.badness.BADNESS_RE`` needs a character of ``single`` (chosen per
    alternative as its rarest position), or is one of the three-letter Cyrillic or Greek
    sequences "[ВГРС] punctuation [ВГРС]", "[ΒΓΞΟ] punctuation [ΒΓΞΟ]". Curly quotes, the
    apostrophe, Greek and Cyrillic letters, which ordinary text is full of, are not triggers on
    their own, so ftfy (slow per line) runs only on lines that have a trigger.
    The pattern is kept in the cache directory per ftfy version: clean text never imports ftfy.
    """
    from .cache import content_key, memo, module_stamp

    stamp = module_stamp("ftfy", "badness.py")
    if stamp is None:
        return re.compile(_trigger_source())
    key = content_key("ftfy-trigger", ("cleanup_lines.py",), (stamp,))
    return re.compile(memo("ftfy-trigger", key, _trigger_source, valid=_is_str))


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _trigger_source() -> str:
    from ftfy.badness import MOJIBAKE_CATEGORIES as cats

    classes = ("c1", "bad", "upper_accented", "lower_accented", "currency", "numeric", "box", "law")
    punct = cats["start_punctuation"] + cats["end_punctuation"]
    single = "".join(cats[c] for c in classes) + "°µÙØЂ"
    capitals = "ВГРСΒΓΞΟ"  # (a superset of the two sequences)
    # One class first (``re`` skips ahead to it in C), then which kind of trigger it was.
    return f"[{single}{capitals}](?:(?<=[{single}])|(?=[{punct}][{capitals}]))"


@functools.lru_cache(maxsize=1)
def _mojibake_trigger_char() -> re.Pattern[str]:
    """The first character of a trigger (the class that starts ``_mojibake_trigger``)."""
    pattern = _mojibake_trigger().pattern
    return re.compile(pattern[: pattern.index("](?:") + 1])


def _suspect_lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for the lines that ftfy might change, in order; others cannot change.

    ftfy changes a line only when its badness regex matches in it or it holds a C1 control
    (both need a trigger). Matches are short, so the regex runs on a few characters around each
    trigger (with ``pos``, where "^" cannot match: "^[ÃÂ] " is checked by hand).
    """
    has_cr = "\r" in text  # else searching for "\r" would scan to the end for every line
    start = end = -1  # the line of the previous trigger
    taken = -1  # start of the last line yielded
    for at in _trigger_offsets(text):
        if at >= end:  # a new line: find its bounds (once per line, not per trigger)
            start, end = _line_bounds(text, at, has_cr)
        if start == taken:
            continue
        from ftfy.badness import BADNESS_RE  # (imported only once there is a trigger)

        near = BADNESS_RE.search(text, max(start, at - _BAD_SPAN), min(end, at + _BAD_SPAN))
        anchored = at == start and text.startswith(("Ã ", "Â "), at)  # "^[ÃÂ] " in BADNESS_RE
        if near or anchored or "\x80" <= text[at] <= "\x9f" or end - start > _FTFY_SEGMENT:
            taken = start
            yield start, text[start:end]


def _trigger_offsets(text: str) -> Iterator[int]:
    """Where ``_mojibake_trigger`` matches: tried only at the rare characters when known."""
    trigger = _mojibake_trigger()
    alphabet = non_ascii_chars(text)
    if alphabet is None:
        return (m.start() for m in trigger.finditer(text))
    starts = filter(_mojibake_trigger_char().match, alphabet)
    return (at for at in offsets_of(text, starts) if trigger.match(text, at))


def _line_bounds(text: str, at: int, has_cr: bool) -> tuple[int, int]:
    """(start, end) of the line holding ``text[at]``, without its line break."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    end = len(text) if end == -1 else end
    if has_cr:
        start = max(start, text.rfind("\r", start, at) + 1)
        cr = text.find("\r", at, end)
        end = end if cr == -1 else cr
    return start, end


def mojibake(text: str, options: Mapping[str, Any]) -> Iterator[Edit]:
    """Mojibake: text decoded in the wrong encoding ("РґРѕСЂРѕРіРµ" for "дороге", "CafÃ©").

    Scraped sources mangle UTF-8 as Windows-1251 or Latin-1; the result is unreadable and
    invisible to glossaries. Detection and decoding are ftfy's (well tested, conservative); this
    rule only turns its output into minimal edits, line by line, so bytes outside the repaired
    spans stay untouched. Safe as far as ftfy is: it leaves text that is not clearly mojibake.
    """
    if text.isascii():
        return  # ASCII cannot be mojibake; skip even the prefilter
    alphabet = non_ascii_chars(text)
    if alphabet is not None and not any(map(_mojibake_trigger_char().match, alphabet)):
        return  # no character that could start a trigger
    for offset, line in _suspect_lines(text):
        fixed = _fix_text(line)
        if fixed == line:
            continue
        for start, end, new in _changed_spans(line, fixed):
            yield Edit(
                offset + start, offset + end, line[start:end], new, "cleanup/mojibake",
                f"repair mojibake as {new!r}",
            )  # fmt: skip


def _fix_text(line: str) -> str:
    import ftfy  # (imported only for a line that may hold mojibake)

    return ftfy.fix_text(line, _ftfy_config())


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
    lines = _split_lines(text)
    keys = list(map(str.strip, lines))
    nonblank = [i for i, key in enumerate(keys) if key]  # line index of each non-blank line
    if len({keys[i] for i in nonblank}) == len(nonblank):
        return  # the common case: no line occurs twice, decided without a loop per line
    offsets: list[int] = []
    for rank in _repeats(keys, nonblank, window):
        index = nonblank[rank]
        key = keys[index]
        if not _THREE_LETTERS.search(key):
            continue
        # the earliest copy among the last `window` non-blank lines, as a reader would see it
        first = next(i for i in nonblank[max(0, rank - window) : rank] if keys[i] == key)
        offsets = offsets or _line_offsets(text, lines)
        at = offsets[index] + lines[index].index(key)
        yield Suggestion(
            at, at + len(key), key, "cleanup/repeated-line", 0.6, (),
            _repeat_message(index - first),
        )  # fmt: skip


def _repeat_message(distance: int) -> str:
    """Where the earlier copy is, relative to the repeat: exact in any window of a streamed text
    (an absolute line number would count from the window's start)."""
    return "repeats the line above" if distance == 1 else f"repeats the line {distance} lines above"


def _repeats(keys: list[str], nonblank: list[int], window: int) -> list[int]:
    """Ranks (among non-blank lines) of lines equal to one of the ``window`` before them."""
    ranked = [keys[i] for i in nonblank]
    if window <= _SHIFTED_UP_TO:  # compare the list with itself shifted by 1..window, in C
        found: set[int] = set()
        for shift in range(1, window + 1):
            same = map(operator.eq, ranked[shift:], ranked)
            found.update(itertools.compress(range(shift, len(ranked)), same))
        return sorted(found)
    last: dict[str, int] = {}
    repeats: list[int] = []
    for rank, key in enumerate(ranked):
        before = last.get(key)
        if before is not None and rank - before <= window:
            repeats.append(rank)
        last[key] = rank
    return repeats


def _odd_breaks(text: str) -> bool:
    if text.isascii():
        return _ODD_BREAKS.search(text) is not None
    data = utf8_of(text)  # memchr for each ASCII one, the shared alphabet for the others
    return any(c in data for c in (b"\v", b"\f", b"\x1c", b"\x1d", b"\x1e")) or has_any(
        text, "\x85\u2028\u2029", _ODD_BREAKS_UTF8
    )


def _split_lines(text: str) -> list[str]:
    """The lines of ``text`` as :func:`_lines` gives them (without breaks), split in C."""
    if _odd_breaks(text):  # str.splitlines also breaks at these; _lines does not
        return [line for _, line in _lines(text)]
    return text.splitlines()


def _line_offsets(text: str, lines: list[str]) -> list[int]:
    """Offset in ``text`` of each line of :func:`_split_lines`."""
    if _odd_breaks(text):
        return [offset for offset, _ in _lines(text)]
    return [0, *itertools.accumulate(map(len, text.splitlines(keepends=True)))][: len(lines)]
