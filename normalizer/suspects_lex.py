"""Word and sentence facts the suspect detectors share: tokens with offsets, sentences, and how
"common English" a word is according to ``wordfreq``.

A literal translation of a Russian name is made of ordinary English words used as a name
("Sailor silence", "North Stream"). Two word facts tell those apart from real names:

* ``zipf_en``: how frequent the word is in English (wordfreq's Zipf scale, case-folded);
* ``name_gap``: ``zipf_en`` minus the median Zipf frequency of the same spelling in eight other
  European languages. Personal and brand names travel between languages with their spelling
  ("Putin", "Daniel", "Hong Kong" have a gap under 0.8), ordinary English words do not
  ("silence" 1.2, "newspaper" 2.2). A *lexical* word is common in English and does not travel.

The few word classes below are generic English naming vocabulary (institution heads, titles),
not artifacts: a run containing one of them is an ordinary English institutional name
("Security Council", "Foreign Ministry"), which MT renders correctly.
"""

from __future__ import annotations

import bisect
import functools
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import regex

__all__ = [
    "HEADS",
    "INSTITUTIONS",
    "TITLES",
    "TYPE_NOUNS",
    "CAPITALIZED",
    "TOKEN",
    "Sentence",
    "SentenceTable",
    "Token",
    "is_lexical",
    "is_proper_adjective",
    "name_gap",
    "sentence",
    "sentence_spans",
    "sentences",
    "tokens",
    "tokens_from",
    "zipf_en",
    "zipf_en_at_least",
]

