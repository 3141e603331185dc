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
import statistics
from dataclasses import dataclass

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
    "zipf_en",
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
_SENTENCE_END = regex.compile(r"(?<=[.!?…][»“”\"')\]]?)[ \t]+(?=\S)|\r?\n")
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


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences of ``text`` (at . ! ? … plus space, and at line ends),
    maybe without words: the cheap split prefilters look at before tokenizing."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start()))
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
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word.casefold(), "en"))


@functools.lru_cache(maxsize=65536)
def name_gap(word: str) -> float:
    """English Zipf minus the median Zipf of the same spelling in other languages (see module)."""
    from wordfreq import zipf_frequency

    folded = word.casefold()
    others = [zipf_frequency(folded, lang) for lang in _OTHER_LANGUAGES]
    return zipf_en(folded) - statistics.median(others)


def is_lexical(word: str) -> bool:
    """A common English word that is not a name travelling between languages."""
    if _CYRILLIC.search(word) or not word[:1].isalpha():
        return False
    return zipf_en(word) >= 3.0 and name_gap(word) >= 0.75


def is_proper_adjective(word: str) -> bool:
    """A capitalized nationality-like adjective ("Russian", "Turkish", "Chinese")."""
    folded = word.casefold().removesuffix("s")
    return word[:1].isupper() and folded.endswith(("ian", "an", "ish", "ese", "ic"))
