"""Aida, the receptionist: her instructions, the emergency guard, and her tools.

Each `@function_tool` wraps a core tool in `aida.tools` for the caller of this call
(`CallState.caller` on the session's userdata): none of them takes a phone number or an
appointment id from the model, so there is no argument through which the model could act for
somebody else. Tools speak their own sentences and the model gets a compact result
(`aida.agent.toolcall`); book, move and cancel read back first and write on the caller's yes
(`aida.agent.writes`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

from livekit.agents import (
    Agent,
    FlushSentinel,
    ModelSettings,
    RunContext,
    StopResponse,
    function_tool,
    llm,
)
from livekit.agents.llm import ChatContext, ChatMessage

from aida.agent import handoff, writes
from aida.agent.dialogue import clinic, route
from aida.agent.dialogue.policy import RESUMABLE
from aida.agent.dialogue.types import Reading
from aida.agent.keypad import keyed_date_with_name, keypad_call
from aida.agent.prompts import build_instructions, caller_context, greeting
from aida.agent.state import Caller, CallState
from aida.agent.toolcall import run_tool
from aida.agent.verification import ensure_verified, verify_caller
from aida.config import Settings
from aida.errors import InvalidPhone
from aida.safety import (
    EmergencyMatch,
    detect_emergency,
    emergency_reminder,
    is_all_clear,
    safety_message,
)
from aida.scheduling.phones import mask_phone, normalize_phone
from aida.scheduling.speech import spoken_datetime
from aida.tools.base import ToolResult
from aida.tools.find_available_slots import find_available_slots
from aida.tools.list_appointments import list_appointments
from aida.tools.remember_preference import remember_preference

logger = logging.getLogger("aida.agent")

Ctx = RunContext[CallState]


def _starts(key: str) -> Any:
    def brief(result: ToolResult) -> dict[str, Any]:
        return {key: [item["start"] for item in result.data.get(key, [])]}

    return brief


def _keys(*names: str) -> Any:
    def brief(result: ToolResult) -> dict[str, Any]:
        return {k: result.data[k] for k in names if k in result.data}

    return brief


async def _list(state: CallState, include_past: bool) -> ToolResult:
    caller = await ensure_verified(state)
    return await list_appointments(
        state.tools, caller.phone, include_past, patient_file=caller.file_id
    )


async def _remember(state: CallState, topic: str, preference: str) -> ToolResult:
    caller = await ensure_verified(state)
    return await remember_preference(state.tools, caller.phone, {topic: preference})


# Said while the local model works on a turn; varied so it does not sound like a loop.
FILLERS = ("One moment. ", "Let me see. ", "Okay, one moment. ")


def _tool_call_chunk(tool: str, args: dict[str, Any], origin: str) -> llm.ChatChunk:
    call = llm.FunctionToolCall(
        name=tool, arguments=json.dumps(args), call_id=f"{origin}_{uuid.uuid4().hex[:12]}"
    )
    return llm.ChatChunk(
        id=call.call_id, delta=llm.ChoiceDelta(role="assistant", tool_calls=[call])
    )


def _said(**words: str | None) -> dict[str, str]:
    """Only the optional words the caller gave, so a plain call is recorded as it always was."""
    return {k: v for k, v in words.items() if v}


def _said_by(output: Any) -> str:
    """The sentence a tool's output carries for the caller ("" when none)."""
    try:
        return str(json.loads(output.output).get("say") or "")
    except (ValueError, AttributeError, TypeError):
        return ""


def _function(name: str) -> llm.ToolChoice:
    return {"type": "function", "function": {"name": name}}


ASK_AGAIN = "Could you tell me again what you'd like me to do?"

KEYPAD_NAME = "keypadname"  # the tool call id's prefix of a name said for a typed date
WRITE_BRIEF = _keys("awaiting_confirmation", "from", "booked", "moved_to", "cancelled", "declined")


