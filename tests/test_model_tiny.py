"""Tiny random-weight models built in the test session, loaded through ``load_scorer``.

No network and no downloaded weights: a SentencePiece vocabulary is trained in memory on the
seed article, a tiny Llama (causal) and a tiny BERT (masked) are saved with ``save_pretrained``,
and a tiny GGUF is written with the ``gguf`` package from the Llama's weights. Each is then
loaded the way users load models, and what the scorers compute is checked against direct
forward passes. Skipped when the ``[model]`` extra is absent.
"""

from __future__ import annotations

import io
import json
import math
import os
import pickle
from importlib import metadata
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
spm = pytest.importorskip("sentencepiece")
tokenizers = pytest.importorskip("tokenizers")

from normalizer.errors import ModelError  # noqa: E402
from normalizer.scoring import install  # noqa: E402
from normalizer.scoring.base import SpanInContext  # noqa: E402
from normalizer.scoring.loader import load_scorer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SPECIALS = ["<unk>", "<s>", "</s>", "<pad>", "<mask>"]
PREV = "Navalny returned to Russia in January."
SENT = "He was poisoned with a chemical war poison «Newbie» in Tomsk."


def _corpus() -> list[str]:
    text = (ROOT / "examples" / "navalny-mt.txt").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines + [PREV, SENT, "The newbie on the team made coffee for everyone."]


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory: pytest.TempPathFactory):
    """A fast tokenizer built from SentencePiece pieces and scores (not from a vocab file:
    transformers 5 ignores ``LlamaTokenizer(vocab_file=...)``)."""
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_corpus()),
        model_writer=buf,
        vocab_size=400,
        model_type="unigram",
        hard_vocab_limit=False,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=3,
        user_defined_symbols=["<mask>"],
        minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_proto=buf.getvalue())
    vocab = [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())]
    assert [p for p, _ in vocab[:5]] == SPECIALS
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    tok = Tokenizer(models.Unigram(vocab, unk_id=0))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="<unk>",
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        mask_token="<mask>",
        cls_token="<s>",
        sep_token="</s>",
    )
    fast.sp_vocab = vocab  # kept for the GGUF writer
    return fast


@pytest.fixture(scope="module")
def llama_dir(tmp_path_factory: pytest.TempPathFactory, tokenizer) -> Path:
    torch.manual_seed(0)
    cfg = transformers.LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=3,
    )
    model = transformers.LlamaForCausalLM(cfg)
    out = tmp_path_factory.mktemp("tiny-llama")
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def bert_dir(tmp_path_factory: pytest.TempPathFactory, tokenizer) -> Path:
    torch.manual_seed(1)
    cfg = transformers.BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=256,
        pad_token_id=3,
    )
    out = tmp_path_factory.mktemp("tiny-bert")
    transformers.BertForMaskedLM(cfg).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def _permute(w, n_head: int):
    # llama.cpp stores q/k rows interleaved for its rotary layout; transformers undoes it on load.
    return (
        w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:])
        .swapaxes(1, 2)
        .reshape(w.shape)
    )


