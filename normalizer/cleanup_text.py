"""Character-level cleanup rules: HTML entities, punctuation, spacing.

Each function takes ``(text, options)`` and yields :class:`~normalizer.edits.Edit` values against
``text``; :mod:`normalizer.cleanup` registers them. The rules share one predicate
(:func:`space_before_is_wrong`) so that the space in "talks , which" is removed by exactly one
rule and the spacing rule never competes for it.
"""

from __future__ import annotations

import html
import html.entities
import itertools
import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

import regex

from .edits import Edit
from .text import char_offsets as offsets_of

__all__ = [
    "COMMON_NON_ASCII",
    "entities",
    "has_any",
    "non_ascii_chars",
    "offsets_of",
    "punctuation",
    "rare_offsets",
    "space_before_is_wrong",
    "spacing",
    "text_facts",
    "utf8_of",
]

# Horizontal white space other than tab (tabs align columns; we leave them alone).
_HSPACE = "[ \u00a0\u2000-\u200a\u202f\u205f]"
_HSPACE_CHARS = frozenset(" \u00a0\u202f\u205f" + "".join(map(chr, range(0x2000, 0x200B))))
# The same in UTF-8: bytes patterns scan several times faster than ``re`` on a non-ASCII str.
_ODD_HSPACE_CHARS = "".join(sorted(_HSPACE_CHARS - {" "}))
_ODD_HSPACE_UTF8 = re.compile(rb"\xc2\xa0|\xe2\x80[\x80-\x8a\xaf]|\xe2\x81\x9f")
# Punctuation first (a class, so the scan skips ahead in C), then which space came before it.
_SPACE_THEN_PUNCT_UTF8 = re.compile(
    rb"[,.;:!?](?:(?<= .)|(?<=\xc2\xa0.)|(?<=\xe2\x80[\x80-\x8a\xaf].)|(?<=\xe2\x81\x9f.))"
)


# Facts about the last long text seen (its UTF-8, its non-ASCII characters, ...): the rules
# run one after another on the same str object, and each would otherwise scan it again.
_last_facts: tuple[str, dict[str, Any]] | None = None
_CACHE_FROM = 4096  # characters; shorter texts (single lines while settling) are not kept
# Non-ASCII characters found in most English text and looked for by no rule on their own.
COMMON_NON_ASCII = "‘’“”–—…"
_RARE = re.compile(f"[^\\x00-\\x7f{COMMON_NON_ASCII}]")
_ASCII_BYTES = bytes(range(128))
# Beyond this share of continuation bytes a text is not mostly ASCII: listing its characters
# would cost more than the scans it saves.
_ALPHABET_MAX_SHARE = 16


def text_facts(text: str) -> dict[str, Any]:
    """A scratch dict for facts about ``text``, shared by the rules while it stays the same
    text object (one entry, matched by identity: no hashing of a long text; a race between
    threads at worst computes a fact twice)."""
    global _last_facts
    last = _last_facts
    if last is not None and last[0] is text:
        return last[1]
    facts: dict[str, Any] = {}
    if len(text) >= _CACHE_FROM:
        _last_facts = (text, facts)
    return facts


def utf8_of(text: str) -> bytes:
    """``text`` in UTF-8, encoded once for all the rules that look at the same text.

    Prefilters that only ask "is there any X?" can ask the bytes (``bytes.find`` is memchr).
    """
    facts = text_facts(text)
    if "utf8" not in facts:
        facts["utf8"] = text.encode("utf-8", "surrogatepass")
    return facts["utf8"]


def non_ascii_chars(text: str) -> frozenset[str] | None:
    """The distinct non-ASCII characters of ``text`` other than ``COMMON_NON_ASCII`` (which
    no rule looks for on its own), or None for a text that is not mostly ASCII (a Russian one),
    where listing them costs more than it saves. A rule that needs some character can return at
    once when it is not here."""
    if text.isascii():
        return frozenset()
    facts = text_facts(text)
    if "alphabet" not in facts:
        data = utf8_of(text)
        if (len(data) - len(text)) * _ALPHABET_MAX_SHARE > len(text):
            facts["alphabet"] = None
        else:
            # deleting the ASCII bytes leaves the non-ASCII characters' whole UTF-8 sequences
            rest = data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
            facts["alphabet"] = frozenset(rest).difference(COMMON_NON_ASCII)
    alphabet: frozenset[str] | None = facts["alphabet"]
    return alphabet


