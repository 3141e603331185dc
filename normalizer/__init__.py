"""mtnorm: a translation-quality and glossary normalizer for machine-translated text.

>>> from normalizer import Normalizer
>>> n = Normalizer.from_config("config.yaml")          # doctest: +SKIP
>>> n.normalize("poisoned with «Newbie»").text          # doctest: +SKIP
'poisoned with Novichok'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .edits import Candidate, Edit, Report, Safety, Suggestion, apply_edits
from .errors import ConfigError, GlossaryError, InputError, ModelError, MtnormError, Problem

__all__ = [
    "Candidate",
    "ConfigError",
    "Edit",
    "GlossaryError",
    "InputError",
    "ModelError",
    "MtnormError",
    "Normalizer",
    "Problem",
    "Report",
    "Safety",
    "Suggestion",
    "apply_edits",
    "__version__",
]

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .engine import Normalizer


def __getattr__(name: str) -> Any:
    # The engine pulls in the matcher and rules; import it on first use so `import normalizer`
    # stays cheap for tools that only want the value types.
    if name == "Normalizer":
        from .engine import Normalizer

        return Normalizer
    raise AttributeError(f"module 'normalizer' has no attribute {name!r}")
