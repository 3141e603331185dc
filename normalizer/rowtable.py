"""A read-only table of word -> (float, float, str) rows that loads in one fast read.

A plain dict of 29,000 rows unmarshals in ~10 ms (three objects per row); this form keeps the
rows as flat columns (two arrays of doubles, one string with an offsets array) and makes only
the words into objects, ~4 ms, building a row when it is looked up. Used for the word facts of
:mod:`normalizer.suspects_lex` (read on every CLI run that looks for suspects).
"""

from __future__ import annotations

import array
import marshal
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = ["Rows", "dump_rows", "load_rows"]

Row = tuple[float, float, str]


def dump_rows(table: Mapping[str, Row]) -> bytes:
    """``table`` in the form :func:`load_rows` reads."""
    words = list(table)
    rows = [table[w] for w in words]
    offsets = array.array("I", [0])
    for _, _, text in rows:
        offsets.append(offsets[-1] + len(text))
    return marshal.dumps(
        (
            {w: i for i, w in enumerate(words)},
            array.array("d", [a for a, _, _ in rows]).tobytes(),
            array.array("d", [b for _, b, _ in rows]).tobytes(),
            "".join(text for _, _, text in rows),
            offsets.tobytes(),
        )
    )


def load_rows(path: Path) -> dict[str, Row] | None:
    """The table in ``path``; None if it is missing, empty or not a table :func:`dump_rows`
    wrote (a caller rebuilds it)."""
    try:
        index, first, second, text, offsets = marshal.loads(path.read_bytes())
        rows = Rows(index)
        rows.columns(
            memoryview(first).cast("d"),
            memoryview(second).cast("d"),
            text,
            memoryview(offsets).cast("I"),
        )
    except (OSError, ValueError, EOFError, TypeError):
        return None
    n = len(rows)
    if not n or len(rows.first) != n or len(rows.second) != n or len(rows.offsets) != n + 1:
        return None
    if not isinstance(text, str) or rows.offsets[-1] != len(text):
        return None
    return rows  # type: ignore[return-value]  # it answers as a dict of rows


class Rows(dict[str, Any]):
    """word -> row number underneath; ``get``, ``[]``, ``values`` and ``items`` answer with rows,
    as the dict of rows it stands for. ``in``, ``len`` and iteration are the dict's own."""

    first: memoryview[float]
    second: memoryview[float]
    text: str
    offsets: memoryview[int]

    def columns(
        self,
        first: memoryview[float],
        second: memoryview[float],
        text: str,
        offsets: memoryview[int],
    ) -> None:
        self.first, self.second, self.text, self.offsets = first, second, text, offsets

    def row(self, i: int) -> Row:
        return self.first[i], self.second[i], self.text[self.offsets[i] : self.offsets[i + 1]]

    def get(self, word: str, default: Any = None) -> Any:
        i = dict.get(self, word)
        return default if i is None else self.row(i)

    def __getitem__(self, word: str) -> Row:
        return self.row(dict.__getitem__(self, word))

    def values(self) -> Any:
        return [self.row(i) for i in dict.values(self)]

    def items(self) -> Any:
        return [(w, self.row(i)) for w, i in dict.items(self)]

    def __iter__(self) -> Iterator[str]:
        return dict.__iter__(self)
