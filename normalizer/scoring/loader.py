"""Load an optional transformer scorer from local files, safely.

``load_scorer`` is the one entry point: the ``model:`` section of ``config.yaml`` (or ``--model``)
goes in, a :class:`~normalizer.scoring.base.Scorer` (or None) comes out. What it accepts:

- ``None`` / ``{"path": None}``: no model;
- ``"default"`` or a registered name (``"smollm2"``, ``"gemma3-270m"``): an installed model
  (``mtnorm model install``), converted once into a cached safetensors directory;
- a local Hugging Face model directory: causal LM or masked LM, detected from ``config.json``;
- a local ``.gguf`` file: converted once into the cache, like the default model.

Safety rules, none of them optional: local files only (``local_files_only=True`` and
``HF_HUB_OFFLINE=1`` while loading), ``trust_remote_code=False``, safetensors only for plain
directories: pickled weights (``pytorch_model.bin``...) are refused unless the caller passes
``allow_unsafe_pickle=True``. torch and transformers are imported here, lazily, never at import.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from ..errors import ConfigError, ModelError
from .base import Scorer

__all__ = [
    "ModelOptions",
    "import_extra",
    "load_gguf_model",
    "load_scorer",
    "offline",
    "parse_model_config",
]

INSTALL_HINT = "pip install 'mtnorm[model]' (install torch first: pip install torch)"
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")
MASKED_TYPES = frozenset(
    {"bert", "roberta", "xlm-roberta", "albert", "distilbert", "electra", "deberta", "deberta-v2",
     "camembert", "mpnet", "modernbert", "megatron-bert", "xlm", "flaubert", "rembert"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ModelOptions:
    """The ``model:`` section of ``config.yaml``, checked."""

    path: str | None = None
    kind: str = "auto"  # auto | causal | masked
    dtype: str = "auto"  # auto (bf16 where the CPU has native bf16, else fp32) | bfloat16 | float32
    threads: int = 1  # two threads measured 7x slower than one on a 2-core machine
    batch_size: int = 16
    max_length: int = 256  # tokens of context + sentence; older context is dropped
    allow_unsafe_pickle: bool = False


def parse_model_config(
    model_cfg: Mapping[str, Any] | str | os.PathLike[str] | None, *, base_dir: Path | None = None
) -> ModelOptions | None:
    """Check ``model_cfg`` and return options, or None when no model is configured.

    A relative path is taken relative to ``base_dir`` (the config file's folder) when given.
    """
    if model_cfg is None:
        return None
    if isinstance(model_cfg, str | os.PathLike):
        model_cfg = {"path": os.fspath(model_cfg)}
    if not isinstance(model_cfg, Mapping):
        raise ConfigError(f"model: expected a mapping or a path, got {type(model_cfg).__name__}")
    names = [f.name for f in fields(ModelOptions)]
    for key in model_cfg:
        if key not in names:
            near = difflib.get_close_matches(str(key), names, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f"; known keys: {', '.join(names)}"
            raise ConfigError(f"model: unknown key {key!r}{hint}")
    opts = ModelOptions(**dict(model_cfg))
    _check_options(opts)
    if opts.path is None or str(opts.path).strip() == "":
        return None
    path = str(opts.path)
    if base_dir is not None and not _is_named(path) and not Path(path).expanduser().is_absolute():
        path = str(base_dir / path)
    return replace(opts, path=path)


def _check_options(opts: ModelOptions) -> None:
    if opts.kind not in ("auto", "causal", "masked"):
        raise ConfigError(f"model.kind: {opts.kind!r} is not one of auto, causal, masked")
    if opts.dtype not in ("auto", "bfloat16", "float32"):
        raise ConfigError(f"model.dtype: {opts.dtype!r} is not one of auto, bfloat16, float32")
    for name in ("threads", "batch_size", "max_length"):
        value = getattr(opts, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"model.{name}: expected a positive whole number, got {value!r}")
    if not isinstance(opts.allow_unsafe_pickle, bool):
        raise ConfigError("model.allow_unsafe_pickle: expected true or false")


def _is_named(path: str) -> bool:
    from .install import MODELS

    return path == "default" or path in MODELS


def load_scorer(
    model_cfg: Mapping[str, Any] | str | os.PathLike[str] | None,
    *,
    base_dir: Path | None = None,
    allow_unsafe_pickle: bool = False,
) -> Scorer | None:
    """Build the scorer ``model_cfg`` describes, or return None when it describes no model.

    Raises ``ModelError`` for a missing extra (with the install hint), a missing or unsafe
    model, and ``ConfigError`` for bad option values.
    """
    opts = parse_model_config(model_cfg, base_dir=base_dir)
    if opts is None:
        return None
    if allow_unsafe_pickle:
        opts = replace(opts, allow_unsafe_pickle=True)
    return _build(opts)


def _build(opts: ModelOptions) -> Scorer:
    """Resolve, load and wrap a model; also how a pickled scorer is rebuilt in a worker."""
    assert opts.path is not None
    directory = _resolve(opts.path)
    kind = _detect_kind(directory, opts)
    torch, _ = import_extra()
    torch.set_num_threads(opts.threads)
    dtype = _pick_dtype(torch, opts.dtype)
    model, tokenizer = _load_dir(directory, kind, dtype, opts.allow_unsafe_pickle)
    from .transformer import CausalLMScorer, MaskedLMScorer

    cls = CausalLMScorer if kind == "causal" else MaskedLMScorer
    return cls(model=model, tokenizer=tokenizer, options=opts, name=f"{kind}:{directory.name}")


def rebuild(options: dict[str, Any]) -> Scorer:
    """Unpickling hook: a scorer travels to worker processes as its options and reloads there."""
    return _build(ModelOptions(**options))


def options_state(opts: ModelOptions) -> dict[str, Any]:
    return asdict(opts)


def _resolve(path: str) -> Path:
    """The local directory to load: named models and GGUF files go through the cache."""
    from . import install

    if _is_named(path):
        gguf = install.find_gguf(install.model_spec(path))
        return install.convert_gguf(gguf)
    p = Path(path).expanduser()
    if not p.exists():
        raise ModelError(
            f"{path}: no such model file or directory (models load from local files only; "
            "for the default model run: mtnorm model install)"
        )
    if p.is_file():
        if p.suffix.lower() != ".gguf":
            raise ModelError(f"{path}: a model file must be .gguf; otherwise give its directory")
        return install.convert_gguf(p.resolve())
    return p.resolve()


def _read_config(directory: Path) -> dict[str, Any]:
    cfg_path = directory / "config.json"
    if not cfg_path.is_file():
        raise ModelError(f"{directory}: not a Hugging Face model directory (no config.json)")
    try:
        data = json.loads(cfg_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{cfg_path}: cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise ModelError(f"{cfg_path}: expected a JSON object")
    return data


def _detect_kind(directory: Path, opts: ModelOptions) -> str:
    """``causal`` or ``masked``, from ``config.json``; also refuses remote code and pickles."""
    cfg = _read_config(directory)
    if cfg.get("auto_map"):
        raise ModelError(
            f"{directory}: the model needs its own Python code (auto_map in config.json); "
            "mtnorm never runs code shipped with a model (trust_remote_code=False)"
        )
    _check_weights(directory, opts.allow_unsafe_pickle)
    if opts.kind != "auto":
        return opts.kind
    archs = [str(a) for a in cfg.get("architectures") or ()]
    if any(a.endswith("ForMaskedLM") for a in archs):
        return "masked"
    if any(a.endswith(("ForCausalLM", "LMHeadModel", "ForConditionalGeneration")) for a in archs):
        return "causal"
    return "masked" if cfg.get("model_type") in MASKED_TYPES else "causal"


def _check_weights(directory: Path, allow_unsafe_pickle: bool) -> None:
    if any(directory.glob("*.safetensors")):
        return
    pickles = sorted(p.name for p in directory.iterdir() if p.suffix.lower() in PICKLE_SUFFIXES)
    if pickles and not allow_unsafe_pickle:
        raise ModelError(
            f"{directory}: refusing pickled weights ({', '.join(pickles)}): "
            "loading a pickle can run arbitrary code. Convert the model to safetensors, "
            "or pass allow_unsafe_pickle=True "
            "(model.allow_unsafe_pickle: true) if you trust its source"
        )
    if not pickles:
        raise ModelError(f"{directory}: no model weights (*.safetensors) found")


def import_extra() -> tuple[Any, Any]:
    """Import torch and transformers, or raise ``ModelError`` with the install hint."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise ModelError(f"the model extra is not installed ({exc.name}): {INSTALL_HINT}") from None
    return torch, transformers


def _pick_dtype(torch: Any, requested: str) -> Any:
    if requested == "float32":
        return torch.float32
    if requested == "bfloat16":
        return torch.bfloat16
    try:  # native bf16 (AVX512-BF16 / AMX) makes bf16 pay off; emulated bf16 is slower than fp32
        native = bool(torch.cpu._is_avx512_bf16_supported())
    except Exception:  # private API: absent on other builds or platforms
        native = False
    return torch.bfloat16 if native else torch.float32


@contextlib.contextmanager
def offline() -> Iterator[None]:
    """Forbid network access and silence progress bars while transformers loads a model."""
    keys = {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "TQDM_DISABLE": "1",  # the GGUF de-quantizer uses a bare tqdm
    }
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update(keys)
    try:
        _, transformers = import_extra()
        logging = transformers.utils.logging
        bar, verbosity = logging.is_progress_bar_enabled(), logging.get_verbosity()
        logging.disable_progress_bar()  # core code never prints
        logging.set_verbosity_error()
        try:
            yield
        finally:
            logging.set_verbosity(verbosity)
            if bar:
                logging.enable_progress_bar()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


_SAFE = {"local_files_only": True, "trust_remote_code": False}


def _load_dir(directory: Path, kind: str, dtype: Any, allow_pickle: bool) -> tuple[Any, Any]:
    with offline():
        import transformers as tf

        auto = tf.AutoModelForCausalLM if kind == "causal" else tf.AutoModelForMaskedLM
        try:
            tokenizer = tf.AutoTokenizer.from_pretrained(directory, **_SAFE)
            model = auto.from_pretrained(
                # None lets transformers fall back to the pickle only when the user allowed it
                directory,
                dtype=dtype,
                use_safetensors=None if allow_pickle else True,
                **_SAFE,
            )
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{directory}: cannot load the {kind} model: {exc}") from None
    model.eval()
    if not getattr(tokenizer, "is_fast", False):
        raise ModelError(f"{directory}: needs a fast tokenizer (tokenizer.json) for span offsets")
    return model, tokenizer


@contextlib.contextmanager
def _gguf_progress(progress: Callable[[str], None] | None) -> Iterator[None]:
    """Send the de-quantizer's tensor count to ``progress`` instead of its own tqdm bar.

    transformers draws that bar with a bare ``tqdm`` which no setting turns off once imported
    (``TQDM_DISABLE`` is read at import time); core code must not write to the terminal.
    """
    import transformers.modeling_gguf_pytorch_utils as mod

    original = getattr(mod, "tqdm", None)

    def counted(iterable: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        total = len(iterable) if hasattr(iterable, "__len__") else None
        for i, item in enumerate(iterable, 1):
            if progress is not None and (i % 16 == 0 or i == total):
                progress(f"de-quantizing tensors {i}/{total or '?'}")
            yield item

    if original is not None:
        mod.tqdm = counted
    try:
        yield
    finally:
        if original is not None:
            mod.tqdm = original


def load_gguf_model(gguf: Path, progress: Callable[[str], None] | None = None) -> tuple[Any, Any]:
    """Load a GGUF causal LM and its tokenizer with transformers, de-quantized to fp32."""
    torch, _ = import_extra()
    try:
        import accelerate  # noqa: F401
        import gguf as _gguf  # noqa: F401  transformers needs it to read the file
    except ImportError as exc:
        raise ModelError(f"GGUF models need {exc.name}: {INSTALL_HINT}") from None
    with offline(), _gguf_progress(progress):
        import transformers as tf

        kw = {"gguf_file": gguf.name, **_SAFE}
        try:
            tokenizer = tf.AutoTokenizer.from_pretrained(gguf.parent, **kw)
            model = tf.AutoModelForCausalLM.from_pretrained(gguf.parent, dtype=torch.float32, **kw)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ModelError(f"{gguf}: cannot load this GGUF model: {exc}") from None
    return model, tokenizer
