"""When the caller has finished speaking: the bundled end-of-turn model, or VAD silence.

`turn_handling(settings, vad)` is what every `AgentSession` Aida runs is built with (the worker's
calls, the console, simulated calls). It prefers LiveKit's bundled audio end-of-turn model
(`inference.TurnDetector`, `turn-detector-v1-mini`, weights inside the `livekit-local-inference`
native library: nothing is downloaded and no audio leaves the machine). When that model cannot
run here it falls back to ending turns on VAD silence, with one WARNING line.

How a turn ends, measured from the caller's last word: the VAD declares end of speech after its
`min_silence_duration` (silero: 0.55 s); the detector, given the last 1.2 s of audio at 0.2 s of
silence, says whether the caller sounds finished (120-190 ms per prediction on this 2-core CPU,
done before the VAD's silence is up). Finished: the turn ends after `min_delay`. Not finished
(mid-sentence, reading out a number): it waits up to `max_delay` for more.
"""

from __future__ import annotations

import logging
from typing import Any

from livekit.agents.voice.turn import (
    EndpointingOptions,
    InterruptionOptions,
    TurnHandlingOptions,
)

from aida.config import Settings

logger = logging.getLogger("aida.turns")

# With the detector. min_delay: never the bottleneck, because the VAD's own silence (0.55 s)
# already has to pass and the detector's "finished" answer is in by then; a lower value only
# helps a streaming STT whose final transcript comes first. max_delay: the longest dead air a
# caller gets when the model thinks they are mid-sentence. A caller reading a phone number or
# looking for a date pauses 1-2 s; the library's 3 s default is long enough that a caller who
# had in fact finished says "hello?" on a phone line.
DETECTOR_ENDPOINTING = EndpointingOptions(mode="fixed", min_delay=0.4, max_delay=2.0)

# VAD only: any silence longer than min_delay ends the turn, and nothing can tell a pause from
# an ending. Callers pause 0.5-1 s inside a sentence on the phone ("my number is 202 555...
# 0143"); cutting one off costs a wrong answer and an interruption, far more than 0.25 s over
# the VAD's 0.55 s. The LLM starts on the final transcript before the turn is committed
# (preemptive generation), so part of this wait overlaps the reply anyway. max_delay only
# applies when a detector says "not finished"; kept equal for a consistent ceiling.
VAD_ENDPOINTING = EndpointingOptions(mode="fixed", min_delay=0.8, max_delay=2.0)

# Interruptions on VAD: the "adaptive" detector the library picks in dev/console mode streams
# caller audio to LiveKit Cloud, which an offline clinic must not do (production mode already
# defaults to VAD).
INTERRUPTION = InterruptionOptions(mode="vad")

# The detector's stream needs the VAD to report end of speech no sooner than this (seconds);
# AgentSession.start raises otherwise (MIN_SILENCE_DURATION_MS + 50 ms in livekit-agents 1.8.9).
MIN_VAD_SILENCE = 0.25


def load_turn_detector() -> Any:
    """The bundled end-of-turn detector with its weights loaded, or raise.

    Pinned to `v1-mini`: without a version the library picks the cloud `v1` model in dev and
    console mode. Loading the weights here (0.2-0.4 s once per process, ~245 MB; a no-op where
    the worker's forkserver preloaded them) moves the cost out of the call and surfaces a
    failure now rather than at `AgentSession.start`.
    """
    import livekit.local_inference as local_inference
    from livekit.agents import inference

    detector = inference.TurnDetector(version="v1-mini")
    local_inference.init_eot()
    local_inference.EOT().close()  # what each call's stream constructs
    return detector


def turn_handling(settings: Settings, vad: Any) -> TurnHandlingOptions:
    """The turn handling for one session: the bundled detector when it can run with this VAD,
    else VAD endpointing. With no VAD (text-only sessions) the library chooses (STT or manual)."""
    if vad is None:
        return TurnHandlingOptions(
            turn_detection=None, interruption=InterruptionOptions(**INTERRUPTION)
        )
    if settings.turn_detection == "vad":
        return _vad_endpointing()

    silence = getattr(vad, "min_silence_duration", None)
    if silence is not None and silence < MIN_VAD_SILENCE:
        logger.warning(
            "turn detector off: the VAD's min_silence_duration %.2f s is under the %.2f s it "
            "needs; ending turns on VAD silence",
            silence,
            MIN_VAD_SILENCE,
        )
        return _vad_endpointing()
    try:
        detector = load_turn_detector()
    except Exception as exc:  # any failure to load means no detector, never a failed call
        reason = str(exc).splitlines()[0] if str(exc) else ""
        logger.warning(
            "turn detector unavailable (%s%s); ending turns on VAD silence",
            type(exc).__name__,
            f": {reason}" if reason else "",
        )
        return _vad_endpointing()
    return TurnHandlingOptions(
        turn_detection=detector,
        endpointing=EndpointingOptions(**DETECTOR_ENDPOINTING),
        interruption=InterruptionOptions(**INTERRUPTION),
    )


def describe(options: TurnHandlingOptions) -> str:
    """One line for start-up logs and the call timeline: which turn detection is active."""
    detection = options.get("turn_detection")
    if detection is None:
        return "library default (no VAD)"
    if isinstance(detection, str):
        return detection
    return f"{getattr(detection, 'model', 'detector')} (local)"


def _vad_endpointing() -> TurnHandlingOptions:
    return TurnHandlingOptions(
        turn_detection="vad",
        endpointing=EndpointingOptions(**VAD_ENDPOINTING),
        interruption=InterruptionOptions(**INTERRUPTION),
    )