class Aida(Agent):
    def __init__(self, settings: Settings, *, caller: Caller | None, greet: bool = True) -> None:
        chat_ctx = ChatContext.empty()
        # The per-call facts go in a message after the instructions, so the instructions (the
        # cacheable prefix) are the same for every call.
        chat_ctx.add_message(role="system", content=caller_context(caller))
        super().__init__(instructions=build_instructions(settings), chat_ctx=chat_ctx)
        self._settings = settings
        self._greet = greet
        self._greeting = greeting(settings, caller)
        self._fillers = -1
        self._shadow: Reading | None = None  # what the code reader would have done this turn
        # The safety-net sentence of a possible emergency, said before this turn's answer.
        self._safety_net: str | None = None

    async def on_enter(self) -> None:
        if self._greet:
            self.session.say(self._greeting)

    # --- the emergency guard ------------------------------------------------------------------
    # A small model does not reliably keep a safety rule written in its prompt, so every caller
    # turn is checked in code before the model sees it. On a match Aida says a fixed message at
    # once; the model is not asked for this turn (so no tool runs in it), the write tools refuse
    # until the caller says it is not an emergency, and the call record gets an urgent item.
    # Voice turns are checked in `on_user_turn_completed` (final transcripts, before the LLM);
    # typed turns (console, web chat, text simulations) reach the model without that hook, so
    # `llm_node` checks any caller message not checked yet. Each message is checked once.

    def _screen(self, message: ChatMessage) -> str | None:
        """The fixed emergency message for this caller message, or None to go on."""
        state: CallState = self.session.userdata
        if message.id in state.screened_messages:
            return None
        state.screened_messages.add(message.id)
        text = message.text_content or ""
        confirmations = state.confirmations
        same_turn = confirmations.aida_said_at_turn < confirmations.caller_turns
        if same_turn:
            # Aida has not spoken since the caller's last message: the same turn seen again
            # (a preemptive generation's transcript, then the final one), or the caller going on.
            confirmations.last_caller_words = text
            state.caller_lines[-1:] = [text]
        else:
            confirmations.caller_spoke(text)
            state.caller_lines.append(text)
        match = detect_emergency(text)
        if match is None or match.tier == "possible":
            if state.emergency is not None and is_all_clear(text):
                state.emergency = None
                state.timeline.record("emergency_cleared")
                logger.info("emergency called off by the caller")
            elif match is not None and state.emergency is None:
                self._safety_net = self._possible(state, match)
            return None
        if state.emergency is None:
            state.timeline.record("emergency", kind=match.kind, category=match.category)
            state.timeline.record(
                "action_item",
                item={
                    "kind": "emergency",
                    "urgent": True,
                    "reason": "The caller described a possible emergency "
                    f"({match.category.replace('_', ' ')}) and was told to call emergency "
                    "services. Check on the patient now.",
                    "identified": state.verified_caller is not None,
                    "ts": state.tools.now().isoformat(),
                },
            )
        elif not (same_turn and state.emergency_turn == confirmations.caller_turns):
            # signs again in a later turn; the record keeps the first. The same turn seen again
            # (a preemptive generation's transcript, then the final one) is not a second time.
            state.timeline.record("emergency_again", kind=match.kind, category=match.category)
        state.emergency_turn = confirmations.caller_turns
        state.emergency = match
        logger.warning("emergency guard: %s (%s)", match.category, match.kind)
        settings = self._settings
        return safety_message(match, settings.emergency_number, settings.crisis_line)

    def _possible(self, state: CallState, match: EmergencyMatch) -> str | None:
        """A possible emergency (one weak sign, a past or mild mention): on the timeline and in
        the record; the safety-net sentence is said once per call and kind, and the turn goes on."""
        said_before = any(
            e["kind"] == match.kind for e in state.timeline.of_type("emergency_possible")
        )
        state.timeline.record(
            "emergency_possible", kind=match.kind, category=match.category, tier=match.tier
        )
        logger.warning("emergency guard, possible: %s (%s)", match.category, match.kind)
        if said_before:
            return None
        state.timeline.record(
            "action_item",
            item={
                "kind": "emergency_possible",
                # self-harm at any tier is for staff to follow up first
                "urgent": match.kind == "self_harm" or match.crisis,
                "reason": "The caller mentioned a possible emergency sign "
                f"({match.category.replace('_', ' ')}); Aida said to hang up and call emergency "
                "services if it is one, and the call went on. Check on the patient.",
                "identified": state.verified_caller is not None,
                "ts": state.tools.now().isoformat(),
            },
        )
        settings = self._settings
        return safety_message(match, settings.emergency_number, settings.crisis_line)

    async def on_user_turn_completed(self, turn_ctx: ChatContext, new_message: ChatMessage) -> None:
        message = self._screen(new_message)
        if message is None:
            if self._safety_net is not None:
                # Said at once, before the answer to this turn, which goes on as usual.
                self.session.say(self._safety_net, allow_interruptions=False)
                self._safety_net = None
            return
        with contextlib.suppress(RuntimeError):
            # Drop what the model may have started on this turn already (preemptive generation).
            self.session.interrupt(force=True)
        # StopResponse drops the turn; keep the caller's words in the conversation and the record.
        self._chat_ctx.items.append(new_message)
        self.session._conversation_item_added(new_message)
        self.session.say(message, allow_interruptions=False)
        raise StopResponse()

    async def llm_node(
        self, chat_ctx: ChatContext, tools: list[llm.Tool], model_settings: ModelSettings
    ) -> AsyncIterator[llm.ChatChunk | str | FlushSentinel]:
        last = next((m for m in reversed(chat_ctx.messages()) if m.role == "user"), None)
        message = self._screen(last) if last is not None else None
        if message is not None:
            yield message
            return
        if self._safety_net is not None:
            # A possible emergency in a typed turn: the safety-net sentence, then the answer.
            yield self._safety_net + " "
            yield FlushSentinel()
            self._safety_net = None
        state: CallState = self.session.userdata
        # A reply of the keypad's own (aida.agent.keypad): the typed date of birth is checked
        # by identify_caller, called by code as the reader calls it for a spoken one.
        keyed = keypad_call(state, chat_ctx)
        if keyed is not None and state.emergency is None and state.verified_caller is None:
            state.timeline.record("understood", rule="keypad", tool="identify_caller")
            yield _tool_call_chunk("identify_caller", keyed, "keypad")
            return
        if state.emergency is not None:
            # Still an emergency (not called off): the same short reminder, never the model.
            state.timeline.record("understood", rule="emergency_reminder", tool=None)
            settings = self._settings
            yield emergency_reminder(
                state.emergency.kind, settings.emergency_number, settings.crisis_line
            )
            return
        after_tool = bool(chat_ctx.items) and chat_ctx.items[-1].type == "function_call_output"
        if after_tool:
            # A tool asked for a reply (identify_caller): the caller's turn was read already.
            said = self._after_identity(chat_ctx.items[-1], last)
            if said is not None:
                yield said
                return
            if self._resuming(chat_ctx.items[-1], last):
                async for chunk in self._resume(chat_ctx, tools, last):
                    yield chunk
                return
            async for chunk in self._model(chat_ctx, tools, model_settings, shadow=False):
                yield chunk
            return
        confirmed = state.confirmations.confirmed_call()
        if confirmed is not None:
            # A plain "yes" to the read-back Aida just gave: the write tool is called again
            # with the same details by code, as the model would, without a model request
            # (seconds on a CPU); it still runs through the tool and its checks.
            logger.info("caller confirmed %s: repeating the call without the model", confirmed.tool)
            yield _tool_call_chunk(confirmed.tool, confirmed.args, "confirm")
            return
        waiting = keyed_date_with_name(state, last.text_content or "" if last else "")
        if waiting is not None:
            # A date typed before the name: the name just said goes with it.
            state.timeline.record("understood", rule="keypad_name", tool="identify_caller")
            yield _tool_call_chunk("identify_caller", waiting, KEYPAD_NAME)
            return
        reading = self._read(last)
        if reading is not None:
            # Read in code (aida.agent.dialogue): the same tool the model would call, or one
            # fixed sentence, at once. What the reading changes in the frame is applied now.
            state.timeline.record("understood", rule=reading.rule, tool=reading.tool)
            logger.info("turn read in code: %s", reading.rule)
            state.dialog.apply(reading.updates)
            if reading.tool is not None:
                yield _tool_call_chunk(reading.tool, reading.args, "code")
            else:
                yield reading.say or ""
            return
        if last is not None and not route.only_identity(state, last.text_content or ""):
            state.dialog.apply({"model_request": True})
        named = route.request_choice(state, last.text_content or "", self._mode()) if last else None
        if named is not None:
            # the flow is code's: the request's tool is named here, the model fills it in
            model_settings = ModelSettings(tool_choice=_function(named))
            state.timeline.record("understood", rule="request_by_model", tool=named)
        filler = self._filler()
        if filler is not None:
            # Said at once, as its own segment (the flush), while the model works: the caller
            # hears within a second that they were heard. Not an answer: the timeline marks it.
            state.timeline.record("filler", text=filler)
            yield filler
            yield FlushSentinel()
        async for chunk in self._model(chat_ctx, tools, model_settings, shadow=True):
            yield chunk

    async def _model(
        self,
        chat_ctx: ChatContext,
        tools: list[llm.Tool],
        model_settings: ModelSettings,
        *,
        shadow: bool,
        model_tools: list[str] | None = None,
        allowed: frozenset[str] | None = None,
    ) -> AsyncIterator[llm.ChatChunk | str | FlushSentinel]:
        """The model's reply, every sentence of it through the claims guard."""
        state: CallState = self.session.userdata
        model_tools = [] if model_tools is None else model_tools
        stream = Agent.default.llm_node(self, chat_ctx, tools, model_settings)
        async for chunk in route.guarded(stream, state, model_tools, allowed):
            yield chunk
        if shadow and self._mode() == "strict":
            route.record_shadow(state, self._shadow, model_tools)

    def _resuming(self, output: Any, last: ChatMessage | None) -> bool:
        """identify_caller verified the caller in a turn that also asked for something code
        could not read: the model goes on with that request, as a tool call (`_resume`)."""
        state: CallState = self.session.userdata
        text = (last.text_content or "") if last is not None else ""
        return (
            getattr(output, "name", "") == "identify_caller"
            and not getattr(output, "is_error", True)
            and not str(getattr(output, "call_id", "")).startswith(("keypad", KEYPAD_NAME))
            and state.verified_caller is not None
            and self._mode() != "off"
            and (state.dialog.model_request or not route.only_identity(state, text))
        )

    async def _resume(
        self, chat_ctx: ChatContext, tools: list[llm.Tool], last: ChatMessage | None
    ) -> AsyncIterator[llm.ChatChunk | str | FlushSentinel]:
        """The request the caller made with their name, carried on by the policy: Aida says the
        caller is confirmed, and the model is asked for the request's tool call only (the tool
        code names when it can, else one of those that carry a request out), never free text,
        where a small model drops the request. No tool call at all: Aida asks again."""
        state: CallState = self.session.userdata
        output = chat_ctx.items[-1]
        confirmed = _said_by(output)
        if confirmed:
            yield confirmed + " "
            yield FlushSentinel()
        named = route.resume_choice(state, (last.text_content or "") if last else "")
        state.timeline.record("understood", rule="resumed_by_model", tool=named)
        called: list[str] = []
        settings = ModelSettings(tool_choice=_function(named) if named else "required")
        async for chunk in self._model(
            chat_ctx, tools, settings, shadow=False, model_tools=called, allowed=RESUMABLE
        ):
            if isinstance(chunk, str):
                continue  # a forced call has no words of its own; the tool speaks
            yield chunk
        if not called:
            yield ASK_AGAIN

    def _after_identity(self, output: Any, last: ChatMessage | None) -> llm.ChatChunk | str | None:
        """After identify_caller, code goes on, not a model's free text: the request made
        before the caller said who they are is carried out at once; one made with their name
        is read now; a turn with nothing else in it gets the tool's own sentence. A request
        code cannot read is the model's (None)."""
        if getattr(output, "name", "") != "identify_caller" or getattr(output, "is_error", True):
            return None
        state: CallState = self.session.userdata
        waiting = state.dialog.awaiting_identity
        if state.verified_caller is not None and waiting is not None:
            tool, args = waiting
            state.timeline.record("understood", rule="resumed", tool=tool)
            logger.info("caller verified: carrying out the request that waited (%s)", tool)
            return _tool_call_chunk(tool, args, "code")
        text = (last.text_content or "") if last is not None else ""
        # the name alone, said for a date typed on the keypad before it: an identity turn
        name_for_keys = str(getattr(output, "call_id", "")).startswith(KEYPAD_NAME)
        only_identity = name_for_keys or route.only_identity(state, text)
        if state.dialog.model_request or not only_identity:
            # a request with the name, or an earlier one the model was reading: code reads it
            # if it can, else the model goes on with it
            if state.verified_caller is not None and self._mode() != "off":
                reading, _ = route.read(state, self._settings, text, self._mode())
                if reading is not None and reading.tool is not None:
                    state.timeline.record("understood", rule=reading.rule, tool=reading.tool)
                    state.dialog.apply(reading.updates)
                    return _tool_call_chunk(reading.tool, reading.args, "code")
            return None
        said = _said_by(output)
        if not said:
            return None
        state.timeline.record("understood", rule="identity_said", tool=None)
        follow = " What can I do for you today?" if state.verified_caller is not None else ""
        return said + follow

    def _mode(self) -> route.Mode:
        return route.reader_mode(self._settings, self.session.llm)

    def _filler(self) -> str | None:
        mode = self._settings.thinking_filler
        if mode == "off" or self.session.output.audio is None:
            return None
        if mode == "auto" and getattr(self.session.llm, "provider", "") != "llama.cpp":
            return None
        self._fillers += 1
        return FILLERS[self._fillers % len(FILLERS)]

    def _read(self, last: ChatMessage | None) -> Reading | None:
        state: CallState = self.session.userdata
        self._shadow = None
        if last is None or state.emergency is not None:
            return None
        reading, self._shadow = route.read(
            state, self._settings, last.text_content or "", self._mode()
        )
        return reading

    # --- tools -----------------------------------------------------------------------------

    def _run(self, ctx: Ctx, name: str, args: dict[str, Any], op: Any, **kw: Any) -> Any:
        return run_tool(ctx, name, args, op, emergency_number=self._settings.emergency_number, **kw)

    @function_tool
    async def get_current_time(self, ctx: Ctx) -> Any:
        """Today's date and the current time at the clinic, when the caller asks for it."""
        tools = ctx.userdata.tools
        now = tools.now()
        tz = tools.clinic_hours.tz

        async def op() -> ToolResult:
            spoken = spoken_datetime(now, tz, with_year=True)
            return ToolResult(say=f"It is {spoken}.", data={"now": now.astimezone(tz).isoformat()})

        return await self._run(ctx, "get_current_time", {}, op, brief=_keys("now"))

    @function_tool
    async def identify_caller(
        self, ctx: Ctx, full_name: str, date_of_birth: str, phone: str | None = None
    ) -> Any:
        """Confirm who the caller is, before anything about their appointments is revealed or
        changed, and before booking. Also registers a new patient.

        Args:
            full_name: The caller's full name as they said it.
            date_of_birth: Their date of birth in their own words, e.g. "March 3rd 1985".
            phone: The phone number on their patient file, as they said it. Leave empty when
                the call note says the caller ID number is known.
        """
        state = ctx.userdata
        masked = {"full_name": full_name, "date_of_birth": "given", "phone": self._mask(phone)}
        return await self._run(
            ctx,
            "identify_caller",
            masked,
            lambda: verify_caller(state, self._settings, full_name, date_of_birth, phone),
        )

    def _mask(self, phone: str | None) -> str | None:
        if not phone:
            return None
        try:
            return mask_phone(normalize_phone(phone, self._settings.phone_region))
        except InvalidPhone:
            return "invalid"

    @function_tool
    async def find_available_slots(
        self,
        ctx: Ctx,
        when: str | None = None,
        visit_type: str | None = None,
        provider: str | None = None,
    ) -> Any:
        """Find free appointment times and offer them to the caller.

        Args:
            when: The day, time or range the caller wants in their own words ("tomorrow
                afternoon", "next Tuesday at 10", "next week"). Empty for the coming week.
            visit_type: The kind of visit in the caller's words ("a physical", "follow-up"),
                if they said. It asks the caller when the clinic needs to know.
            provider: Who the caller wants to see, in their words ("Dr. Patel"), if they said.
        """
        tools = ctx.userdata.tools
        args: dict[str, Any] = {"when": when, **_said(visit_type=visit_type, provider=provider)}
        return await self._run(
            ctx,
            "find_available_slots",
            args,
            lambda: find_available_slots(
                tools, None, when, limit=3, visit_type=visit_type, provider=provider
            ),
            brief=_starts("slots"),
        )

    @function_tool
    async def book_appointment(
        self,
        ctx: Ctx,
        start: str,
        reason: str | None = None,
        visit_type: str | None = None,
        provider: str | None = None,
    ) -> Any:
        """Book an appointment for the caller. The first call reads the time back to the
        caller; when they say yes, call it again with the same start to book.

        Args:
            start: The time in the caller's own words (e.g. "Wednesday at 10am") or a start
                time from an earlier result; never work out dates yourself.
            reason: What the visit is for, in a few words, if the caller said.
            visit_type: The kind of visit in the caller's words ("a physical"), if they said.
                It asks the caller when the clinic needs to know.
            provider: Who the caller wants to see, in their words ("Dr. Patel"), if they said.
        """
        state = ctx.userdata
        args: dict[str, Any] = {
            "start": start,
            "reason": reason,
            **_said(visit_type=visit_type, provider=provider),
        }
        return await self._run(
            ctx,
            "book_appointment",
            args,
            lambda: writes.book(state, start, reason, visit_type, provider),
            brief=WRITE_BRIEF,
            write=True,
        )

    @function_tool
    async def join_waitlist(self, ctx: Ctx, when: str, provider: str | None = None) -> Any:
        """Put the caller on the waitlist when the time they want is taken, so the clinic calls
        them if it opens up. Only when the caller asks for it.

        Args:
            when: The time or window in the caller's own words ("Thursday at 3", "any Tuesday
                morning") or a start time from an earlier result; never work out dates yourself.
            provider: Who the caller wants to see, in their words, if they said.
        """
        state = ctx.userdata
        return await self._run(
            ctx,
            "join_waitlist",
            {"when": when, **_said(provider=provider)},
            lambda: writes.join(state, when, provider),
            brief=_keys("waitlist", "created"),
            write=True,
        )

    @function_tool
    async def list_appointments(self, ctx: Ctx, include_past: bool = False) -> Any:
        """Tell the caller their own appointments (upcoming unless include_past).

        Args:
            include_past: Also include appointments that already happened.
        """
        state = ctx.userdata
        return await self._run(
            ctx,
            "list_appointments",
            {"include_past": include_past},
            lambda: _list(state, include_past),
            brief=_starts("appointments"),
        )

    @function_tool
    async def cancel_appointment(self, ctx: Ctx, which: str | None = None) -> Any:
        """Cancel one of the caller's appointments. The first call asks the caller to confirm;
        when they say yes, call it again the same way.

        Args:
            which: Which appointment, in the caller's words ("my Wednesday appointment", "the
                one at ten"). Empty when they did not say; it asks if they have several.
        """
        state = ctx.userdata
        return await self._run(
            ctx,
            "cancel_appointment",
            {"which": which},
            lambda: writes.cancel(state, which),
            brief=WRITE_BRIEF,
            write=True,
        )

    @function_tool
    async def reschedule_appointment(
        self, ctx: Ctx, new_start: str, which: str | None = None
    ) -> Any:
        """Move one of the caller's appointments to a new time. The first call reads the change
        back; when the caller says yes, call it again the same way. The old time is released
        only once the new one is held.

        Args:
            new_start: The new time in the caller's own words (e.g. "Friday at 9") or a start
                time from an earlier result; never work out dates yourself.
            which: Which appointment to move, in the caller's words ("my Wednesday
                appointment"). Empty when they did not say; it asks if they have several.
        """
        state = ctx.userdata
        return await self._run(
            ctx,
            "reschedule_appointment",
            {"which": which, "new_start": new_start},
            lambda: writes.move(state, which, new_start),
            brief=WRITE_BRIEF,
            write=True,
        )

    @function_tool
    async def remember_preference(self, ctx: Ctx, topic: str, preference: str) -> Any:
        """Note a scheduling preference of the caller's for next time.

        Args:
            topic: What it is about, e.g. "time_of_day", "doctor", "reminders".
            preference: What they prefer, e.g. "mornings", "Dr. Patel", "text messages".
        """
        state = ctx.userdata
        return await self._run(
            ctx,
            "remember_preference",
            {"topic": topic, "preference": preference},
            lambda: _remember(state, topic, preference),
            brief=_keys(),
        )

    @function_tool
    async def clinic_info(self, ctx: Ctx, question: str) -> Any:
        """Answer a question about the clinic itself: opening hours, address, phone, parking,
        what to bring, insurance accepted, languages spoken, holidays, or another clinic fact.
        It answers only from the clinic's own information and says so when it has none.

        Args:
            question: The caller's question in their own words.
        """
        state = ctx.userdata

        async def op() -> ToolResult:
            profile = await route.load_profile(state)
            today = state.tools.now().astimezone(state.tools.clinic_hours.tz).date()
            topics = [t.name for t in clinic.topics_in(question, profile)]
            said = clinic.answer(question, profile, today)
            return ToolResult(say=said, data={"topics": topics, "known": said != clinic.NOT_KNOWN})

        return await self._run(ctx, "clinic_info", {"question": question}, op, brief=_keys())

    @function_tool
    async def request_callback(self, ctx: Ctx, reason: str) -> Any:
        """Ask the clinic staff to call the caller back, when you cannot help with something.

        Args:
            reason: A short note for the staff on what the caller needs.
        """
        state = ctx.userdata

        async def op() -> ToolResult:
            item = {
                "kind": "callback",
                "reason": " ".join(reason.split())[:300],
                "identified": state.verified_caller is not None,
                "ts": state.tools.now().isoformat(),
            }
            state.timeline.record("action_item", item=item)
            return ToolResult(
                say="I've asked the clinic staff to call you back.", data={"action_item": item}
            )

        return await self._run(ctx, "request_callback", {"reason": reason}, op, brief=_keys())

    @function_tool
    async def transfer_to_staff(self, ctx: Ctx, reason: str) -> Any:
        """Put the caller through to a member of the clinic staff, when they ask for a person
        or their identity cannot be confirmed and they accept the offer. Where a transfer is
        not possible it asks the staff to call back instead, and tells the caller.

        Args:
            reason: A short note for the staff on what the caller needs.
        """
        state, settings = ctx.userdata, self._settings
        return await self._run(
            ctx,
            "transfer_to_staff",
            {"reason": reason},
            lambda: handoff.transfer_to_staff(ctx.session, state, settings, reason),
            brief=_keys("transferred", "why"),
        )

    @function_tool
    async def end_call(self, ctx: Ctx) -> Any:
        """End the call after the caller said goodbye or has nothing else: Aida says goodbye
        herself and hangs up. Say nothing before calling it."""
        state, settings = ctx.userdata, self._settings
        return await self._run(
            ctx,
            "end_call",
            {},
            lambda: handoff.end_call(ctx.session, state, settings),
            brief=_keys(),
        )