@pytest.fixture(scope="module")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory, llama_dir: Path, tokenizer) -> Path:
    gguf = pytest.importorskip("gguf")
    model = transformers.LlamaForCausalLM.from_pretrained(llama_dir)
    cfg = model.config
    path = tmp_path_factory.mktemp("tiny-gguf") / "tiny-llama.gguf"
    w = gguf.GGUFWriter(path, arch="llama")
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_block_count(cfg.num_hidden_layers)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads)
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    w.add_rope_freq_base(float(cfg.rope_parameters["rope_theta"]))
    w.add_tokenizer_model("llama")
    pieces = tokenizer.sp_vocab
    w.add_token_list([p for p, _ in pieces])
    w.add_token_scores([s for _, s in pieces])
    w.add_token_types([2, 3, 3, 3, 4] + [1] * (len(pieces) - 5))
    w.add_unk_token_id(0)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_pad_token_id(3)
    sd = {k: v.detach().float().numpy() for k, v in model.state_dict().items()}
    w.add_tensor("token_embd.weight", sd["model.embed_tokens.weight"])
    w.add_tensor("output_norm.weight", sd["model.norm.weight"])
    w.add_tensor("output.weight", sd["lm_head.weight"])
    names = {
        "input_layernorm": "attn_norm",
        "post_attention_layernorm": "ffn_norm",
        "self_attn.v_proj": "attn_v",
        "self_attn.o_proj": "attn_output",
        "mlp.gate_proj": "ffn_gate",
        "mlp.up_proj": "ffn_up",
        "mlp.down_proj": "ffn_down",
    }
    for i in range(cfg.num_hidden_layers):
        hf = f"model.layers.{i}."
        for src, dst in names.items():
            w.add_tensor(f"blk.{i}.{dst}.weight", sd[hf + src + ".weight"])
        w.add_tensor(f"blk.{i}.attn_q.weight", _permute(sd[hf + "self_attn.q_proj.weight"], 4))
        w.add_tensor(f"blk.{i}.attn_k.weight", _permute(sd[hf + "self_attn.k_proj.weight"], 2))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def _span(sentence: str, word: str, previous: str = PREV) -> SpanInContext:
    i = sentence.index(word)
    return SpanInContext(sentence, i, i + len(word), previous)


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MTNORM_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _fp32(path: Path | str, **kw) -> object:
    return load_scorer({"path": str(path), "dtype": "float32", **kw})


# -- causal LM ---------------------------------------------------------------------------------


def _loglik(model, ids: list[int]) -> float:
    """log P(ids[1:] | ids[0]) by a direct forward pass."""
    with torch.no_grad():
        logp = model(torch.tensor([ids])).logits.float().log_softmax(-1)[0]
    return float(sum(logp[i - 1, ids[i]] for i in range(1, len(ids))))


def test_causal_surprisal_matches_a_direct_forward_pass(llama_dir: Path, tokenizer) -> None:
    scorer = _fp32(llama_dir)
    assert type(scorer).__name__ == "CausalLMScorer"
    span = _span(SENT, "chemical war")
    words = scorer.explain([span])[0]
    assert [w.word for w in words] == ["chemical", "war"]
    # The span's surprisal is log P(text up to the span) - log P(text through the span).
    model = transformers.LlamaForCausalLM.from_pretrained(llama_dir).eval()
    text = PREV + " " + SENT
    end = len(PREV) + 1 + span.end
    start = len(PREV) + 1 + span.start - 1  # without the space that "▁chemical" carries

    def ids(s: str) -> list[int]:
        return [1] + tokenizer(s, add_special_tokens=False)["input_ids"]

    direct = _loglik(model, ids(text[:start])) - _loglik(model, ids(text[:end]))
    assert sum(w.surprisal for w in words) == pytest.approx(direct, abs=1e-3)


def test_causal_scores_are_bounded_deterministic_and_batch_independent(llama_dir: Path) -> None:
    spans = [_span(SENT, "Newbie"), _span(SENT, "Tomsk", ""), _span(SENT, "«")]
    batched = _fp32(llama_dir, batch_size=8).artifact_scores(spans)
    single = _fp32(llama_dir, batch_size=1).artifact_scores(spans)
    assert all(0.0 <= s <= 1.0 for s in batched)
    assert batched == pytest.approx(single, abs=1e-4)
    assert batched[2] == 0.5  # punctuation only: no words, no opinion


