"""Aida on a call she placed (aida.outbound): the reminder's opening and menu, voicemail, and
then, for a cancellation or a new time, the usual dialogue with its usual checks.

`OutboundAida` is `Aida` with an outbound front: until the patient has answered the menu,
each caller turn is read here (after the emergency guard, which sees every turn first);
afterwards the turns go to Aida's own reader, model and tools unchanged. Nothing is said
before a person answers: the first sound on the line decides whether it is one (a short
"hello?") or a recorder (a long greeting, a recorder's words, or silence), which hears only
the clinic's name and call-back number (aida.outbound.call).

Keypad digits (LiveKit SIP DTMF) are read as the same turn a spoken digit is (`on_dtmf`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from livekit.agents import FlushSentinel, ModelSettings, llm
from livekit.agents.llm import ChatContext, ChatMessage

from aida.agent import handoff
from aida.agent.aida import Aida, _tool_call_chunk
from aida.agent.dialogue.reminder import DIGITS, read_reply
from aida.agent.state import Caller, CallState
from aida.calls.appointments import appointments_in_call
from aida.config import Settings
from aida.errors import AidaError
from aida.outbound import call as script
from aida.outbound import outcomes
from aida.outbound.consent import record_opt_out
from aida.outbound.records import save_outcome
from aida.store.models import Appointment

logger = logging.getLogger("aida.outbound.agent")

Chunk = llm.ChatChunk | str | FlushSentinel
OUTBOUND_NOTE = (
    "Call note: Aida placed this call (an appointment reminder) to the number on file; whoever "
    "answered has not proven who they are. Before cancelling, moving or telling anything about "
    "appointments, ask for their full name and date of birth and call identify_caller."
)
FINAL_SAID = {
    "confirm": (outcomes.CONFIRMED, script.CONFIRMED),
    "opt_out": (outcomes.OPTED_OUT, script.OPTED_OUT),
    "not_patient": (outcomes.WRONG_PERSON, script.WRONG_PERSON),
    "callback_later": (outcomes.CALLBACK_LATER, script.CALL_LATER),
}


class OutboundAida(Aida):
    def __init__(
        self,
        settings: Settings,
        *,
        caller: Caller | None,
        job: script.OutboundJob,
        appointment: Appointment | None,
        patient_name: str | None,
        callback_number: str | None,
        silence_s: float | None = script.SILENCE_IS_MACHINE_S,
    ) -> None:
        super().__init__(settings, caller=caller, greet=False)
        # for the model, once the usual dialogue has the call: who called whom, and that the
        # number answering proves nobody (after the instructions: the cached prefix stays)
        self._chat_ctx.add_message(role="system", content=OUTBOUND_NOTE)
        self._job = job
        self._appointment = appointment
        self._name = patient_name
        self._callback = callback_number
        self._silence_s = silence_s
        # "answer": nobody heard yet; "menu": the opening was said; "inbound": the usual
        # dialogue has the call; "closed": a last sentence is being said
        self.phase = "answer"
        self._unclear = 0
        self._move_after_identity = False
        self._listening: asyncio.Task[None] | None = None
        self._heard = False  # the line carried speech: a turn is coming, whatever it is

    async def on_enter(self) -> None:
        state: CallState = self.session.userdata
        state.timeline.record("outbound", step="waiting_for_answer", purpose=self._job.purpose)
        self.session.on("user_state_changed", self._on_user_state)
        if self._silence_s is not None:
            self._listening = asyncio.ensure_future(self._voicemail_after_silence())

    async def on_exit(self) -> None:
        self.session.off("user_state_changed", self._on_user_state)
        if self._listening is not None:
            self._listening.cancel()

    def _on_user_state(self, ev: Any) -> None:
        if getattr(ev, "new_state", None) == "speaking":
            self._heard = True

    # --- who answered ----------------------------------------------------------------------

    async def _voicemail_after_silence(self) -> None:
        """Nobody said anything once the line went live: a recorder waiting for its beep, or a
        person waiting; either hears only the clinic's name and number."""
        assert self._silence_s is not None
        await asyncio.sleep(self._silence_s)
        state: CallState = self.session.userdata
        # Someone or something spoke: its turn decides (a "hello" still being transcribed must
        # not get the voicemail message).
        if self._heard or self.phase != "answer" or state.caller_lines or state.closing:
            return
        self.phase = "closed"
        state.timeline.record("voicemail", why="silence")
        await self._save(outcomes.VOICEMAIL)
        message = script.voicemail_message(self._settings, self._callback)
        await handoff.hang_up(self.session, state, self._settings, message, by="aida")

    def on_dtmf(self, digit: str) -> None:
        """A keypad press (LiveKit's `sip_dtmf_received`): in the menu, the same turn as the
        digit said aloud; elsewhere (the date-of-birth check, say) it is not an answer."""
        state: CallState = self.session.userdata
        if self.phase != "menu" or digit not in DIGITS:
            state.timeline.record("dtmf", used=False)
            return
        state.timeline.record("dtmf", used=True, digit=digit)
        self.session.generate_reply(user_input=digit)

    # --- the turns ---------------------------------------------------------------------------

    async def llm_node(
        self, chat_ctx: ChatContext, tools: list[llm.Tool], model_settings: ModelSettings
    ) -> AsyncIterator[Chunk]:
        state: CallState = self.session.userdata
        last = next((m for m in reversed(chat_ctx.messages()) if m.role == "user"), None)
        if self.phase in ("inbound", "closed") or last is None:
            async for chunk in Aida.llm_node(self, chat_ctx, tools, model_settings):
                yield chunk
            return
        after_tool = bool(chat_ctx.items) and chat_ctx.items[-1].type == "function_call_output"
        if after_tool:
            return  # the menu's own end_call: nothing more to say
        emergency = self._screen(last)
        if emergency is not None:
            yield emergency
            return
        if state.emergency is not None:
            async for chunk in Aida.llm_node(self, chat_ctx, tools, model_settings):
                yield chunk
            return
        if self._safety_net is not None:
            yield self._safety_net + " "
            yield FlushSentinel()
            self._safety_net = None
        async for chunk in self._front(state, last):
            yield chunk

    async def _front(self, state: CallState, last: ChatMessage) -> AsyncIterator[Chunk]:
        text = last.text_content or ""
        if self.phase == "answer":
            if self._listening is not None:
                self._listening.cancel()
            if script.sounds_like_machine(text):
                state.timeline.record("understood", rule="outbound_machine", tool=None)
                state.timeline.record("voicemail", why="greeting")
                async for chunk in self._close(
                    outcomes.VOICEMAIL, script.voicemail_message(self._settings, self._callback)
                ):
                    yield chunk
                return
            state.timeline.record("understood", rule="outbound_person", tool=None)
            async for chunk in self._opening(state):
                yield chunk
            return
        async for chunk in self._reply(state, text):
            yield chunk

    # --- the purpose's own part: a person answered (another purpose overrides these two) ------

    async def _opening(self, state: CallState) -> AsyncIterator[Chunk]:
        """What a person who answered hears first; sets `phase` to "menu" when a reply is
        awaited."""
        appointment = self._appointment
        if appointment is None or appointment.status != "booked":
            async for chunk in self._close(
                outcomes.NOT_NEEDED,
                script.NOTHING_TO_REMIND.format(clinic=self._settings.clinic_name),
            ):
                yield chunk
            return
        self.phase = "menu"
        state.timeline.record("outbound", step="opening")
        yield script.reminder_opening(self._settings, self._name, appointment)

    async def _reply(self, state: CallState, text: str) -> AsyncIterator[Chunk]:
        """The answer to the opening (the reminder's menu)."""
        label = read_reply(text)
        state.timeline.record("understood", rule=f"reminder_{label}", tool=None)
        logger.info("reminder answer read in code: %s", label)
        if label in FINAL_SAID:
            outcome, sentence = FINAL_SAID[label]
            if label == "opt_out":
                await self._opt_out(state)
            async for chunk in self._close(outcome, sentence):
                yield chunk
            return
        if label in ("cancel", "reschedule"):
            yield self._hand_over(state, label)
            return
        self._unclear += 1
        if self._unclear <= 1:
            yield script.MENU_AGAIN
            return
        async for chunk in self._close(
            outcomes.NO_RESPONSE, script.no_answer_ending(self._callback)
        ):
            yield chunk

    def _hand_over(self, state: CallState, label: str) -> str:
        """Cancel or move: the usual dialogue from here, which asks for the date of birth
        first; the appointment is this reminder's, matched against the verified caller's own
        appointments only (its id, `aida.tools._common.pick_appointment`)."""
        assert self._appointment is not None
        self.phase = "inbound"
        which = self._appointment.id
        state.timeline.record("outbound", step="handed_over", wants=label)
        if label == "cancel":
            state.dialog.apply(
                {"task": "cancel", "awaiting_identity": ("cancel_appointment", {"which": which})}
            )
            return script.ASK_IDENTITY_CANCEL
        state.dialog.apply({"task": "move", "which": which})
        self._move_after_identity = True
        return script.ASK_IDENTITY_MOVE

    def _after_identity(self, output: Any, last: ChatMessage | None) -> llm.ChatChunk | str | None:
        state: CallState = self.session.userdata
        if (
            self._move_after_identity
            and getattr(output, "name", "") == "identify_caller"
            and not getattr(output, "is_error", True)
            and state.verified_caller is not None
        ):
            self._move_after_identity = False
            state.timeline.record("understood", rule="reminder_move_ask_time", tool=None)
            return script.WHICH_NEW_TIME
        return super()._after_identity(output, last)

    async def _close(self, outcome: str, sentence: str) -> AsyncIterator[Chunk]:
        """Save what the call came to, then the last sentence and hang up (end_call, so the
        sentence is heard to its end before the room goes)."""
        state: CallState = self.session.userdata
        self.phase = "closed"
        await self._save(outcome)
        state.farewell = sentence
        yield _tool_call_chunk("end_call", {}, "outbound")

    async def _opt_out(self, state: CallState) -> None:
        phone = state.caller_phone
        if phone is None:
            return
        try:
            await record_opt_out(state.tools.store, phone, state.tools.now())
        except AidaError:  # no patient row for the number: nothing to keep it on
            logger.warning("opt-out not recorded: no patient for the number called")

    async def _save(self, outcome: str) -> None:
        state: CallState = self.session.userdata
        state.outbound_outcome = outcome
        state.timeline.record("outbound_outcome", outcome=outcome)
        await save_outcome(
            state.tools.store,
            self._job.attempt_id,
            outcome,
            state.tools.now(),
            purpose=self._job.purpose,
            phone=state.caller_phone,
            appointment_id=self._job.appointment_id,
            call_id=state.call_id,
        )


