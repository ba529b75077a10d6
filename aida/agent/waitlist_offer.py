"""Aida's call offering a freed slot to a waitlist patient (purpose "waitlist_offer").

The call is placed by the dialer (aida.outbound.dialer, through aida.waitlist.calls) with the
held appointment row as its appointment and the offer's id in its refs. It shares the reminder
call's front (aida.agent.outbound.OutboundAida): nothing said before a person answers, a
recorder hears only the clinic's name and call-back number, "don't call me" is kept, "wrong
number" / "she's not here" ends the call with nothing more said. Then:

    "Hello, this is Aida from Riverside Family Clinic, calling for Jane. An opening on
     Thursday, March 5 at 3 PM came up that you asked to be told about; it's held for you
     for 15 minutes. Would you like it?"

- yes: the slot is booked for the patient on file only after their full name and date of
  birth, checked in code as on any call (aida.agent.verification). Why: the call reaches a
  number, not a proven person (a shared family phone, a number reassigned), and booking is
  a change to the patient's records, which docs/security.md allows only after that proof. It
  costs one turn, and the hold keeps the slot meanwhile. The booking is the hold turned into
  the appointment in one store call (`confirm_hold`); a hold that lapsed is said so.
- no: the hold is released and the time offered to the next match; the patient stays on the
  waitlist. A no needs no proof: it changes nothing but this offer, which lapses anyway.
- anything else: the question once more, then the call ends and the hold runs out.

The offer's time is said to the person who answered, as a reminder says its appointment's
(never a visit reason: a waitlist entry has none).
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator
from typing import Any

from livekit.agents import function_tool

from aida.agent.aida import Ctx
from aida.agent.dialogue.offer import read_offer_reply
from aida.agent.outbound import OUTBOUND_AGENTS, Chunk, OutboundAida
from aida.agent.state import CallState
from aida.agent.verification import ensure_verified
from aida.errors import AidaError, HoldExpired
from aida.outbound import call as script
from aida.outbound import outcomes
from aida.scheduling.speech import spoken_datetime
from aida.store.models import WaitlistOffer
from aida.tools.base import ToolResult, appointment_view
from aida.waitlist import service

logger = logging.getLogger("aida.waitlist.offer")

OPENING = (
    "Hello, this is Aida from {clinic}, calling for {first}. An opening on {when} came up that "
    "you asked to be told about; it's held for you for {minutes} minutes. Would you like it?"
)
ASK_AGAIN = (
    "Sorry, I didn't catch that. The opening is on {when}. Would you like it? Please say yes or no."
)
ASK_IDENTITY = (
    "Great. Before I book it, to confirm who I'm speaking with, please tell me your full name "
    "and date of birth."
)
BOOKED = "You're booked for {when}. We look forward to seeing you."
DECLINED = "No problem, I'll let it go. You're still on our waitlist. Goodbye!"
LAPSED = "I'm sorry, that time is no longer held for you. You're still on our waitlist."
NOT_NEEDED = "Hello, this is Aida from {clinic}. I'm sorry, this call is no longer needed. Goodbye!"
OFFER_REF = "waitlist_offer_id"  # the dispatch refs key (aida.waitlist.calls)


def minutes_left(offer: WaitlistOffer, now: Any) -> int:
    return max(1, math.ceil((offer.expires_at - now).total_seconds() / 60))


class WaitlistOfferAida(OutboundAida):
    """The reminder call's front with the offer's question and answers (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._offer: WaitlistOffer | None = None

    async def _open_offer(self, state: CallState) -> WaitlistOffer | None:
        """The offer this call is about, still held by now, for the number called."""
        offer_id = str(self._job.refs.get(OFFER_REF) or "")
        hold = self._appointment
        if not offer_id or hold is None or hold.status != "held":
            return None
        try:
            offer, entry = await service.get_offer(state.tools, offer_id)
        except HoldExpired:
            return None
        now = state.tools.now()
        if (
            offer.status != "offered"
            or offer.hold_id != hold.id
            or entry.patient_phone != state.caller_phone
            or offer.expires_at <= now
        ):
            return None
        return offer

    def _when(self, offer: WaitlistOffer) -> str:
        return spoken_datetime(offer.slot_start, self._settings.tz)

    # --- the purpose's own part (OutboundAida's seam: its front says nothing before a person
    # answers and gives a recorder only the clinic's name and number) ---------------------------

    async def _opening(self, state: CallState) -> AsyncIterator[Chunk]:
        self._offer = await self._open_offer(state)
        if self._offer is None:
            sentence = NOT_NEEDED.format(clinic=self._settings.clinic_name)
            async for chunk in self._close(outcomes.NOT_NEEDED, sentence):
                yield chunk
            return
        self.phase = "menu"
        state.timeline.record("outbound", step="opening")
        yield OPENING.format(
            clinic=self._settings.clinic_name,
            first=script.first_name(self._name),
            when=self._when(self._offer),
            minutes=minutes_left(self._offer, state.tools.now()),
        )

    async def _reply(self, state: CallState, text: str) -> AsyncIterator[Chunk]:
        assert self._offer is not None
        label = read_offer_reply(text)
        state.timeline.record("understood", rule=f"offer_{label}", tool=None)
        logger.info("offer answer read in code: %s", label)
        actor = f"call:{state.call_id}"
        if label == "accept":
            # the usual identity check first; code books once it passes (_after_identity)
            self.phase = "inbound"
            state.dialog.apply({"awaiting_identity": ("accept_waitlist_offer", {})})
            state.timeline.record("outbound", step="handed_over", wants="accept")
            yield ASK_IDENTITY
            return
        if label in ("decline", "opt_out"):
            if label == "opt_out":
                await self._opt_out(state)
            await self._let_go(state, actor)
            outcome, sentence = (
                (outcomes.DECLINED, DECLINED)
                if label == "decline"
                else (outcomes.OPTED_OUT, script.OPTED_OUT)
            )
            async for chunk in self._close(outcome, sentence):
                yield chunk
            return
        if label == "not_patient":
            async for chunk in self._close(outcomes.WRONG_PERSON, script.WRONG_PERSON):
                yield chunk
            return
        self._unclear += 1
        if self._unclear <= 1:
            yield ASK_AGAIN.format(when=self._when(self._offer))
            return
        async for chunk in self._close(
            outcomes.NO_RESPONSE, script.no_answer_ending(self._callback)
        ):
            yield chunk

    async def _let_go(self, state: CallState, actor: str) -> None:
        """The hold released and the time offered to the next match (the waitlist's run calls
        them); a store that fails here leaves the hold to lapse, which passes it on too."""
        assert self._offer is not None
        try:
            await service.decline(state.tools, self._offer.id, actor=actor)
        except AidaError as exc:
            logger.warning("offer not released (%s); it lapses on its own", exc.code)

    @function_tool
    async def accept_waitlist_offer(self, ctx: Ctx) -> Any:
        """Book the opening this call offers, for the verified patient. Only after the patient
        said yes to the offer."""
        state = ctx.userdata

        async def op() -> ToolResult:
            caller = await ensure_verified(state)
            assert self._offer is not None
            try:
                appt = await service.accept(
                    state.tools, self._offer.id, caller.phone, actor=f"call:{state.call_id}"
                )
            except HoldExpired:
                await self._save(outcomes.NO_RESPONSE)
                return ToolResult(say=LAPSED, data={"lapsed": True})
            await self._save(outcomes.ACCEPTED)
            view = appointment_view(appt, state.tools)
            return ToolResult(
                say=BOOKED.format(when=view["spoken"]),
                # `created`: a booking made in this call, for its record (aida.calls.appointments)
                data={"appointment": view, "created": True, "booked": view["start"]},
            )

        return await self._run(
            ctx,
            "accept_waitlist_offer",
            {},
            op,
            brief=lambda r: {k: r.data[k] for k in ("booked", "lapsed") if k in r.data},
            write=True,
        )


OUTBOUND_AGENTS["waitlist_offer"] = WaitlistOfferAida