def test_causal_ranking_is_a_distribution_following_the_likelihood(llama_dir: Path) -> None:
    scorer = _fp32(llama_dir)
    span = _span(SENT, "Newbie")
    cands = ["Newbie", "Novichok", "newbie team"]
    scores = scorer.rank_candidates(span, cands)
    assert sum(scores) == pytest.approx(1.0)
    assert scorer.rank_candidates(span, []) == []
    # Order must follow the sentence log-likelihood minus the candidate's unigram log-prob.
    from normalizer.scoring.transformer import _phrase_logprob

    items = []
    for c in cands:
        s = SENT[: span.start] + c + SENT[span.end :]
        text, base = scorer._join(PREV, s)
        items.append(scorer._item(text, base + span.start, len(text)))
    raw = [sum(x) - _phrase_logprob(c) for x, c in zip(scorer._batched(items), cands, strict=True)]
    assert math.log(scores[0] / scores[1]) == pytest.approx(raw[0] - raw[1], abs=1e-3)


def test_long_context_is_truncated_not_crashing(llama_dir: Path) -> None:
    scorer = _fp32(llama_dir, max_length=16)
    long_prev = " ".join(_corpus()[:5])
    (score,) = scorer.artifact_scores([_span(SENT, "Newbie", long_prev)])
    assert 0.0 <= score <= 1.0


def test_scorer_pickles_as_its_options(llama_dir: Path) -> None:
    scorer = _fp32(llama_dir)
    clone = pickle.loads(pickle.dumps(scorer))
    span = _span(SENT, "Newbie")
    assert clone.artifact_scores([span]) == pytest.approx(scorer.artifact_scores([span]))
    assert len(pickle.dumps(scorer)) < 2000  # options travel, not weights


def test_bf16_where_supported_still_scores(llama_dir: Path) -> None:
    scorer = load_scorer({"path": str(llama_dir), "dtype": "bfloat16"})
    assert scorer.model.dtype == torch.bfloat16
    (score,) = scorer.artifact_scores([_span(SENT, "Newbie")])
    assert 0.0 <= score <= 1.0


def test_one_torch_thread_by_default(llama_dir: Path) -> None:
    before = torch.get_num_threads()
    try:
        load_scorer(str(llama_dir))
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


# -- masked LM ---------------------------------------------------------------------------------


def test_masked_fill_mask_ranking_matches_a_direct_forward_pass(bert_dir: Path, tokenizer) -> None:
    scorer = _fp32(bert_dir)
    assert type(scorer).__name__ == "MaskedLMScorer"
    # Two candidates that are one token each: their scores' ratio is the fill-mask ratio.
    one = [t for t in ("▁the", "▁of", "▁and", "▁in") if t in tokenizer.get_vocab()][:2]
    assert len(one) == 2
    cands = [t.lstrip("▁") for t in one]
    span = _span(SENT, "«Newbie»")  # without the quotes, "the" would follow "«" and lose its "▁"
    scores = scorer.rank_candidates(span, cands)
    assert sum(scores) == pytest.approx(1.0)
    # Fill-mask by hand: the candidate's token slot masked, both tokens' log-probs read there.
    model = transformers.BertForMaskedLM.from_pretrained(bert_dir).eval()
    text = PREV + " " + SENT[: span.start] + cands[0] + SENT[span.end :]
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    at = len(PREV) + 1 + span.start
    (slot,) = [
        i for i, (s, e) in enumerate(enc["offset_mapping"]) if s < at + len(cands[0]) and e > at
    ]
    ids = [1] + enc["input_ids"] + [2]
    ids[slot + 1] = tokenizer.mask_token_id
    with torch.no_grad():
        logp = model(torch.tensor([ids])).logits[0, slot + 1].log_softmax(-1)
    vocab = tokenizer.get_vocab()
    from normalizer.scoring.transformer import _phrase_logprob

    want = [float(logp[vocab[t]]) - _phrase_logprob(c) for t, c in zip(one, cands, strict=True)]
    assert math.log(scores[0] / scores[1]) == pytest.approx(want[0] - want[1], abs=1e-3)


