"""config.yaml: where it is, what it says, and how rule levels resolve.

Lookup (interfaces spec): ``--config PATH``, else ``config.yaml`` in the current folder or the
nearest folder above, else the packaged defaults. Glossary globs are relative to the config
file's folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, Problem
from .matcher import ENGINES

if TYPE_CHECKING:
    from .yamlpos import Located

__all__ = ["Config", "LEVELS", "RuleLevels", "find_config", "load_config"]

LEVELS = ("fix", "warn", "off")
CONFIG_KEYS = ("glossaries", "rules", "options", "model", "exclude", "engine")
MODEL_KEYS = ("path", "threshold", "device", "allow_unsafe_pickle")
PACKAGE_ROOT = Path(__file__).resolve().parent
DEFAULT_CONFIG = PACKAGE_ROOT / "data" / "default-config.yaml"


@dataclass(frozen=True)
class Config:
    """A loaded configuration; ``root`` is the folder glossary globs are relative to."""

    root: Path
    path: Path | None = None
    glossaries: tuple[str, ...] = ("glossary/**/*.yaml",)
    rules: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    model: Mapping[str, Any] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    engine: str = "auto"

    def glossary_paths(self) -> list[Path]:
        """Glossary files named by the globs, sorted, without duplicates (schema files skipped)."""
        seen: dict[Path, None] = {}
        for pattern in self.glossaries:
            p = Path(pattern)
            if p.is_absolute():
                matches = sorted(Path(p.anchor).glob(str(p.relative_to(p.anchor))))
            else:
                matches = sorted(self.root.glob(pattern))
            if not matches and not any(ch in pattern for ch in "*?["):
                matches = [self.root / pattern]  # a plain missing path: let the loader say so
            for m in matches:
                if m.suffix in (".yaml", ".yml") or not m.exists():
                    seen.setdefault(m, None)
        return list(seen)


class RuleLevels:
    """Resolves a rule id to fix/warn/off: the longest configured id or ``/``-prefix wins.

    ``select`` keeps only the named rules or prefixes (everything else is off); ``ignore`` turns
    the named ones off. Both take precedence over ``rules``.
    """

    def __init__(
        self,
        rules: Mapping[str, str] | None = None,
        *,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] = (),
    ) -> None:
        self.rules = dict(rules or {})
        self.select = tuple(select) if select is not None else None
        self.ignore = tuple(ignore)
        self._cache: dict[tuple[str, str], str] = {}

    @staticmethod
    def _covers(prefix: str, rule: str) -> bool:
        return prefix in ("all", "*") or rule == prefix or rule.startswith(prefix.rstrip("/") + "/")

    def level(self, rule: str, default: str = "fix") -> str:
        key = (rule, default)
        if key not in self._cache:
            self._cache[key] = self._resolve(rule, default)
        return self._cache[key]

    def _resolve(self, rule: str, default: str) -> str:
        if any(self._covers(p, rule) for p in self.ignore):
            return "off"
        if self.select is not None and not any(self._covers(p, rule) for p in self.select):
            return "off"
        best = ""
        for prefix in self.rules:
            if self._covers(prefix, rule) and len(prefix) > len(best):
                best = prefix
        return self.rules[best] if best else default

    def enabled(self, rule: str, default: str = "fix") -> bool:
        return self.level(rule, default) != "off"

    def __getstate__(self) -> dict[str, Any]:
        return {"rules": self.rules, "select": self.select, "ignore": self.ignore}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["rules"], select=state["select"], ignore=state["ignore"])  # type: ignore[misc]


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``config.yaml`` at or above ``start`` (default: the current folder)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "config.yaml"
        if candidate.is_file():
            return candidate
    return None


def load_config(path: str | Path | None = None, *, start: Path | None = None) -> Config:
    """Load ``path``, else the nearest config.yaml, else the packaged defaults."""
    if path is None:
        found = find_config(start)
        if found is None:
            return _defaults()
        path = found
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(problems=[Problem(str(p), 0, 0, "config file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(problems=[Problem(str(p), 0, 0, f"cannot read config: {exc}")]) from None
    return _parse_cached(text, p)


def _parse_cached(text: str, path: Path) -> Config:
    """:func:`parse_config`, or its result from an earlier run on the same text and path (a
    warm run then needs no YAML parser). A bad config raises every time: errors are not cached."""
    from .cache import content_key, memo

    key = content_key("config", ("config.py", "yamlpos.py"), (str(path), text))
    return memo("config", key, lambda: parse_config(text, path), valid=_is_config)


def _is_config(value: object) -> bool:
    return isinstance(value, Config)


def _defaults() -> Config:
    # In a source checkout the shipped glossaries sit next to the package.
    return Config(root=PACKAGE_ROOT.parent, path=None)


def parse_config(text: str, path: Path) -> Config:
    import difflib

    from .yamlpos import Located, YamlFailure, parse_located

    problems: list[Problem] = []
    try:
        root = parse_located(text, str(path))
    except YamlFailure as exc:
        raise ConfigError(problems=[exc.problem]) from None
    if root is None:
        return Config(root=path.parent, path=path)
    if not isinstance(root.value, dict):
        raise ConfigError(
            problems=[Problem(str(path), root.line, root.column, "config must be a mapping")]
        )

    def bad(node: Located | tuple[int, int], msg: str) -> None:
        line, col = (node.line, node.column) if isinstance(node, Located) else node
        problems.append(Problem(str(path), line, col, msg))

    values: dict[str, Any] = {}
    for key, (pos, node) in root.value.items():
        if key not in CONFIG_KEYS:
            close = difflib.get_close_matches(key, CONFIG_KEYS, n=1)
            bad(pos, f"unknown key {key!r}" + (f"; did you mean {close[0]!r}?" if close else ""))
            continue
        values[key] = _plain(node)
    globs = values.get("glossaries", ["glossary/**/*.yaml"])
    if isinstance(globs, str):
        globs = [globs]
    if not isinstance(globs, list) or not all(isinstance(g, str) for g in globs):
        bad(root.value["glossaries"][1], "'glossaries' must be a list of paths or globs")
        globs = []
    rules = values.get("rules") or {}
    if not isinstance(rules, dict):
        bad(root.value["rules"][1], "'rules' must map rule ids to fix, warn or off")
        rules = {}
    for rid, (_pos, node) in root.value["rules"][1].value.items() if rules else []:
        if node.value is False:  # YAML 1.1 reads a bare `off` as false
            rules[rid] = "off"
        elif node.value not in LEVELS:
            bad(node, f"rule {rid!r}: level must be fix, warn or off, not {node.value!r}")
    engine = values.get("engine", "auto")
    if engine not in ENGINES:
        bad(
            root.value["engine"][1],
            f"'engine' must be one of {', '.join(ENGINES)}, not {engine!r}",
        )
    model = values.get("model") or {}
    if not isinstance(model, dict):
        bad(root.value["model"][1], "'model' must be a mapping with 'path'")
        model = {}
    if problems:
        raise ConfigError(problems=problems)
    return Config(
        root=path.parent,
        path=path,
        glossaries=tuple(globs),
        rules={str(k): str(v) for k, v in rules.items()},
        options=values.get("options") or {},
        model=model,
        exclude=tuple(values.get("exclude") or ()),
        engine=str(values.get("engine", "auto")),
    )


def _plain(node: Located) -> Any:
    if isinstance(node.value, dict):
        return {k: _plain(v) for k, (_, v) in node.value.items()}
    if isinstance(node.value, list):
        return [_plain(v) for v in node.value]
    return node.value