def rare_offsets(text: str) -> list[int] | None:
    """Offsets of the non-ASCII characters of ``text`` other than ``COMMON_NON_ASCII``, found
    in one scan that all rules share (they filter it for what they look for); None for a text
    that is not mostly ASCII (more than one continuation byte in 16 characters)."""
    if text.isascii():
        return []
    facts = text_facts(text)
    if "rare" not in facts:
        extra_bytes = len(utf8_of(text)) - len(text)
        if extra_bytes * _ALPHABET_MAX_SHARE > len(text):
            facts["rare"] = None
        else:
            facts["rare"] = [m.start() for m in _RARE.finditer(text)]
    offsets: list[int] | None = facts["rare"]
    return offsets


def has_any(text: str, chars: str, utf8: re.Pattern[bytes]) -> bool:
    """Whether ``text`` holds any of the non-ASCII ``chars`` (``utf8``: the same in UTF-8)."""
    alphabet = non_ascii_chars(text)
    if alphabet is not None:
        return not alphabet.isdisjoint(chars)
    return utf8.search(utf8_of(text)) is not None


def _utf8_has(text: str, pattern: re.Pattern[bytes], needle: bytes | None = None) -> bool:
    """Whether the UTF-8 of ``text`` holds ``needle`` (found with memchr speed) or ``pattern``."""
    data = utf8_of(text)
    return (needle is not None and needle in data) or pattern.search(data) is not None


_CLOSERS = "\"'”’»›)]}"
_SENTENCE_PUNCT = ",.;:!?"

# --- entities -------------------------------------------------------------------------------

# Names decoded even without a semicolon: the ones that occur broken in scraped text, and that
# cannot be the start of an ordinary word once a letter or digit does not follow.
_BARE_NAMES = frozenset({"nbsp", "amp", "quot", "lt", "gt", "apos"})
_NAMED = {name[:-1]: char for name, char in html.entities.html5.items() if name.endswith(";")}
# Code points an escape must not produce: controls, surrogates, unassigned.
_BAD_CATEGORIES = frozenset({"Cc", "Cs", "Cn", "Co"})
# One entity: named (a space may follow "&" only when the semicolon is there), decimal or hex
# (spaces inside, as in MT output "&# 160;", are tolerated).
_ENTITY = regex.compile(
    r"&(?:(?P<name>[A-Za-z][A-Za-z0-9]{1,31});|(?P<bare>[A-Za-z]{2,4})(?![A-Za-z0-9;])"
    r"| (?P<sname>[A-Za-z][A-Za-z0-9]{1,31});"
    r"| ?# ?(?P<dec>[0-9]{1,7}) ?;|#(?P<bdec>[0-9]{1,7})(?![0-9;])"
    r"| ?# ?[xX](?P<hex>[0-9A-Fa-f]{1,6}) ?;|#[xX](?P<bhex>[0-9A-Fa-f]{1,6})(?![0-9A-Za-z;]))"
)


def _decode_one(match: regex.Match[str]) -> str | None:
    """The character an entity match stands for, or None when it is not a real entity."""
    name = match["name"] or match["sname"]
    if name is not None:
        if name in _NAMED:
            return _NAMED[name]
        lower = name.lower()  # "&NBSP;", "&AMP;": all-caps names, as ftfy accepts
        return _NAMED.get(lower) if name.isupper() and lower in _BARE_NAMES else None
    if match["bare"] is not None:
        return _NAMED[match["bare"]] if match["bare"] in _BARE_NAMES else None
    digits = match["dec"] or match["bdec"]
    code = int(digits) if digits else int(match["hex"] or match["bhex"], 16)
    if code > 0x10FFFF:
        return None
    char = html.unescape(f"&#{code};")  # maps &#150; to "–" as browsers do (windows-1252)
    if (
        len(char) != 1
        or char == "\ufffd"
        or (unicodedata.category(char[0]) in _BAD_CATEGORIES and char not in "\t\n")
    ):
        return None
    return char