def final_outcome(state: CallState) -> str:
    """What an outbound call came to, at its end: the menu's answer, or what the usual
    dialogue did after it (an appointment cancelled or moved), or no answer at all."""
    changes = {c["action"] for c in appointments_in_call(state.timeline.events)}
    if "cancelled" in changes:
        return outcomes.CANCELLED
    if "rescheduled" in changes:
        return outcomes.RESCHEDULED
    if state.outbound_outcome is not None:
        return state.outbound_outcome
    handed = any(e.get("step") == "handed_over" for e in state.timeline.of_type("outbound"))
    return outcomes.HANDED_OVER if handed else outcomes.NO_RESPONSE


async def finish_outbound(state: CallState) -> None:
    """At the end of an outbound call: its attempt gets its final outcome and the call record's
    id (the call end hook, aida.agent.session)."""
    job = state.outbound
    if job is None:
        return
    outcome = final_outcome(state)
    if outcome != state.outbound_outcome:
        state.timeline.record("outbound_outcome", outcome=outcome)
    state.outbound_outcome = outcome
    with contextlib.suppress(Exception):
        await save_outcome(
            state.tools.store,
            job.attempt_id,
            outcome,
            state.tools.now(),
            purpose=job.purpose,
            phone=state.caller_phone,
            appointment_id=job.appointment_id,
            call_id=state.call_id,
        )


# Agents for other purposes register here (the waitlist offer: issue 24b), each built from
# the same facts as the reminder's; a purpose with none gets the voicemail-safe message.
AgentFactory = Callable[..., Aida]
OUTBOUND_AGENTS: dict[str, AgentFactory] = {"reminder": OutboundAida}
