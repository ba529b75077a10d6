"""Shared local models for the slow tests: each loads once per test session.

The STT is judged on the local TTS's own rendering of known sentences (natural-sounding speech,
unlike espeak), at 16 kHz and down at the 8 kHz phone band.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from livekit import rtc

from aida.config import Settings


@pytest.fixture(scope="session")
def local_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # the real cache folder: joining the 1.1 GB model again per run would be wasted minutes
    return Settings(_env_file=None)


@pytest.fixture(scope="session")
def hibari(local_settings: Settings):  # type: ignore[no-untyped-def]
    from aida.local import build_tts
    from aida.local.tts import HibariTTS

    engine = build_tts(local_settings)
    assert isinstance(engine, HibariTTS)
    engine.load()
    return engine


@pytest.fixture(scope="session")
def whisper(local_settings: Settings):  # type: ignore[no-untyped-def]
    from aida.local import build_stt
    from aida.local.stt import WhisperSTT

    engine = build_stt(local_settings)
    assert isinstance(engine, WhisperSTT)
    engine.load()
    return engine


@pytest.fixture(scope="session")
def llama(local_settings: Settings) -> Iterator:  # type: ignore[type-arg]
    from aida.local import weights
    from aida.local.llm import LlamaLLM

    path = weights.resolve_gguf(local_settings.local_llm_model_path, local_settings.model_cache_dir)
    # a fixed seed keeps the sampled wording reproducible run to run
    engine = LlamaLLM(Path(path), seed=7)
    engine.load()
    yield engine


def resample(frame: rtc.AudioFrame, rate: int) -> list[rtc.AudioFrame]:
    resampler = rtc.AudioResampler(frame.sample_rate, rate, num_channels=1)
    return [*resampler.push(frame), *resampler.flush()]


_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_AMPM = re.compile(r"\b(\d+)\s*([ap])\.?\s*m\.?(?=\W|$)")


def normalize(text: str) -> list[str]:
    """Words for WER: case, punctuation and number formatting are not errors.

    "10:30" and "10.30", "2 PM" and "2pm", "4th" and "4", "415-555-0123" and "415 555 0123" all
    compare equal; digits are compared one by one, so a digit dropped from a phone number still
    counts as an error.
    """
    text = text.lower().replace("dr.", "doctor")
    text = _AMPM.sub(r"\1 \2m", text)
    text = _ORDINAL.sub(r"\1", text)
    text = re.sub(r"(\d)", r" \1 ", text)
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return text.split()


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance in words, reference length) after `normalize`."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[len(hyp)], len(ref)