def _entity_chain(text: str, start: int) -> tuple[int, str] | None:
    """Decode an entity at ``start`` and any double escaping ("&amp;lt;" → "<"); (end, char)."""
    match = _ENTITY.match(text, start)
    if match is None:
        return None
    char = _decode_one(match)
    end = match.end()
    while char == "&":  # "&amp;" followed by the rest of another escape: decode it too
        inner = _ENTITY.match("&" + text[end : end + 40])
        if inner is None or (decoded := _decode_one(inner)) is None:
            break
        end, char = end + inner.end() - 1, decoded
    return (end, char) if char is not None else None


def _nbsp_end(text: str, start: int) -> int:
    """End of a run of no-break-space entities and white space starting at ``start``."""
    pos = start
    while True:
        found = _entity_chain(text, pos) if text.startswith("&", pos) else None
        if found is not None and found[1] == "\u00a0":
            pos = found[0]
        elif pos < len(text) and regex.match(_HSPACE, text[pos]):
            pos += 1
        else:
            return pos


def _line_end_at(text: str, pos: int) -> bool:
    return pos == len(text) or text[pos] in "\r\n"


def entities(text: str, options: Mapping[str, Any]) -> Iterator[Edit]:
    """HTML entities left in plain text, including ones MT broke: "&# 160;", "&#160", "&nbsp".

    Scrapers and MT engines leave escapes that readers see verbatim ("oligarchs&# 160;"). Named
    entities need a semicolon unless they are one of nbsp/amp/quot/lt/gt/apos followed by a non
    letter, so "AT&T", "R&D" and "informal english &not html" stay. A run of no-break-space
    entities at a line end disappears with the white space around it (it only padded the line);
    before punctuation that takes no space it disappears too; elsewhere it becomes one space.
    Double escaping is undone in one step ("&amp;amp;" → "&"). Safe: only known entities decode.
    """
    pos = 0
    while (start := text.find("&", pos)) != -1:
        found = _entity_chain(text, start)
        if found is None:
            pos = start + 1
            continue
        end, char = found
        if char == "\u00a0":
            yield _nbsp_edit(text, start)
            pos = _nbsp_end(text, start)
            continue
        yield Edit(
            start, end, text[start:end], char, "cleanup/entities", f"decode HTML entity as {char!r}"
        )
        pos = end


def _nbsp_edit(text: str, start: int) -> Edit:
    """The edit for a run of no-break-space entities beginning at ``start``."""
    end = _nbsp_end(text, start)
    begin = start
    while begin > 0 and regex.match(_HSPACE, text[begin - 1]):
        begin -= 1
    at_line_start = begin == 0 or text[begin - 1] in "\r\n"
    if _line_end_at(text, end) or (
        end < len(text) and text[end] in _SENTENCE_PUNCT and space_before_is_wrong(text, end)
    ):
        new, why = "", "drop no-break-space entity padding"
    elif at_line_start:
        begin, new, why = start, "", "drop no-break-space entity indentation"
    else:
        new, why = " ", "replace no-break-space entity with a space"
    if at_line_start and begin != start:  # never touch indentation itself
        begin = start
    return Edit(begin, end, text[begin:end], new, "cleanup/entities", why)


# --- punctuation ----------------------------------------------------------------------------

_EMOTICON_AFTER = frozenset(")(DPp/\\|-3*O]")


def space_before_is_wrong(text: str, index: int) -> bool:
    """Whether white space before the punctuation at ``text[index]`` should go ("talks , which").

    No for ellipses (" ..."), emoticons (" :)"), dotted names (" .NET", " .com"), decimals
    (" .5"), and unless the punctuation cluster ends the word (white space, end, closing quote).
    """
    cluster_end = index
    while cluster_end < len(text) and text[cluster_end] in _SENTENCE_PUNCT:
        cluster_end += 1
    cluster = text[index:cluster_end]
    if "..." in cluster or text.startswith("…", cluster_end):
        return False
    after = text[cluster_end] if cluster_end < len(text) else ""
    if cluster in (":", ";") and after in _EMOTICON_AFTER:
        return False
    return after == "" or after.isspace() or after in _CLOSERS


