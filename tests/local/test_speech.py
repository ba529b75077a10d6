"""The local voice and ears: hibari speaks known sentences, Whisper must hear them back.

Measured on this 2-core machine (tiny.en, int8, beam 1), over these sentences after `normalize`
(case, punctuation, number formats): word error rate 5.5% at 16 kHz and 4.4% at 8 kHz (23:15
UTC). The misses are an unusual name ("Priya Patel" -> "Pre-A-Patal") and runs of one digit:
"five five five" comes back as "55" or "550", so a number like 555 0123 loses a digit. Numbers
without such runs come back exactly; the agent reads numbers back to the caller either way.
"""

from __future__ import annotations

import asyncio
import time

import numpy as np
import pytest
from livekit import rtc
from livekit.agents import tts as lk_tts

from aida.local.stt import WHISPER_RATE, to_whisper_pcm
from aida.local.tts import SAMPLE_RATE, spell_phone_numbers
from tests.local.conftest import normalize, resample, word_errors

SENTENCES = [
    "Hi, this is Maria Gonzalez calling about my appointment.",
    "Could I come in on Tuesday, March 4th at 10:30 in the morning?",
    "My phone number is 415 555 0123.",
    "Please cancel my visit on Friday, December 12th.",
    "My name is John Smith and I was born on July 9th, 1985.",
    "Can you move it to next Wednesday at 2 PM?",
    "This is Priya Patel, my number is 617 555 0199.",
    "You can reach me at 212 784 3096.",
]
WER_BOUND = 0.12


# --- fast: text and audio plumbing ---


def test_phone_numbers_are_spoken_digit_by_digit() -> None:
    assert spell_phone_numbers("Call 415 555 0123.") == (
        "Call four one five, five five five, zero one two three."
    )
    assert spell_phone_numbers("+14155550123") == (
        "plus one, four one five, five five five, zero one two three"
    )
    for untouched in ("on 2026-11-23 at 10:30", "born in 1985", "dial 911", "1,200 dollars"):
        assert spell_phone_numbers(untouched) == untouched


def test_normalize_ignores_formatting_but_not_digits() -> None:
    assert normalize("Tuesday, March 4th at 10:30 AM") == normalize("tuesday march 4 at 10.30am")
    assert normalize("415-555-0123") == normalize("415 555 0123")
    assert word_errors("415 555 0123", "415 555 123") == (1, 10)


def _tone(rate: int, seconds: float, channels: int = 1) -> rtc.AudioFrame:
    t = np.arange(int(rate * seconds)) / rate
    mono = (0.5 * np.sin(2 * np.pi * 440 * t) * 32767).astype(np.int16)
    data = np.repeat(mono[:, None], channels, axis=1).reshape(-1)
    return rtc.AudioFrame(data.tobytes(), rate, channels, len(mono))


@pytest.mark.parametrize(("rate", "channels"), [(48_000, 1), (8_000, 1), (16_000, 2), (44_100, 1)])
def test_any_input_rate_becomes_16k_mono_float(rate: int, channels: int) -> None:
    frames = [_tone(rate, 0.5, channels), _tone(rate, 0.5, channels)]
    pcm = to_whisper_pcm(frames)
    assert pcm.dtype == np.float32
    assert abs(pcm.size - WHISPER_RATE) <= WHISPER_RATE * 0.01  # one second at 16 kHz
    assert 0.4 < np.abs(pcm).max() <= 1.0


# --- slow: real models ---


async def _speak(hibari, text: str) -> rtc.AudioFrame:  # type: ignore[no-untyped-def]
    return await hibari.synthesize(text).collect()


