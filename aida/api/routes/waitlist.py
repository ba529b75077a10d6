"""The waitlist, for staff: who waits for which time, the offer each has (the held slot and when
it lapses), and edits: add a patient, change the wanted time or the note, remove an entry (an
open offer is withdrawn and its time passed to the next match). Every read and change is in the
audit log under the staff key's label. The times go through the same grammar and matcher as on
a call (`aida.waitlist`)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from aida.api.audit import record_staff_action, staff_actor
from aida.api.deps import STAFF_ERRORS, ClinicDep, StaffDep, StaffLabel
from aida.api.errors import ApiError
from aida.api.schemas import ErrorBody, ValidationErrorBody
from aida.scheduling.phones import normalize_phone
from aida.scheduling.speech import spoken_datetime
from aida.store.models import WaitlistEntry, WaitlistOffer
from aida.tools.base import ClinicContext
from aida.waitlist import service
from aida.waitlist.wanted import resolve_wanted

router = APIRouter(tags=["waitlist"], dependencies=[StaffDep])

EntryId = Annotated[uuid.UUID, Path(description="The waitlist entry's id (a UUID).")]
ENTRY_ERRORS: dict[int | str, dict[str, object]] = {
    **STAFF_ERRORS,
    404: {"model": ErrorBody, "description": "No such entry, or no such patient."},
    422: {"model": ValidationErrorBody, "description": "A bad phone number or time."},
}


class OfferOut(BaseModel):
    id: str
    status: str = Field(description="offered | accepted | declined | expired | withdrawn")
    start: dt.datetime = Field(description="The freed slot, in the clinic's zone.")
    spoken: str
    expires_at: dt.datetime = Field(description="When the hold lapses.")
    appointment_id: str | None = None


class EntryOut(BaseModel):
    id: str
    phone: str
    patient_name: str | None = None
    wanted: str = Field(description="The wanted time, as Aida said it back.")
    weekly: bool
    status: str = Field(description="waiting | offered | booked | removed")
    created_at: dt.datetime
    updated_by: str | None = None
    note: str | None = None
    offer: OfferOut | None = Field(None, description="The latest offer made to this entry.")


class WaitlistPage(BaseModel):
    entries: list[EntryOut]


class EntryIn(BaseModel):
    phone: str = Field(min_length=3, max_length=32, description="The patient's phone number.")
    when: str = Field(
        min_length=1,
        max_length=120,
        description='The wanted time in words: "Thursday at 3", "any Tuesday morning".',
    )
    note: str | None = Field(None, max_length=500)


class EntryEdit(BaseModel):
    when: str | None = Field(None, min_length=1, max_length=120)
    note: str | None = Field(None, max_length=500)
    status: Literal["waiting", "removed"] | None = None


def _offer_out(ctx: ClinicContext, offer: WaitlistOffer) -> OfferOut:
    tz = ctx.clinic_hours.tz
    return OfferOut(
        id=offer.id,
        status=offer.status,
        start=offer.slot_start.astimezone(tz),
        spoken=spoken_datetime(offer.slot_start, tz),
        expires_at=offer.expires_at.astimezone(tz),
        appointment_id=offer.appointment_id,
    )


async def _out(ctx: ClinicContext, entry: WaitlistEntry) -> EntryOut:
    patient = await ctx.store.get_patient(entry.patient_phone)
    offers = await ctx.store.list_waitlist_offers(entry_id=entry.id)
    return EntryOut(
        id=entry.id,
        phone=entry.patient_phone,
        patient_name=patient.name if patient else None,
        wanted=entry.description,
        weekly=entry.weekly,
        status=entry.status,
        created_at=entry.created_at.astimezone(ctx.clinic_hours.tz),
        updated_by=entry.updated_by,
        note=entry.note,
        offer=_offer_out(ctx, offers[-1]) if offers else None,
    )


async def _entry(ctx: ClinicContext, entry_id: uuid.UUID) -> WaitlistEntry:
    entry = await ctx.store.get_waitlist_entry(str(entry_id))
    if entry is None:
        raise ApiError(404, "waitlist_entry_not_found", f"No waitlist entry has the id {entry_id}.")
    return entry


async def _withdraw_open_offer(ctx: ClinicContext, entry: WaitlistEntry, actor: str) -> None:
    for offer in await ctx.store.list_waitlist_offers(entry_id=entry.id, status="offered"):
        await service.decline(ctx, offer.id, actor=actor, outcome="withdrawn")


@router.get(
    "/waitlist",
    response_model=WaitlistPage,
    summary="The waitlist",
    description="Oldest first (the order freed times are offered in); by default every entry "
    "not removed.",
    responses={**STAFF_ERRORS, 422: {"model": ValidationErrorBody}},
)
async def list_waitlist(
    ctx: ClinicDep,
    staff: StaffLabel,
    status: Annotated[Literal["waiting", "offered", "booked", "removed"] | None, Query()] = None,
) -> WaitlistPage:
    entries = await ctx.store.list_waitlist(status=status)
    if status is None:
        entries = [e for e in entries if e.status != "removed"]
    out = [await _out(ctx, e) for e in entries]
    await record_staff_action(
        ctx.store, ctx.clock, staff, "read_waitlist", count=len(out), status=status
    )
    return WaitlistPage(entries=out)


@router.post(
    "/waitlist",
    response_model=EntryOut,
    status_code=201,
    summary="Put a patient on the waitlist",
    description="The same wish again returns the entry the patient has (200).",
    responses={**ENTRY_ERRORS, 200: {"model": EntryOut}},
)
async def add_entry(
    body: EntryIn, ctx: ClinicDep, staff: StaffLabel, response: Response
) -> EntryOut:
    phone = normalize_phone(body.phone, ctx.settings.phone_region)
    joined = await service.join(ctx, phone, body.when, actor=staff_actor(staff))
    entry = joined.entry
    if body.note is not None and joined.created:
        entry = await ctx.store.save_waitlist_entry(entry.model_copy(update={"note": body.note}))
    if not joined.created:
        response.status_code = 200
    await record_staff_action(
        ctx.store, ctx.clock, staff, "add_waitlist_entry", phone=phone, entry_id=entry.id
    )
    return await _out(ctx, entry)


@router.patch(
    "/waitlist/{entry_id}",
    response_model=EntryOut,
    summary="Change a waitlist entry",
    description="A new wanted time (`when`, in words), the note, or `status` (`removed` takes it "
    "off the list and withdraws an open offer; `waiting` puts it back).",
    responses=ENTRY_ERRORS,
)
async def edit_entry(
    entry_id: EntryId, body: EntryEdit, ctx: ClinicDep, staff: StaffLabel
) -> EntryOut:
    entry = await _entry(ctx, entry_id)
    actor = staff_actor(staff)
    changes: dict[str, object] = {"updated_by": actor}
    if body.when is not None:
        wanted = resolve_wanted(body.when, ctx.now(), ctx.clinic_hours)
        changes.update(
            window_start=wanted.window_start,
            window_end=wanted.window_end,
            daily_from=wanted.daily[0] if wanted.daily else None,
            daily_until=wanted.daily[1] if wanted.daily else None,
            weekly=wanted.weekly,
            description=wanted.description,
        )
    if body.note is not None:
        changes["note"] = body.note
    if body.status == "removed" or (body.status is None and body.when is not None):
        await _withdraw_open_offer(ctx, entry, actor)
        entry = await _entry(ctx, entry_id)
    if body.status is not None:
        changes["status"] = body.status
    saved = await ctx.store.save_waitlist_entry(entry.model_copy(update=changes))
    await record_staff_action(
        ctx.store,
        ctx.clock,
        staff,
        "update_waitlist_entry",
        phone=entry.patient_phone,
        entry_id=entry.id,
        fields=sorted(k for k in body.model_fields_set) or None,
    )
    return await _out(ctx, saved)


@router.delete(
    "/waitlist/{entry_id}",
    response_model=EntryOut,
    summary="Remove a patient from the waitlist",
    description="Kept as `removed` for the record; an open offer is withdrawn and its time "
    "offered to the next match.",
    responses=ENTRY_ERRORS,
)
async def remove_entry(entry_id: EntryId, ctx: ClinicDep, staff: StaffLabel) -> EntryOut:
    entry = await _entry(ctx, entry_id)
    actor = staff_actor(staff)
    await _withdraw_open_offer(ctx, entry, actor)
    entry = await _entry(ctx, entry_id)
    saved = await ctx.store.save_waitlist_entry(
        entry.model_copy(update={"status": "removed", "updated_by": actor})
    )
    await record_staff_action(
        ctx.store,
        ctx.clock,
        staff,
        "remove_waitlist_entry",
        phone=entry.patient_phone,
        entry_id=entry.id,
    )
    return await _out(ctx, saved)
