"""Glossary regex patterns: compiled with the `regex` module, checked and run under a time bound.

A pattern that backtracks catastrophically would hang a batch run on one unlucky line, so a
pattern is refused at load when it fails to finish quickly on adversarial probes built from its
own characters, and every search at run time carries a timeout as well.
"""

from __future__ import annotations

import functools

import regex

from . import rxcache

__all__ = ["PROBE_TIMEOUT", "SEARCH_TIMEOUT", "check_pattern", "compile_pattern"]

FLAGS = regex.IGNORECASE | regex.V0
PROBE_TIMEOUT = 0.05  # seconds per probe at load
SEARCH_TIMEOUT = 2.0  # seconds per text at run time


@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> regex.Pattern[str]:
    return rxcache.compile(pattern, FLAGS)  # the CLI keeps compiled patterns between runs


def _probes(pattern: str) -> list[str]:
    letters = sorted({ch for ch in pattern if ch.isalnum()} | {"a"})
    probes = []
    for ch in letters[:8]:
        probes.append(ch * 3000 + "!")
        probes.append((ch + " ") * 1500 + "!")
    probes.append("".join(letters) * 300 + "!")
    probes.append(" " * 3000 + "!")
    return probes


def check_pattern(pattern: str) -> str | None:
    """Return why ``pattern`` is unusable (does not compile, matches empty, backtracks), or None."""
    try:
        compiled = compile_pattern(pattern)
    except regex.error as exc:
        return f"does not compile: {exc}; fix the regular expression"
    if compiled.match("") is not None:
        return "matches the empty string; make it match at least one character"
    for probe in _probes(pattern):
        try:
            compiled.search(probe, timeout=PROBE_TIMEOUT)
        except TimeoutError:
            return (
                "can backtrack catastrophically (nested repetition?); rewrite it without "
                "nested quantifiers such as (a+)+"
            )
    return None