def test_masked_pll_scores(bert_dir: Path) -> None:
    scorer = _fp32(bert_dir)
    spans = [_span(SENT, "Newbie"), _span(SENT, "chemical war poison")]
    words = scorer.explain(spans)
    assert [w.word for w in words[1]] == ["chemical", "war", "poison"]
    assert all(w.surprisal > 0 for ws in words for w in ws)
    scores = scorer.artifact_scores(spans)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == pytest.approx(_fp32(bert_dir, batch_size=1).artifact_scores(spans), abs=1e-4)


# -- safety ------------------------------------------------------------------------------------


class _Payload:
    """Unpickling this creates a marker folder: proof that a pickle was executed."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def test_planted_pickle_beside_safetensors_is_never_executed(
    tmp_path: Path, llama_dir: Path
) -> None:
    import shutil

    model_dir = tmp_path / "model"
    shutil.copytree(llama_dir, model_dir)
    marker = tmp_path / "pwned"
    for name in ("pytorch_model.bin", "training_args.bin"):
        (model_dir / name).write_bytes(pickle.dumps(_Payload(marker)))
    scorer = load_scorer(str(model_dir))
    assert scorer is not None
    assert not marker.exists()


def test_pickle_only_directory_is_refused_without_the_unsafe_flag(
    tmp_path: Path, llama_dir: Path
) -> None:
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "config.json").write_text((llama_dir / "config.json").read_text())
    marker = tmp_path / "pwned"
    (model_dir / "pytorch_model.bin").write_bytes(pickle.dumps(_Payload(marker)))
    with pytest.raises(ModelError, match="refusing pickled weights"):
        load_scorer(str(model_dir))
    assert not marker.exists()


# -- GGUF and the default model ----------------------------------------------------------------


def test_gguf_converts_once_into_a_safetensors_cache(
    tiny_gguf: Path, llama_dir: Path, _cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scorer = _fp32(tiny_gguf)
    assert type(scorer).__name__ == "CausalLMScorer"
    (converted,) = (_cache / "models").iterdir()
    assert (converted / "model.safetensors").is_file()
    assert "quantization_config" not in json.loads((converted / "config.json").read_text())
    # The converted weights are the Llama's (stored in bf16).
    ref = transformers.LlamaForCausalLM.from_pretrained(llama_dir).eval()
    ids = torch.tensor([[1, 50, 60, 70, 80, 90]])
    with torch.no_grad():
        a, b = ref(ids).logits, scorer.model(ids).logits
    assert torch.allclose(a, b, atol=0.05)
    # A second load reads the cache and never touches the GGUF loader.
    import normalizer.scoring.loader as loader

    monkeypatch.setattr(loader, "load_gguf_model", _fail)
    assert _fp32(tiny_gguf).artifact_scores([_span(SENT, "Newbie")])[0] >= 0.0


def _fail(*args, **kwargs):
    raise AssertionError("the GGUF was converted again")


def test_default_model_is_found_through_package_metadata(
    tiny_gguf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``default`` locates the GGUF in an installed distribution's file list, not by import."""
    site = tmp_path / "site"
    pkg = site / "tiny_carrier"
    pkg.mkdir(parents=True)
    (pkg / "tiny.gguf").write_bytes(tiny_gguf.read_bytes())
    (pkg / "__init__.py").write_text("raise RuntimeError('the carrier must not be imported')\n")
    info = site / "tiny_carrier-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tiny-carrier\nVersion: 1.0\n")
    (info / "RECORD").write_text("tiny_carrier/__init__.py,,\ntiny_carrier/tiny.gguf,,\n")
    monkeypatch.syspath_prepend(str(site))
    fake = install.ModelInfo("smollm2", "tiny-carrier", "tiny", "MIT", "")
    monkeypatch.setitem(install.MODELS, "smollm2", fake)
    assert metadata.version("tiny-carrier") == "1.0"
    scorer = load_scorer({"path": "default", "dtype": "float32"})
    assert 0.0 <= scorer.artifact_scores([_span(SENT, "Newbie")])[0] <= 1.0
    assert install.model_info("default")["converted"] is not None