@pytest.mark.slow
async def test_tts_speaks_24k_mono_audio_of_plausible_length(hibari) -> None:  # type: ignore[no-untyped-def]
    frame = await _speak(hibari, SENTENCES[1])
    assert frame.sample_rate == SAMPLE_RATE and frame.num_channels == 1
    words = len(SENTENCES[1].split())
    assert words / 5.0 < frame.duration < words / 1.2  # 1.2 to 5 words a second
    pcm = np.frombuffer(frame.data, dtype=np.int16)
    assert np.abs(pcm).max() > 3000  # actual speech, not silence


@pytest.mark.slow
async def test_tts_emits_the_first_sentence_before_the_rest_is_rendered(hibari) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(SENTENCES[:5])
    started = time.perf_counter()
    arrivals: list[float] = []
    audio = 0.0
    async for event in hibari.synthesize(text):
        arrivals.append(time.perf_counter() - started)
        audio += event.frame.duration
    first_sentence = (await _speak(hibari, SENTENCES[0])).duration
    # the first frames come once sentence one exists, long before all five are done
    assert arrivals[0] < arrivals[-1] * 0.6
    assert audio > 3 * first_sentence


@pytest.mark.slow
async def test_tts_through_the_stream_adapter_speaks_while_text_still_arrives(hibari) -> None:  # type: ignore[no-untyped-def]
    adapter = lk_tts.StreamAdapter(tts=hibari)
    stream = adapter.stream()
    stream.push_text("Your appointment is booked for Tuesday at ten thirty. ")
    got_audio_before_more_text = asyncio.Event()

    async def consume() -> float:
        total = 0.0
        async for event in stream:
            got_audio_before_more_text.set()
            total += event.frame.duration
        return total

    consumer = asyncio.create_task(consume())
    stream.push_text("We will")  # the second sentence is still being typed by the LLM
    await asyncio.wait_for(got_audio_before_more_text.wait(), timeout=30)
    stream.push_text(" see you then.")
    stream.end_input()
    total = await asyncio.wait_for(consumer, timeout=60)
    await stream.aclose()
    assert total > 2.5


async def _wer(hibari, whisper, rate: int) -> tuple[float, list[str]]:  # type: ignore[no-untyped-def]
    errors = words = 0
    heard: list[str] = []
    for sentence in SENTENCES:
        frames = resample(await _speak(hibari, sentence), rate)
        event = await whisper.recognize(frames)
        text = event.alternatives[0].text
        heard.append(text)
        e, n = word_errors(sentence, text)
        errors, words = errors + e, words + n
    return errors / words, heard


@pytest.mark.slow
@pytest.mark.parametrize("rate", [16_000, 8_000])
async def test_stt_hears_names_dates_and_phone_numbers(hibari, whisper, rate: int) -> None:  # type: ignore[no-untyped-def]
    wer, heard = await _wer(hibari, whisper, rate)
    print(f"\nWER at {rate} Hz: {wer:.3f}\n" + "\n".join(heard))
    assert wer <= WER_BOUND, heard
    # every digit of a phone number without repeated-digit runs must come back
    assert "2 1 2 7 8 4 3 0 9 6" in " ".join(normalize(heard[-1])), heard[-1]


@pytest.mark.slow
async def test_stt_reports_a_final_transcript_with_duration(hibari, whisper) -> None:  # type: ignore[no-untyped-def]
    from livekit.agents import stt

    frame = await _speak(hibari, "Thank you, goodbye.")
    event = await whisper.recognize(resample(frame, 48_000))
    assert event.type == stt.SpeechEventType.FINAL_TRANSCRIPT
    alt = event.alternatives[0]
    assert "goodbye" in alt.text.lower() and 0.0 < alt.confidence <= 1.0
    assert alt.end_time == pytest.approx(frame.duration, abs=0.05)


@pytest.mark.slow
async def test_stt_returns_nothing_for_silence(whisper) -> None:  # type: ignore[no-untyped-def]
    silence = rtc.AudioFrame(bytes(8_000 * 2), 8_000, 1, 8_000)
    event = await whisper.recognize(silence)
    assert len(event.alternatives[0].text.split()) <= 1  # no invented sentence