_SPACE_BEFORE = regex.compile(rf"(?<=[^\s]){_HSPACE}+(?=[{_SENTENCE_PUNCT}])")
# Cheap prefilters (module ``re``): where the exact patterns above can match at all.
_PUNCT_AFTER_SPACE = re.compile(f"[{_SENTENCE_PUNCT}](?<={_HSPACE}[{_SENTENCE_PUNCT}])")
_TWO_DOTS = re.compile(r"\.\.(?!\.)(?<!\.\.\.)")  # a literal first: a fast search in C
_DOUBLED_PERIOD = regex.compile(r"(?<=[\p{L}\p{N}\"'”’»)\]])\.\.(?!\.)(?=$|[\s\"'”’»)\]])")


def punctuation(text: str, options: Mapping[str, Any]) -> Iterator[Edit]:
    """Doubled sentence periods and white space before punctuation.

    MT and scrapers leave "outlets.." (a period doubled at a sentence end) and tokenized spacing
    "talks , which". The fix keeps one period ("U.S.." → "U.S.") but never shortens an ellipsis
    "..." or a range "1..10"; it deletes spaces before , . ; : ! ? but not before ellipses,
    emoticons, ".NET"-like names or decimals, nor indentation at a line start. Safe.
    """
    if not _utf8_has(text, _SPACE_THEN_PUNCT_UTF8):
        return _doubled_periods(text)
    return itertools.chain(_spaces_before_punct(text), _doubled_periods(text))


def _spaces_before_punct(text: str) -> Iterator[Edit]:
    for at in _space_runs_before_punct(text):
        match = _SPACE_BEFORE.match(text, at)
        if match is not None and space_before_is_wrong(text, match.end()):
            yield Edit(
                match.start(), match.end(), match.group(), "", "cleanup/punctuation",
                "remove space before punctuation",
            )  # fmt: skip


def _doubled_periods(text: str) -> Iterator[Edit]:
    if ".." not in text:
        return
    for hit in _TWO_DOTS.finditer(text):
        match = _DOUBLED_PERIOD.match(text, hit.start())
        if match is not None:
            at = match.start() + 1
            yield Edit(at, at + 1, ".", "", "cleanup/punctuation", "remove doubled period")


def _space_runs_before_punct(text: str) -> Iterator[int]:
    """Starts of the maximal runs of horizontal space that end right before , . ; : ! ?

    Only there can ``_SPACE_BEFORE`` match (its lookbehind rules out a start inside a run).
    Punctuation is rarer than spaces, so the scan (module ``re``) looks for it first.
    """
    for hit in _PUNCT_AFTER_SPACE.finditer(text):
        start = hit.start() - 1
        while start > 0 and text[start - 1] in _HSPACE_CHARS:
            start -= 1
        yield start


# --- spacing --------------------------------------------------------------------------------

_SPACE_RUN = regex.compile(rf"(?<=[^\s]){_HSPACE}{{2,}}(?=[^\s])")
# Maximal runs of two or more spaces (``re``): the only places where _SPACE_RUN can start.
_SPACE_RUN_CANDIDATE = re.compile(f"{_HSPACE}{{2,}}")


def spacing(text: str, options: Mapping[str, Any]) -> Iterator[Edit]:
    """Runs of spaces inside a line ("held  talks" → "held talks").

    MT output and scraped HTML leave doubled spaces between words. Only runs between two visible
    characters on one line change: indentation, trailing white space (an editor's business), tabs
    and line breaks are never touched, nor a run before punctuation (the punctuation rule removes
    it) or before a no-break-space entity (the entities rule handles it). A run that holds an
    ordinary space becomes one space; a run of no-break spaces becomes one no-break space. Safe.
    """
    if b"  " not in utf8_of(text) and not has_any(text, _ODD_HSPACE_CHARS, _ODD_HSPACE_UTF8):
        return  # no run of two spaces anywhere
    for hit in _SPACE_RUN_CANDIDATE.finditer(text):
        match = _SPACE_RUN.match(text, hit.start())
        if match is None:
            continue
        after = match.end()
        if text[after] in _SENTENCE_PUNCT and space_before_is_wrong(text, after):
            continue
        if text[after] == "&" and _nbsp_end(text, after) > after:
            continue
        run = match.group()
        new = " " if " " in run else run[0]
        yield Edit(
            match.start(), match.end(), run, new, "cleanup/spacing", "collapse repeated spaces"
        )
