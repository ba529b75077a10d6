"""Turn handling: the bundled end-of-turn model when it loads (offline, from the installed native
library), VAD endpointing with one warning when it does not, and `run_call`'s session built with
whichever it is."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import numpy as np
import pytest
from livekit import rtc
from livekit.agents import inference
from livekit.agents.testing import fake_job_context
from livekit.plugins import silero

from aida.agent import turns
from aida.agent.providers import Providers
from aida.agent.session import run_call
from aida.agent.turns import DETECTOR_ENDPOINTING, VAD_ENDPOINTING, turn_handling
from aida.config import Settings
from aida.store.protocol import Store
from tests.agent.test_entrypoint import mock_room
from tests.scripted_llm import ScriptedLLM, say


@pytest.fixture(scope="module")
def vad() -> Any:
    return silero.VAD.load()


def warnings_from_turns(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "aida.turns" and r.levelno == logging.WARNING]


def fail(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("weights missing\nsecond line of detail")


async def test_the_bundled_detector_loads_and_predicts_offline(
    settings: Settings, vad: Any, caplog: pytest.LogCaptureFixture
) -> None:
    options = turn_handling(settings, vad)
    detector = options["turn_detection"]
    assert isinstance(detector, inference.TurnDetector)
    assert detector.model == "turn-detector-v1-mini"  # local, never the cloud v1
    assert options["endpointing"] == DETECTOR_ENDPOINTING
    assert options["interruption"] == {"mode": "vad"}
    assert turns.describe(options) == "turn-detector-v1-mini (local)"
    assert not warnings_from_turns(caplog)

    # A real prediction on 1 s of a voiced tone then 0.2 s of silence, through the stream a
    # session opens: the local model answers (it reports its inference time; the library's
    # stand-in answer when a model fails has none).
    rate = 16000
    t = np.arange(rate) / rate
    voiced = (0.3 * np.sin(2 * np.pi * 180 * t) * 32767).astype(np.int16)
    pcm = np.concatenate([voiced, np.zeros(rate // 5, np.int16)])
    stream = detector.stream()
    try:
        for start in range(0, len(pcm), 160):
            chunk = pcm[start : start + 160]
            stream.push_audio(rtc.AudioFrame(chunk.tobytes(), rate, 1, len(chunk)))
        await asyncio.sleep(0.05)  # the stream hands the frames to the model's buffer
        event = await stream.predict()
    finally:
        await stream.aclose()
    assert 0.0 <= event.end_of_turn_probability <= 1.0
    assert event.inference_duration is not None and event.inference_duration > 0


def test_a_detector_that_cannot_be_built_means_vad_endpointing_and_one_warning(
    settings: Settings,
    vad: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(inference, "TurnDetector", fail)
    options = turn_handling(settings, vad)
    assert options["turn_detection"] == "vad"
    assert options["endpointing"] == VAD_ENDPOINTING
    assert options["interruption"] == {"mode": "vad"}
    (warning,) = warnings_from_turns(caplog)
    assert warning.getMessage() == (
        "turn detector unavailable (RuntimeError: weights missing); ending turns on VAD silence"
    )
    assert warning.exc_info is None  # one line, no traceback


def test_weights_that_cannot_load_mean_vad_endpointing(
    settings: Settings,
    vad: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import livekit.local_inference as local_inference

    monkeypatch.setattr(local_inference, "init_eot", fail)
    assert turn_handling(settings, vad)["turn_detection"] == "vad"
    assert len(warnings_from_turns(caplog)) == 1


def test_a_vad_too_quick_for_the_detector_means_vad_endpointing(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # AgentSession.start would raise with the detector and a VAD ending speech under 0.25 s
    quick = silero.VAD.load(min_silence_duration=0.2)
    options = turn_handling(settings, quick)
    assert options["turn_detection"] == "vad"
    assert options["endpointing"] == VAD_ENDPOINTING
    (warning,) = warnings_from_turns(caplog)
    assert "0.20 s is under the 0.25 s" in warning.getMessage()


def test_turn_detection_vad_setting_skips_the_detector(
    settings: Settings, vad: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(turns, "load_turn_detector", fail)  # would warn if it were tried
    options = turn_handling(settings.model_copy(update={"turn_detection": "vad"}), vad)
    assert options["turn_detection"] == "vad"
    assert options["endpointing"] == VAD_ENDPOINTING
    assert not warnings_from_turns(caplog)


def test_the_setting_reads_turn_detection_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TURN_DETECTION", "vad")
    assert Settings(_env_file=None).turn_detection == "vad"  # type: ignore[call-arg]
    monkeypatch.setenv("TURN_DETECTION", "sometimes")
    with pytest.raises(ValueError):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_no_vad_leaves_the_choice_to_the_library(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # text-only sessions: a detector without a VAD is dropped by the session with a warning
    monkeypatch.setattr(turns, "load_turn_detector", fail)
    options = turn_handling(settings, None)
    assert options["turn_detection"] is None
    assert "endpointing" not in options


async def start_with_vad(settings: Settings, store: Store, clock: Any, vad: Any) -> Any:
    with fake_job_context(room=mock_room()) as job:
        live = await run_call(
            job,
            settings=settings,
            store=store,
            clock=clock,
            providers=Providers(llm=ScriptedLLM([say("Hello!")]), vad=vad),
        )
    return live


async def test_run_call_builds_its_session_with_the_detector(
    settings: Settings, store: Store, clock: Any, vad: Any
) -> None:
    live = await start_with_vad(settings, store, clock, vad)
    try:
        assert isinstance(live.session.turn_detection, inference.TurnDetector)
        assert live.session.turn_detection.model == "turn-detector-v1-mini"
        endpointing = live.session.options.endpointing
        assert endpointing["min_delay"] == DETECTOR_ENDPOINTING["min_delay"]
        assert endpointing["max_delay"] == DETECTOR_ENDPOINTING["max_delay"]
        assert live.session.options.interruption["mode"] == "vad"
    finally:
        await live.session.aclose()
        await live.aclose()


async def test_run_call_falls_back_to_vad_endpointing(
    settings: Settings,
    store: Store,
    clock: Any,
    vad: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import livekit.local_inference as local_inference

    # the weights, not the constructor: AgentSession itself builds a default TurnDetector()
    monkeypatch.setattr(local_inference, "init_eot", fail)
    live = await start_with_vad(settings, store, clock, vad)
    try:
        assert live.session.turn_detection == "vad"
        endpointing = live.session.options.endpointing
        assert endpointing["min_delay"] == VAD_ENDPOINTING["min_delay"]
        assert endpointing["max_delay"] == VAD_ENDPOINTING["max_delay"]
        assert len(warnings_from_turns(caplog)) == 1
    finally:
        await live.session.aclose()
        await live.aclose()
