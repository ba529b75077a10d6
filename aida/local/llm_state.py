"""Aida's evaluated instructions on disk: a llama.cpp context state saved once per host.

Evaluating the 1,660-token system prompt and tool block takes 30-50 s on 2 cores; restoring its
saved state takes well under a second. `aida models prepare` evaluates it and saves it here; a
worker that finds a state for exactly the same head, model file, context size and llama.cpp
build loads it instead of evaluating. Anything else (a changed clinic setting that changes the
prompt, another model, a damaged file) is not found or fails to load, and the head is evaluated
and saved again: the file is a cache, never a source of truth.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from llama_cpp import Llama, LlamaState

logger = logging.getLogger("aida.local.llm")

_VERSION = 1


def state_key(model_path: Path, n_ctx: int, head: str) -> str:
    """What a saved state is valid for: the head's text, the model file (name and size), the
    context size and the llama.cpp build."""
    import llama_cpp

    stat = model_path.stat()
    parts = [
        str(_VERSION),
        llama_cpp.__version__,
        model_path.name,
        str(stat.st_size),
        str(n_ctx),
        hashlib.sha256(head.encode("utf-8")).hexdigest(),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def state_path(state_dir: Path, key: str) -> Path:
    return Path(state_dir).expanduser() / f"prompt-{key[:24]}.llamastate.npz"


def save(llama: Llama, path: Path, key: str) -> None:
    """Write the context's state (its KV cache up to `n_tokens`) atomically; never raises."""
    try:
        state = llama.save_state()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
        meta = json.dumps({"key": key, "n_tokens": int(state.n_tokens), "seed": int(state.seed)})
        with tmp.open("wb") as f:
            np.savez(
                f,
                meta=np.array(meta),
                input_ids=np.asarray(state.input_ids, dtype=np.intc),
                llama_state=np.frombuffer(state.llama_state, dtype=np.uint8),
            )
        os.replace(tmp, path)
        logger.info("saved the evaluated instructions (%d tokens) to %s", state.n_tokens, path)
    except Exception as exc:  # a read-only cache only costs the next start its evaluation
        logger.warning("could not save the evaluated instructions: %s", exc)


def load(llama: Llama, path: Path, key: str) -> LlamaState | None:
    """Restore a saved state into `llama` and return it (to keep as the in-memory snapshot:
    its logits are one row, not the context's hundreds of megabytes); None when there is none
    that fits (the caller then evaluates the head)."""
    if not path.is_file():
        return None
    from llama_cpp import LlamaState

    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("key") != key:
                return None
            input_ids = np.array(data["input_ids"], dtype=np.intc)
            blob = data["llama_state"].tobytes()
        if input_ids.shape[0] != llama.n_ctx():
            return None
        state = LlamaState(
            input_ids=input_ids,
            # logits of the head are never sampled from: every request evaluates its own
            # words after the head before it samples
            scores=np.zeros((1, llama.n_vocab()), dtype=np.single),
            n_tokens=int(meta["n_tokens"]),
            llama_state=blob,
            llama_state_size=len(blob),
            seed=int(meta["seed"]),
        )
        llama.load_state(state)
    except Exception as exc:
        logger.warning("saved instructions state %s unusable (%s); evaluating", path.name, exc)
        llama.reset()
        return None
    return state
