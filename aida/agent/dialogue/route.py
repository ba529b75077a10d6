"""Per turn, between the call's state and the dialogue: who reads the turn, what the guard knows,
and the model's reply checked sentence by sentence.

`UNDERSTAND_IN_CODE` ("auto" by default): with the local model (or the scripted one standing in
for it) the whole code reader answers what it can; with a cloud model only the strict paths do
(a plain yes or no to a read-back, a goodbye of closing words only, the caller's name and date
of birth; the emergency guard is before all of this), and the reader runs in shadow: the
timeline records what it would have done and whether the model chose the same tool, a labelled
set that grows with real calls. `true` is the whole reader with any model, `false` none of it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any, Literal

from livekit.agents import llm

from aida.agent.dialogue import clinic
from aida.agent.dialogue.frame import plain
from aida.agent.dialogue.guard import Known, check, sentences, tool_times
from aida.agent.dialogue.identity_words import without_identity
from aida.agent.dialogue.lexicon import CLOSING, words
from aida.agent.dialogue.policy import decide, resume_tool
from aida.agent.dialogue.types import Facts, Reading
from aida.agent.state import CallState
from aida.agent.verification import NOT_IDENTIFIED, NOT_VERIFIED
from aida.calendar.profile import ClinicProfile, profile_for_call
from aida.config import Settings
from aida.scheduling.birthdates import dates_of_birth_in

logger = logging.getLogger("aida.agent")

Mode = Literal["all", "strict", "off"]
# What code answers whatever the model: no model reads these better than code, and each one a
# model gets wrong costs a write, a hang-up, or the caller's identity.
STRICT_RULES = frozenset({"answer_yes", "answer_no", "goodbye", "identity", "identified"})
LOCAL_PROVIDERS = frozenset({"llama.cpp", "scripted"})
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")  # where guard.sentences splits
_WRITES = {
    "book_appointment": "book",
    "reschedule_appointment": "move",
    "cancel_appointment": "cancel",
    "remember_preference": "note",
}


def reader_mode(settings: Settings, model: Any) -> Mode:
    value = settings.understand_in_code
    if value is False or str(value).lower() in ("false", "off", "0", "no"):
        return "off"
    if value is True or str(value).lower() in ("true", "on", "1", "yes"):
        return "all"
    return "all" if getattr(model, "provider", "") in LOCAL_PROVIDERS else "strict"


def facts_for(state: CallState, settings: Settings, text: str) -> Facts:
    tools = state.tools
    today = tools.now().astimezone(tools.clinic_hours.tz).date()
    day_first = settings.phone_region != "US"
    said = dates_of_birth_in(" ".join(state.caller_lines), today, day_first=day_first)
    here = dates_of_birth_in(text, today, day_first=day_first)
    proposal = state.confirmations.proposal
    answering = (
        proposal is not None and bool(proposal.tool)
        and state.confirmations.caller_turns > proposal.turn
    )  # fmt: skip
    return Facts(
        verified=state.verified_caller is not None,
        said_birth_date=bool(said),
        identity_question=NOT_VERIFIED if state.caller is not None else NOT_IDENTIFIED,
        proposal_tool=proposal.tool if answering and proposal else None,
        proposal_args=proposal.args if answering and proposal else None,
        this_year=today.year,
        birth_date_here=here[0].isoformat() if len(here) == 1 else None,
        number_known=state.caller is not None,
        clinic_answers=True,  # clinic_info answers from the profile, or says it does not know
    )


async def load_profile(state: CallState) -> ClinicProfile | None:
    """The clinic's profile for this call, loaded once (at the start of the call, or by the
    first question about the clinic). A store that cannot give it leaves Aida knowing nothing
    about the clinic, which she then says."""
    if state.profile is None:
        tools = state.tools
        try:
            state.profile = await profile_for_call(tools.store, tools.settings, tools.now())
        except Exception:
            logger.exception("the clinic profile could not be loaded")
            return None
    return state.profile


def read(
    state: CallState, settings: Settings, text: str, mode: Mode
) -> tuple[Reading | None, Reading | None]:
    """(the reading to act on, the reading the reader would have acted on)."""
    state.dialog.turn = state.confirmations.caller_turns
    if mode == "off":
        return None, None
    reading = decide(text, state.dialog, facts_for(state, settings, text))
    if mode == "all" or (reading is not None and reading.rule in STRICT_RULES):
        return reading, reading
    return None, reading


_GREETING_WORDS = CLOSING | frozenset(
    {"hi", "hello", "hey", "its", "it", "this", "is", "my", "name", "and", "uh", "um", "sure",
        "yes", "yeah", "here", "speaking", "calling"}
)  # fmt: skip


# What speech-to-text leaves of "date of birth" when it mishears it ("data f- Birth").
_BIRTH_FRAGMENTS = frozenset({"data", "dated", "day", "birth", "of", "dob"})


def only_identity(state: CallState, text: str) -> bool:
    """The turn says who the caller is and nothing else ("sure, it's Jane Doe, March 3rd
    1985"), or only closing words: nothing in it for a model to act on. A word or two that are
    left of a misheard "date of birth" ("Jane Doe, data f- Birth March 3") are no request
    unless they name one."""
    rest = plain(without_identity(text, state.tools.now().year))
    said = [w for w in words(rest) if w not in _GREETING_WORDS]
    left = [w for w in said if w not in _BIRTH_FRAGMENTS and len(w) > 1]
    if not left:
        return True
    misheard = len(left) < len(said)  # a fragment of the date of birth was in the turn
    return misheard and len(left) <= 2 and resume_tool(rest, state.tools.now().year) is None


def record_shadow(state: CallState, shadow: Reading | None, model_tools: list[str]) -> None:
    """With a cloud model: what the code reader would have done, and whether the model agreed."""
    model_tool = model_tools[0] if model_tools else None
    state.timeline.record(
        "reader_shadow",
        rule=shadow.rule if shadow else "left",
        tool=shadow.tool if shadow else None,
        model_tool=model_tool,
        agreed=None if shadow is None else shadow.tool == model_tool,
    )


def known_for(state: CallState) -> Known:
    """What the tools said in this call, and what they did in this turn (since the caller's last
    message), for the guard."""
    events = state.timeline.events
    since = 0
    for i in range(len(events) - 1, -1, -1):
        if events[i].get("type") == "transcript" and events[i].get("role") == "user":
            since = i
            break
    # a refusal names times too ("You have appointments on ... Which one do you mean?")
    results = [e.get("result") or e.get("error") for e in events if e.get("type") == "tool_result"]
    now = state.tools.now().astimezone(state.tools.clinic_hours.tz).replace(tzinfo=None)
    wrote = set()
    verified_now = False
    for e in events[since:]:
        if e.get("type") == "caller_identified":
            verified_now = True
        if e.get("type") != "tool_result" or not e.get("ok"):
            continue
        data = e.get("result") or {}
        done = any(k in data for k in ("booked", "moved_to", "cancelled", "preferences"))
        if done and "awaiting_confirmation" not in data:
            wrote.add(_WRITES.get(str(e.get("name")), "other"))
    today = now.date()
    return Known(
        frozenset(tool_times(results, state.tools.clinic_hours.tz) | {now}),
        frozenset(wrote),
        verified_now,
        clinic.sentences(state.profile, today),
    )


def resume_choice(state: CallState, text: str) -> str | None:
    """What the model must do with the request it was reading once the caller is verified:
    call the request's tool when code can name it (the model fills its arguments), else any
    of the tools that carry a request out (`policy.RESUMABLE`); never free text, which is where
    a small model drops the request ("Hello, Jane. How can I help you today?"). None: any
    of them ("required")."""
    return resume_tool(text, state.tools.now().year)


def request_choice(state: CallState, text: str, mode: Mode) -> str | None:
    """For a turn the code reader left to the local model: the tool of the one request code
    can name in it ("I can't make Wednesday, could we do Friday instead" is a move), which the
    model must call, filling only its arguments; None to let the model choose."""
    if mode != "all" or state.emergency is not None or state.confirmations.proposal is not None:
        return None
    return resume_tool(text, state.tools.now().year)


async def guarded(
    stream: AsyncIterable[Any],
    state: CallState,
    model_tools: list[str],
    allowed: frozenset[str] | None = None,
) -> AsyncIterator[Any]:
    """The model's reply with every sentence checked before it is said; tool calls pass at once
    (their names are collected in `model_tools`), those not `allowed` are dropped
    (`reply_blocked`, rule `tool`). The first blocked sentence is replaced by a safe one and the
    rest of the reply's text is dropped."""
    buffer = ""
    blocked = False
    spoken = 0

    def release(final: bool) -> list[str]:
        nonlocal buffer, blocked, spoken
        out: list[str] = []
        if final:
            done, buffer = sentences(buffer), ""
        else:
            # the sentences finished so far; the rest waits as it came, spaces and all (a
            # model streaming "You're " then "booked " must not become "You'rebooked")
            ends = [m.end() for m in _SENTENCE_END.finditer(buffer)]
            if not ends:
                return out
            done, buffer = sentences(buffer[: ends[-1]]), buffer[ends[-1] :].lstrip()
        for sentence in done:
            if blocked:
                break
            verdict = check(sentence, known_for(state))
            gap = " " if spoken else ""
            spoken += 1
            if verdict.ok:
                out.append(gap + sentence)
                continue
            blocked = True
            state.timeline.record("reply_blocked", rule=verdict.rule)
            logger.warning("model reply blocked by the claims guard: %s", verdict.rule)
            out.append(gap + (verdict.safe or ""))
        return out

    async for chunk in stream:
        text = None
        if isinstance(chunk, str):
            text = chunk
        elif isinstance(chunk, llm.ChatChunk):
            delta = chunk.delta
            calls = list(delta.tool_calls) if delta is not None else []
            if allowed is not None and any(call.name not in allowed for call in calls):
                state.timeline.record("reply_blocked", rule="tool")
                logger.warning("model tool call dropped: not one that carries the request out")
                calls = [call for call in calls if call.name in allowed]
            model_tools.extend(call.name for call in calls)
            if calls or chunk.usage is not None:
                # tool calls and usage pass as they come; only the text waits for its check
                yield llm.ChatChunk(
                    id=chunk.id,
                    delta=llm.ChoiceDelta(role="assistant", tool_calls=calls) if calls else None,
                    usage=chunk.usage,
                )
            text = delta.content if delta is not None else None
        else:
            yield chunk
            continue
        if text and not blocked:
            buffer += text
            for piece in release(final=False):
                yield piece
    for piece in release(final=True):
        yield piece
