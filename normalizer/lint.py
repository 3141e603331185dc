"""Run every glossary entry's examples through the engine (``mtnorm glossary lint``)."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import Problem
from .glossary_model import Glossary

__all__ = ["lint_examples"]


def lint_examples(glossaries: Sequence[Glossary]) -> list[Problem]:
    """One problem per example whose output differs from what the engine makes of its input.

    Examples run with every loaded glossary (leftmost-longest across glossaries is part of the
    behaviour an example pins down) and glossary rules only, so cleanup rules do not blur them.
    """
    from .engine import Normalizer

    n = Normalizer(list(glossaries), select=[g.name for g in glossaries])
    problems = []
    for g in glossaries:
        for entry in g.entries:
            for ex in entry.examples:
                got = n.fix(ex.input).text
                if got != ex.output:
                    loc = ex.location
                    problems.append(
                        Problem(
                            loc.path if loc else g.path,
                            loc.line if loc else 0,
                            loc.column if loc else 0,
                            f"example of {entry.rule_id} gives {got!r}, expected {ex.output!r} "
                            f"(input {ex.input!r})",
                        )
                    )
    return problems