_OTHER_LANGUAGES = ("de", "fr", "es", "it", "nl", "pl", "pt", "sv")
TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:[-'’][\p{L}\p{M}\p{N}]+)*")
_TOKEN = TOKEN
#: Capitalized words, a superset of the capitalized tokens (``Token.capitalized``) with the same
#: text: a word opening with a letter ``str.isupper`` accepts, after no letter or digit.
CAPITALIZED = regex.compile(
    r"(?<![\p{L}\p{M}\p{N}])[\p{Uppercase}\p{Lt}][\p{L}\p{M}\p{N}]*(?:[-'’][\p{L}\p{M}\p{N}]+)*"
)
# A sentence ends at . ! ? … (maybe with closing quotes) and white space, or at a line end.
# (The mark is matched, not looked behind for: the scan then jumps from mark to mark, 2.5x faster.)
_SENTENCE_END = regex.compile(r"([.!?…][»“”\"')\]]?)[ \t]+(?=\S)|\r?\n")
_CYRILLIC = regex.compile(r"\p{Cyrillic}")

# English institutional heads and titles: a capitalized run containing one is an ordinary name.
INSTITUTIONS = frozenset(
    """academy affairs agency alliance army assembly association award bank board bureau cabinet
    cathedral center centre chamber championship church city clinic college commission committee
    company corporation council court cup day department district embassy federation festival
    forces foundation fund games government group guard hospital house institute island islands
    kingdom lake league ministry mountains museum navy ocean office olympics organisation
    organization parliament party peninsula police post press prize province region republic
    review river school sea senate service society square state states station street summit
    territory times tribune union university war week year""".split()
)
TITLES = frozenset(
    """ambassador chairman chancellor colonel deputy director general governor head king mayor
    minister premier president prime prince princess queen representative secretary senator
    spokesman spokeswoman""".split()
)
HEADS = INSTITUTIONS | TITLES

# Nouns that announce a name next to them: "the newspaper X", "the X missile", "X vaccine".
TYPE_NOUNS = frozenset(
    """newspaper magazine tabloid outlet publication channel broadcaster website portal
    vaccine drug pipeline missile missiles rocket submarine cruiser frigate destroyer icebreaker
    ship vessel prison jail colony shipyard plant factory brand complex poison agent operation
    movement detention""".split()
)


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the text: ``text == original[start:end]``."""

    start: int
    end: int
    text: str

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the original text with its tokens (offsets into the original)."""

    start: int
    end: int
    tokens: tuple[Token, ...]

    @property
    def title_case(self) -> bool:
        """A headline in title case (almost no lower-case content word), so capitals say nothing."""
        longer = [t for t in self.tokens[1:] if len(t.text) > 3 and t.text[:1].isalpha()]
        caps = sum(1 for t in longer if t.capitalized)
        return caps >= 3 and len(longer) - caps <= max(1, len(longer) // 7)


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The words of ``text[start:end]`` with offsets into ``text``."""
    stop = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, stop)]


def tokens_from(text: str, start: int, end: int, count: int) -> list[Token]:
    """Up to ``count`` words of ``text[start:end]`` from ``start`` (a word's start)."""
    out = []
    for m in TOKEN.finditer(text, start, end):
        out.append(Token(m.start(), m.end(), m.group()))
        if len(out) >= count:
            break
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences of ``text`` (at . ! ? … plus space, and at line ends),
    maybe without words: the cheap split prefilters look at before tokenizing."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        split = m.end(1)  # the mark ends its sentence; -1 at a line break
        if split < 0:
            split = m.start()
        if split > pos:
            out.append((pos, split))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def sentence(text: str, start: int, end: int) -> Sentence:
    """The sentence ``text[start:end]`` with its tokens."""
    return Sentence(start, end, tuple(tokens(text, start, end)))


class SentenceTable:
    """The sentences of one text, split once and tokenized on demand (in clean text most never
    are), with the capitalized words of the whole text found in one scan."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = sentence_spans(text)
        self._starts = [a for a, _ in self.spans]
        self._sentences: dict[int, Sentence] = {}
        self._first_ends: dict[int, int] = {}
        self._capitals: list[tuple[int, int, str]] | None = None

    def index_of(self, offset: int) -> int | None:
        """The sentence holding ``offset``, if any."""
        k = bisect.bisect_right(self._starts, offset) - 1
        return k if k >= 0 and offset < self.spans[k][1] else None

    def sentence(self, k: int) -> Sentence:
        found = self._sentences.get(k)
        if found is None:
            found = self._sentences[k] = sentence(self.text, *self.spans[k])
        return found

    def past_first_word(self, k: int, offset: int) -> bool:
        """Whether ``offset`` is past the first word of sentence ``k``."""
        end = self._first_ends.get(k)
        if end is None:
            first = TOKEN.search(self.text, *self.spans[k])
            end = self._first_ends[k] = first.end() if first else self.spans[k][1] + 1
        return offset >= end

    def capitals(self) -> list[tuple[int, int, str]]:
        """(start, end, word) of the :data:`CAPITALIZED` words of the text."""
        if self._capitals is None:
            self._capitals = [
                (m.start(), m.end(), m.group()) for m in CAPITALIZED.finditer(self.text)
            ]
        return self._capitals


def sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences (at . ! ? … plus space, and at line ends)."""
    out = [sentence(text, a, b) for a, b in sentence_spans(text)]
    return [s for s in out if s.tokens]


@functools.lru_cache(maxsize=65536)
def zipf_en(word: str) -> float:
    """English Zipf frequency of a word (case-folded)."""
    facts = _facts(word.casefold())
    if facts is not None:
        return facts[0]
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word.casefold(), "en"))


@functools.lru_cache(maxsize=65536)
def name_gap(word: str) -> float:
    """English Zipf minus the median Zipf of the same spelling in other languages (see module)."""
    facts = _facts(word.casefold())
    return facts[1] if facts is not None else _name_gap(word.casefold())


def _name_gap(folded: str) -> float:
    import statistics

    from wordfreq import zipf_frequency

    others = [zipf_frequency(folded, lang) for lang in _OTHER_LANGUAGES]
    return float(zipf_frequency(folded, "en")) - statistics.median(others)


def is_lexical(word: str) -> bool:
    """A common English word that is not a name travelling between languages."""
    if _CYRILLIC.search(word) or not word[:1].isalpha():
        return False
    if _known_rare(word.casefold()):
        return False
    return zipf_en(word) >= 3.0 and name_gap(word) >= 0.75


def zipf_en_at_least(word: str, threshold: float) -> bool:
    """``zipf_en(word) >= threshold`` for a threshold of 3 or more, mostly without wordfreq."""
    folded = word.casefold()
    facts = _facts(folded)
    if facts is not None:
        return facts[0] >= threshold
    if threshold >= _TABLE_MIN_ZIPF and _known_rare(folded):
        return False
    return zipf_en(word) >= threshold


# -- a table of the common English words' facts, so a process does not load nine wordlists ---
#
# Loading wordfreq's lists costs 0.2-1 s per language (2-5 s for the nine name_gap reads); the
# facts of the ~29,000 English words of Zipf >= 3 (all is_lexical can accept) are computed once
# with wordfreq itself and kept in the cache directory (exact: same calls, same values). A plain
# a-z word missing from the table has Zipf < 3 (wordfreq reads it as one token), so only other
# spellings ("so-called", "café") still go to wordfreq.

_TABLE_MIN_ZIPF = 3.0
_TABLE_FORMAT = 5
_SIMPLE = regex.compile(r"[a-z]+")
_COMPOUND = regex.compile(r"[a-z]+(?:-[a-z]+)+")
_APOSTROPHE = regex.compile(r"[a-z]+(?:['’][a-z]+)+")
_LANGUAGES = ("en", *_OTHER_LANGUAGES)
#: word -> (English Zipf, name gap, wordfreq's centibel bucket in each of _LANGUAGES, "-" where
#: missing, space-separated: exactly its frequencies, at a fifth of the size)
_Table = dict[str, tuple[float, float, str]]


def _facts(folded: str) -> tuple[float, float] | None:
    table = _word_table()
    if table is None:
        return None
    found = table.get(folded)
    if found is not None:
        return found[0], found[1]
    return _compound_facts(folded, table) if _COMPOUND.fullmatch(folded) else None


def _known_rare(folded: str) -> bool:
    """Zipf < 3 for sure, by the table: a plain word missing from it, or a compound one of whose
    parts is missing (1/f = 1/f1 + 1/f2 makes a compound rarer than each part)."""
    table = _word_table()
    if table is None or folded in table:
        return False
    if _SIMPLE.fullmatch(folded):
        return True
    if _APOSTROPHE.fullmatch(folded):  # one English token ("navalny's"), ’ read as '
        return folded.replace("’", "'") not in table
    return bool(_COMPOUND.fullmatch(folded)) and any(p not in table for p in folded.split("-"))


def _compound_facts(folded: str, table: _Table) -> tuple[float, float] | None:
    """A hyphenated compound of common words ("anti-corruption"), computed the way wordfreq
    does (1/f = 1/f1 + 1/f2 per language) from the table's raw frequencies. None where some
    part is not a common word: then the compound is rare too (Zipf < 3), as callers assume."""
    parts = folded.split("-")
    if any(p not in table for p in parts):
        return None
    # wordfreq's lossy_tokenize(folded, lang) is ``parts`` in every one of _LANGUAGES (a-z
    # words break at a hyphen; no language of them case-maps or transliterates a-z): tested
    # against wordfreq in tests/test_startup.py, so wordfreq is not imported for it here.
    zipfs = []
    for i in range(len(_LANGUAGES)):
        freqs = [_raw_freqs(table[p])[i] for p in parts]
        freq = 1.0 / sum(1.0 / f for f in freqs) if all(freqs) else 0.0
        zipfs.append(_zipf(freq))
    return zipfs[0], zipfs[0] - _median(zipfs[1:])


def _median(values: list[float]) -> float:
    """``statistics.median`` (same arithmetic), without importing statistics (~3 ms)."""
    data = sorted(values)
    n = len(data)
    return data[n // 2] if n % 2 else (data[n // 2 - 1] + data[n // 2]) / 2


def _raw_freqs(row: tuple[float, float, str]) -> list[float]:
    # wordfreq's cB_to_freq(-bucket), without importing wordfreq
    return [0.0 if x == "-" else 10 ** (-int(x) / 100) for x in row[2].split()]


def _zipf(freq: float) -> float:
    """wordfreq's ``zipf_frequency`` from a combined frequency (its minimum and rounding)."""
    unrounded = max(freq, 1e-9)
    rounded = round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)
    return round(math.log(rounded, 10) + 9, 2)


@functools.lru_cache(maxsize=1)
def _word_table() -> _Table | None:
    """(Zipf in English, name gap) of the common English words, from the cache directory (built
    there on first use); None without a cache directory (then wordfreq answers each word)."""
    from .cache import cache_dir

    base = cache_dir()
    if base is None:
        return None
    path = base / f"wordfacts-{_wordfreq_version()}-{_TABLE_FORMAT}.marshal"
    table = _read_table(path)
    if table is None:
        table = _build_table()
        _write_table(path, table)
    return table


def _wordfreq_version() -> str:
    """The English wordlist's size and time: a wordfreq upgrade rebuilds the table. Found
    without importing wordfreq (~130 ms a process would otherwise spend)."""
    import importlib.util

    spec = importlib.util.find_spec("wordfreq")
    if spec is None or spec.origin is None:
        return "none"
    data = Path(spec.origin).parent / "data" / "large_en.msgpack.gz"
    try:
        st = data.stat()
    except OSError:
        return "unknown"
    return f"{st.st_size}-{st.st_mtime_ns}"


def _build_table() -> _Table:
    from wordfreq import get_frequency_dict, zipf_frequency

    words = {}
    for word, freq in get_frequency_dict("en").items():
        if freq < 5e-7:  # Zipf 2.7: well under the threshold, whatever the rounding
            continue
        zipf = float(zipf_frequency(word, "en"))
        if zipf >= _TABLE_MIN_ZIPF and word.casefold() == word:
            words[word] = zipf
    buckets = [_buckets(lang, words.keys()) for lang in _LANGUAGES]
    return {
        w: (z, _name_gap(w), " ".join(b.get(w, "-") for b in buckets)) for w, z in words.items()
    }


def _buckets(lang: str, words: Iterable[str]) -> dict[str, str]:
    """The centibel bucket of ``words`` in wordfreq's list for ``lang``."""
    from wordfreq import get_frequency_list

    wanted = set(words)
    out: dict[str, str] = {}
    for index, bucket in enumerate(get_frequency_list(lang)):
        for word in bucket:
            if word in wanted:  # a later bucket wins, as in get_frequency_dict
                out[word] = str(index)
    return out


def _read_table(path: Path) -> _Table | None:
    """The table as :func:`_write_table` wrote it (only its words become objects on reading)."""
    from .rowtable import load_rows

    return load_rows(path)


def _write_table(path: Path, table: _Table) -> None:
    """Write atomically (a reader never sees half a table); a read-only disk only costs speed."""
    import tempfile

    from .rowtable import dump_rows

    data = dump_rows(table)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-wordfacts-", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        for old in path.parent.glob("wordfacts-*"):
            if old != path:  # a table of an older wordfreq or format
                old.unlink(missing_ok=True)
    except OSError:
        pass


def is_proper_adjective(word: str) -> bool:
    """A capitalized nationality-like adjective ("Russian", "Turkish", "Chinese")."""
    folded = word.casefold().removesuffix("s")
    return word[:1].isupper() and folded.endswith(("ian", "an", "ish", "ese", "ic"))
