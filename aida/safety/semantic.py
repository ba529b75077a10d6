"""A semantic self-harm layer: indirect wording that no pattern in `aida.safety.signs` covers.

Why. The signs reach every self-harm turn of the table they were tuned on, but on sets written by
others about a third of the self-harm turns said it in words no pattern had ("I've been giving
my things away", "I don't think I'll be around much longer"). Such wording varies too much for
patterns; a sentence-embedding model reads what a sentence means. So each sentence of a turn that
the signs found nothing in is compared (cosine of all-MiniLM-L6-v2 vectors, `aida.safety.
embedder`) with prototype statements:

- SELF_HARM: the Columbia Suicide Severity Rating Scale screener's items (wish to be dead,
  thoughts of killing oneself, of how, intent, a plan, preparatory acts) and the public warning
  signs (988 Lifeline, NIMH, Samaritans: being a burden, no reason to live, trapped, unbearable
  pain, saying goodbye, giving things away, getting the means), in a caller's words;
- LOOK_ALIKES: what routine callers say that shares those words: idioms ("this wait is killing
  me"), booking counselling, past history, grief, negation, medication questions, tiredness of
  a cold or of the wait.

A sentence counts when it is at least THRESHOLD alike to a self-harm prototype and MARGIN more
alike to it than to any look-alike. The layer can only ADD: when the signs found nothing, a turn
it reads as self-harm gets the "possible" self-harm tier (the crisis line is said, the call goes
on); it never removes or lowers a sign's hit, and never makes a turn definite (a caller who says
it plainly is caught by the signs; this layer's doubt is the possible tier's). THRESHOLD and
MARGIN were set on tests/safety/cases.py and the shipped scenarios' routine caller lines (no
false alarm there) and on this file's own prototypes, never on an unseen set.

The model loads once per process (`prewarm`, from the worker's prewarm and the tests/bench), on
first use otherwise. SEMANTIC_SELF_HARM=false turns it off. Without the model package, the
signs still work and one warning is logged.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from aida.config import get_settings

logger = logging.getLogger(__name__)

THRESHOLD = 0.50
MARGIN = 0.10
_MIN_WORDS = 3  # "ok", "yes please", "no thanks": too short to mean anything here

SELF_HARM: tuple[str, ...] = (
    # C-SSRS screener 1: wish to be dead
    "I wish I were dead",
    "I wish I could go to sleep and never wake up",
    "I wish I would just not wake up in the morning",
    "sometimes I wish I had never been born",
    "I would not mind if I died",
    "I hope something happens to me so I do not have to be here",
    # 2: thoughts of killing oneself
    "I have been thinking about killing myself",
    "I keep thinking about ending my life",
    "I have thoughts of taking my own life",
    "I think about not being alive anymore",
    "I want to end it all",
    "I do not want to be alive",
    "I do not want to exist anymore",
    # 3-5: how, intent, a plan
    "I have been thinking about how I would do it",
    "I know how I would end my life",
    "I have decided I am going to end it",
    "I am going to do it tonight",
    "I have a plan to end my life",
    "I worked out when and where I will do it",
    "I have been looking up ways to die",
    # 6: preparatory acts, behaviour
    "I bought a gun so I can end things",
    "I have been saving up my pills to take them all at once",
    "I tried to end my life last night",
    "I wrote a note for my family to find after I am gone",
    "I have been giving away my things because I will not need them",
    "I have been saying goodbye to everyone",
    "I made sure my affairs are in order and my will is done before I go",
    "I stood on the bridge and thought about jumping",
    # warning signs: burden, no reason to live, trapped, pain, hopelessness
    "everyone would be better off without me",
    "I am just a burden to everyone",
    "nobody would miss me if I was gone",
    "no one would even notice if I disappeared",
    "I have no reason to live anymore",
    "there is no point in going on",
    "what is the point of living",
    "I cannot go on like this anymore",
    "I cannot take it anymore, I am done with everything",
    "I feel trapped and there is no way out",
    "the pain is unbearable and I just want it to stop forever",
    "it is never going to get better, it is hopeless",
    "I will not be around much longer",
    "soon I will not be a problem for anyone",
    "this is the last time you will hear from me",
    "I am tired of living",
    "I just want to disappear forever",
    "I want to go to sleep and not wake up",
    "I do not see a future for myself",
    "I see no reason to carry on",
    "I have no hope left",
    "my family would be better off with my life insurance",
    "I looked up how many pills it would take to kill me",
    "I have been drinking a lot more so I do not have to feel anything",
    "I think about death all the time",
    "I do not care if I live or die",
    "I take risks because I do not care if I get hurt",
    "I feel empty and numb and I want it all to end",
    # self-harm without the wish to die
    "I have been hurting myself on purpose",
    "I cut myself again last night",
    "I have been burning myself to cope",
    "I keep wanting to hurt myself",
    "I punish myself by hurting my body",
    "I scratch my skin until it bleeds so I can feel something",
)

LOOK_ALIKES: tuple[str, ...] = (
    # idioms
    "this back pain is killing me",
    "the wait on this line is killing me",
    "my feet are killing me",
    "I could just die of embarrassment",
    "I am dying to know my test results",
    "I almost died laughing",
    "I am dead tired after work",
    "this heat is unbearable",
    "I am sick and tired of this cough",
    "I am so done with this cold",
    "I cannot take another week of this sinus pressure",
    "I give up on trying to get through on the phone",
    "kill the appointment, I do not need it",
    # booking counselling, mental health care
    "I would like to book an appointment with a counsellor",
    "I need to see someone about my depression",
    "can I get a referral to a psychiatrist",
    "I want to talk to a therapist about my anxiety",
    "my doctor said I should get help for my mood",
    "I need a refill of my antidepressants",
    # past history
    "I had a hard time years ago but I am doing well now",
    "I attempted suicide when I was a teenager, I am fine now",
    "I used to self harm but that was a long time ago",
    "I was in hospital for depression a few years back",
    "I took an overdose years ago and my new doctor should know",
    # grief
    "my father passed away last month",
    "my wife died and I need a copy of her records",
    "I am calling about my mother who died recently",
    "we lost our baby last year",
    "my brother killed himself years ago and I want to talk about family history",
    # negation
    "I am not suicidal, I just need a refill",
    "I would never hurt myself",
    "I do not want to hurt myself, I just feel low",
    "no, I am safe, I do not have any thoughts like that",
    "I am not thinking about hurting myself, I just need someone to talk to",
    "I am not going to do anything to myself, I am just feeling down",
    # medication questions
    "how many of these pills can I take in a day",
    "can I take ibuprofen with my antidepressant",
    "what happens if I take my pills twice by mistake",
    "is it safe to drink alcohol on this medication",
    "I ran out of my sleeping pills",
    "can I bring my pills on the plane",
    # ordinary calls that share words
    "I want to cancel all my appointments",
    "I will not be around next week so I need to reschedule",
    "I am going away, please take me off the list",
    "I need to end my membership",
    "I am moving away so I will not need the clinic anymore",
    "I want to stop my medication, it makes me tired",
    "I am exhausted and cannot sleep",
    "I have been feeling tired and run down",
    "I gave my old glasses to my sister",
    "can you send my records to my new doctor",
    "goodbye, thank you for your help",
    "this is my last appointment before I move",
    "I am tired of waiting for a call back",
    "there is no point in booking if the doctor is never in",
    "I am stressed about work",
    "I am going to do it this time, I am going to quit smoking",
    "I am going to do it tomorrow, the blood test I mean",
    "can the doctor help me sleep better",
    "I have been feeling low since my operation",
    "I fell and hurt myself on the stairs",
    "I cut my finger cooking",
    "I burned myself on the oven",
)


@dataclass(frozen=True)
class Reading:
    """The most self-harm-like sentence of a turn and how alike it was to each side."""

    sentence: str
    self_harm: float
    look_alike: float

    @property
    def fires(self) -> bool:
        return self.self_harm >= THRESHOLD and self.self_harm - self.look_alike >= MARGIN


_SENTENCE_BREAK = re.compile(r"[.?!;]+\s*|\s*\b(?:but|although|though)\b\s*")


def sentences(text: str) -> list[str]:
    """The sentences of a turn with a few words or more: a turn that mixes a booking with one
    despairing sentence must not have it averaged away. Cut at sentence marks and "but"."""
    parts = [p.strip(" ,") for p in _SENTENCE_BREAK.split(text)]
    return [p for p in parts if len(p.split()) >= _MIN_WORDS]


class SelfHarmReader:
    def __init__(self) -> None:
        from aida.safety.embedder import Embedder

        self._embedder = Embedder()
        self._self_harm = self._matrix(SELF_HARM)
        self._look_alikes = self._matrix(LOOK_ALIKES)

    def _matrix(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._embedder.embed(t) for t in texts])

    def read(self, text: str) -> Reading | None:
        """The turn's most self-harm-like sentence, None for a turn too short to read."""
        best: Reading | None = None
        for sentence in sentences(text):
            vector = self._embedder.embed(sentence)
            reading = Reading(
                sentence,
                float((self._self_harm @ vector).max()),
                float((self._look_alikes @ vector).max()),
            )
            if best is None or reading.self_harm - reading.look_alike > (
                best.self_harm - best.look_alike
            ):
                best = reading
        return best


_lock = threading.Lock()
_reader: SelfHarmReader | None = None
_unavailable = False


def enabled() -> bool:
    return get_settings().semantic_self_harm


def reader() -> SelfHarmReader | None:
    """The process's reader, loaded on first call; None when off or when the model cannot load
    (then the signs alone guard, and one warning says why)."""
    global _reader, _unavailable
    if not enabled() or _unavailable:
        return None
    if _reader is not None:
        return _reader
    with _lock:
        if _reader is None and not _unavailable:
            try:
                _reader = SelfHarmReader()
            except Exception as e:  # a missing or broken package must not take the guard down
                _unavailable = True
                logger.warning("semantic self-harm layer unavailable, signs only: %s", e)
    return _reader


def prewarm() -> bool:
    """Load the model now (the worker's prewarm), so that no caller turn pays for it."""
    return reader() is not None


def reads_self_harm(text: str) -> bool:
    """Whether this turn reads as self-harm to the model (False when the layer is off)."""
    r = reader()
    if r is None:
        return False
    reading = r.read(text)
    return reading is not None and reading.fires
