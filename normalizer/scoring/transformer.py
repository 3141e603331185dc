"""Transformer scorers: a causal LM (surprisal, SLOR) and a masked LM (pseudo-log-likelihood).

Both look only at the suspect spans they are given and their sentences. How a span is scored:

- every token of ``previous + " " + sentence`` that overlaps the span gets a log-probability
  (causal: conditioned on everything before it; masked: that token masked, the rest visible);
- token log-probabilities are summed per word, and each word is compared with how common it is
  on its own (``wordfreq``): SLOR = log P_model(word | context) - log P_unigram(word). A common
  word the model did not expect here ("poisoned with a chemical war poison «Newbie»") gets a low
  SLOR; a rare but expected name ("Novichok") gets a high one;
- the mean word SLOR is mapped to [0, 1] by a logistic curve, low SLOR = high artifact score.

Candidates are ranked by the log-likelihood of the sentence with the candidate substituted
(causal: the whole sentence from the candidate on; masked: the candidate's tokens, which for a
one-token candidate is fill-mask) minus the candidate's unigram log-probability, then normalized
with a softmax to scores summing to 1.

Built by :func:`normalizer.scoring.loader.load_scorer`; never import this module directly for
its side effects: it imports torch.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import regex
import torch

from .base import SpanInContext
from .loader import ModelOptions, options_state, rebuild

__all__ = ["CausalLMScorer", "MaskedLMScorer", "WordScore"]

WORD = regex.compile(r"\w+(?:['’]\w+)*")
UNIGRAM_FLOOR = 1e-8  # wordfreq says 0 for unseen words; a floor keeps log finite


@dataclass(frozen=True, slots=True)
class WordScore:
    """One word of a span: its surprisal under the model (nats) and its SLOR."""

    word: str
    surprisal: float
    slor: float


@dataclass(frozen=True, slots=True)
class _Item:
    """One forward-pass job: token ids and the positions whose log-probability is wanted."""

    ids: tuple[int, ...]
    positions: tuple[int, ...]


def _unigram_logprob(word: str) -> float:
    from wordfreq import word_frequency

    return math.log(max(word_frequency(word.lower(), "en"), UNIGRAM_FLOOR))


def _phrase_logprob(text: str) -> float:
    return sum(_unigram_logprob(m.group()) for m in WORD.finditer(text))


def _softmax(values: Sequence[float]) -> list[float]:
    if not values:
        return []
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


class _LMScorer:
    """What both kinds share: encoding with offsets, batching, per-word SLOR, ranking."""

    # SLOR (nats per word) where the artifact score is 0.5, and how fast it moves around there.
    # Chosen on the seed article with SmolLM2-135M: MT calques («Newbie», «Sailor silence»)
    # sit below 0, correct names and ordinary words above.
    center: float = 0.0
    scale: float = 2.0

    def __init__(self, model: Any, tokenizer: Any, options: ModelOptions, name: str) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.options = options
        self.name = name
        self._lock = (
            threading.Lock()
        )  # one forward pass at a time: torch threads are set per process

    def __reduce__(self) -> tuple[Any, ...]:
        # Travel to worker processes as options; the worker loads its own copy from the cache.
        return (rebuild, (options_state(self.options),))

    # -- subclasses --------------------------------------------------------------------------
    def _wrap(self, ids: list[int]) -> tuple[list[int], int]:
        """Add special tokens around ``ids``; return them and how many were put in front."""
        raise NotImplementedError

    def _logprobs(self, items: Sequence[_Item]) -> list[list[float]]:
        """For each item, the log-probabilities of the tokens at its positions."""
        raise NotImplementedError

    def _rank_region(self, base: int, start: int, cand: str, length: int) -> tuple[int, int]:
        """The character range whose likelihood ranks a candidate."""
        raise NotImplementedError

    # -- the Scorer protocol -----------------------------------------------------------------
    def artifact_scores(self, spans: Sequence[SpanInContext]) -> list[float]:
        """For each span, a score in [0, 1]: higher = more likely an MT artifact."""
        return [self._to_score(words) for words in self.explain(spans)]

    def rank_candidates(self, span: SpanInContext, candidates: Sequence[str]) -> list[float]:
        """For each candidate replacing the span, a score in [0, 1]; the scores sum to 1."""
        if not candidates:
            return []
        items = []
        for cand in candidates:
            sentence = span.sentence[: span.start] + cand + span.sentence[span.end :]
            text, base = self._join(span.previous, sentence)
            lo, hi = self._rank_region(base, base + span.start, cand, len(text))
            items.append(self._item(text, lo, hi))
        totals = [sum(x for x in lps if not math.isnan(x)) for lps in self._batched(items)]
        # Minus each candidate's own unigram log-probability (the SLOR idea again): otherwise a
        # common word always beats a rare correct name ("Newbie" over "Novichok") for being common.
        return _softmax([t - _phrase_logprob(c) for t, c in zip(totals, candidates, strict=True)])

    def explain(self, spans: Sequence[SpanInContext]) -> list[list[WordScore]]:
        """Per-word surprisal and SLOR of each span: the reasons behind its artifact score."""
        items, layouts = [], []
        for span in spans:
            text, base = self._join(span.previous, span.sentence)
            item, words = self._span_item(text, base + span.start, base + span.end)
            items.append(item)
            layouts.append(words)
        results = self._batched(items)
        return [self._words(lps, words) for lps, words in zip(results, layouts, strict=True)]

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _join(previous: str, sentence: str) -> tuple[str, int]:
        if not previous.strip():
            return sentence, 0
        prefix = previous.rstrip() + " "
        return prefix + sentence, len(prefix)

    def _encode(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        return list(enc["input_ids"]), [tuple(o) for o in enc["offset_mapping"]]

    def _window(self, n: int, positions: list[int]) -> tuple[int, int]:
        """The token window [lo, hi) to keep: all of ``positions``, as much left context as fits."""
        room = self.options.max_length - 2  # leave room for special tokens
        if n <= room or not positions:
            return 0, n
        lo = max(0, min(min(positions), max(positions) + 1 - room))
        return lo, min(n, lo + room)

    def _item(self, text: str, lo: int, hi: int) -> _Item:
        """Encode ``text`` and mark the tokens overlapping characters [lo, hi)."""
        ids, offsets = self._encode(text)
        wanted = [i for i, (s, e) in enumerate(offsets) if s < e and s < hi and e > lo]
        a, b = self._window(len(ids), wanted)
        wrapped, front = self._wrap(ids[a:b])
        return _Item(tuple(wrapped), tuple(i - a + front for i in wanted if a <= i < b))

    def _span_item(self, text: str, lo: int, hi: int) -> tuple[_Item, list[tuple[str, list[int]]]]:
        """The item for a span, and for each word of it, the indexes of its tokens in the item."""
        ids, offsets = self._encode(text)
        wanted = [i for i, (s, e) in enumerate(offsets) if s < e and s < hi and e > lo]
        a, b = self._window(len(ids), wanted)
        wrapped, front = self._wrap(ids[a:b])
        kept = [i for i in wanted if a <= i < b]
        words: list[tuple[str, list[int]]] = []
        taken: set[int] = set()
        for m in WORD.finditer(text, lo, hi):
            own = [k for k, i in enumerate(kept) if k not in taken and _overlaps(offsets[i], m)]
            taken.update(own)
            words.append((m.group(), own))
        return _Item(tuple(wrapped), tuple(i - a + front for i in kept)), words

    @staticmethod
    def _words(lps: list[float], words: list[tuple[str, list[int]]]) -> list[WordScore]:
        out = []
        for word, idx in words:
            known = [lps[k] for k in idx if not math.isnan(lps[k])]
            if not known:
                continue
            logp = sum(known)
            out.append(WordScore(word, -logp, logp - _unigram_logprob(word)))
        return out

    def _to_score(self, words: list[WordScore]) -> float:
        if not words:
            return 0.5  # nothing to judge (punctuation only): no opinion
        slor = sum(w.slor for w in words) / len(words)
        z = (slor - self.center) / self.scale
        return 1.0 / (1.0 + math.exp(max(-50.0, min(50.0, z))))

    def _batched(self, items: Sequence[_Item]) -> list[list[float]]:
        """Run ``_logprobs`` over length-sorted batches (less padding), in the input order."""
        order = sorted(range(len(items)), key=lambda i: len(items[i].ids))
        out: list[list[float]] = [[] for _ in items]
        size = self.options.batch_size
        with self._lock, torch.inference_mode():
            for k in range(0, len(order), size):
                chunk = order[k : k + size]
                for i, lps in zip(chunk, self._logprobs([items[i] for i in chunk]), strict=True):
                    out[i] = lps
        return out

    def _pad_id(self) -> int:
        for tok_id in (self.tokenizer.pad_token_id, self.tokenizer.eos_token_id, 0):
            if tok_id is not None:
                return int(tok_id)
        return 0

    def _forward(self, rows: Sequence[Sequence[int]], keep: Sequence[int] | None = None) -> Any:
        """Logits for right-padded ``rows``; with ``keep``, only at those sequence positions.

        Keeping only the positions we read matters: the vocabulary projection and a float32
        softmax over every position of a 50k vocabulary cost more than the model body.
        """
        width = max(len(r) for r in rows)
        pad = self._pad_id()
        ids = torch.tensor([list(r) + [pad] * (width - len(r)) for r in rows])
        mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
        if keep is None:
            return self.model(input_ids=ids, attention_mask=mask).logits
        where = torch.tensor(list(keep))
        if self._keeps_logits():
            return self.model(input_ids=ids, attention_mask=mask, logits_to_keep=where).logits
        return self.model(input_ids=ids, attention_mask=mask).logits[:, where]

    def _keeps_logits(self) -> bool:
        import inspect

        try:
            return "logits_to_keep" in inspect.signature(self.model.forward).parameters
        except (TypeError, ValueError):
            return False


def _overlaps(offset: tuple[int, int], m: Any) -> bool:
    s, e = offset
    return s < e and s < m.end() and e > m.start()


class CausalLMScorer(_LMScorer):
    """Surprisal and SLOR from a causal LM, with the previous sentence as context."""

    def _wrap(self, ids: list[int]) -> tuple[list[int], int]:
        # A start token lets the first word be predicted too.
        tok = self.tokenizer
        start = tok.bos_token_id if tok.bos_token_id is not None else tok.eos_token_id
        return ([int(start)] + ids, 1) if start is not None else (ids, 0)

    def _rank_region(self, base: int, start: int, cand: str, length: int) -> tuple[int, int]:
        # The candidate and everything after it: a good rendering also makes the rest likely.
        return start, length

    def _logprobs(self, items: Sequence[_Item]) -> list[list[float]]:
        # logits at position p - 1 predict token p; position 0 (no start token) has none: NaN
        keep = sorted({p - 1 for it in items for p in it.positions if p > 0})
        if not keep:
            return [[math.nan] * len(it.positions) for it in items]
        column = {pos: k for k, pos in enumerate(keep)}
        logits = self._forward([it.ids for it in items], keep)
        out = []
        for row, it in enumerate(items):
            lps = []
            for p in it.positions:
                if p == 0:
                    lps.append(math.nan)
                    continue
                vec = logits[row, column[p - 1]].float().log_softmax(-1)
                lps.append(float(vec[it.ids[p]]))
            out.append(lps)
        return out


class MaskedLMScorer(_LMScorer):
    """Pseudo-log-likelihood from a masked LM: each span token masked in turn."""

    def _wrap(self, ids: list[int]) -> tuple[list[int], int]:
        tok = self.tokenizer
        cls = tok.cls_token_id if tok.cls_token_id is not None else tok.bos_token_id
        sep = tok.sep_token_id if tok.sep_token_id is not None else tok.eos_token_id
        front = [int(cls)] if cls is not None else []
        back = [int(sep)] if sep is not None else []
        return front + ids + back, len(front)

    def _rank_region(self, base: int, start: int, cand: str, length: int) -> tuple[int, int]:
        return start, start + len(cand)  # fill-mask over the candidate's own tokens

    def _logprobs(self, items: Sequence[_Item]) -> list[list[float]]:
        mask_id = self.tokenizer.mask_token_id
        if mask_id is None:
            from ..errors import ModelError

            raise ModelError(f"{self.name}: a masked LM needs a mask token in its tokenizer")
        rows, where = [], []
        for k, it in enumerate(items):
            for p in it.positions:
                masked = list(it.ids)
                masked[p] = mask_id
                rows.append(masked)
                where.append((k, p))
        out: list[list[float]] = [[] for _ in items]
        size = self.options.batch_size
        for a in range(0, len(rows), size):
            logits = self._forward(rows[a : a + size])
            for j, (k, p) in enumerate(where[a : a + size]):
                vec = logits[j, p].float().log_softmax(-1)  # only where the mask is
                out[k].append(float(vec[items[k].ids[p]]))
        return out
