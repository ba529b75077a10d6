"""A calendar backend and an Aida backend put together as one `Store`.

A clinic whose EHR is the system of record for patients and appointments keeps Aida's own
records (calls, action items, identity failures, audit) in SQLite, PostgreSQL or Supabase: this
sends each method to the half that owns it, so callers keep taking one `Store`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from aida.errors import InvalidRequest
from aida.store.failures import patient_not_found
from aida.store.models import (
    ActionItemDone,
    Appointment,
    AuditEntry,
    BookingResult,
    CallSummary,
    Closure,
    ClosureAdded,
    IdentityCount,
    OutboundAttempt,
    Patient,
    Provider,
    VisitType,
    WaitlistEntry,
    WaitlistOffer,
)
from aida.store.protocol import (
    AidaStore,
    CalendarStore,
    PendingRegistrations,
    SlotHolds,
    WaitlistStore,
)


class SplitStore:
    def __init__(self, calendar: CalendarStore, aida: AidaStore) -> None:
        self.calendar = calendar
        self.aida = aida
        self.backend = f"{calendar.backend}+{aida.backend}"

    async def migrate(self) -> None:
        await self.aida.migrate()
        await self.calendar.migrate()

    async def ping(self) -> None:
        await self.aida.ping()
        await self.calendar.ping()

    async def close(self) -> None:
        try:
            await self.calendar.close()
        finally:
            await self.aida.close()

    # --- the calendar half ---
    async def get_patient(self, phone: str) -> Patient | None:
        return await self.calendar.get_patient(phone)

    async def patients_for(self, phone: str) -> list[Patient]:
        return await self.calendar.patients_for(phone)

    async def upsert_patient(
        self, phone: str, name: str | None = None, date_of_birth: dt.date | None = None
    ) -> Patient:
        return await self.calendar.upsert_patient(phone, name, date_of_birth)

    async def set_date_of_birth(self, phone: str, date_of_birth: dt.date) -> Patient:
        return await self.calendar.set_date_of_birth(phone, date_of_birth)

    async def merge_preferences(self, phone: str, preferences: dict[str, Any]) -> Patient:
        return await self.calendar.merge_preferences(phone, preferences)

    async def book(
        self,
        phone: str,
        start: dt.datetime,
        end: dt.datetime,
        meta: dict[str, Any] | None = None,
        *,
        provider_id: str | None = None,
        visit_type_id: str | None = None,
        patient_file: str | None = None,
    ) -> BookingResult:
        return await self.calendar.book(
            phone,
            start,
            end,
            meta,
            provider_id=provider_id,
            visit_type_id=visit_type_id,
            patient_file=patient_file,
        )

    async def cancel(
        self, appointment_id: str, phone: str, *, patient_file: str | None = None
    ) -> Appointment:
        return await self.calendar.cancel(appointment_id, phone, patient_file=patient_file)

    async def reschedule(
        self,
        appointment_id: str,
        phone: str,
        start: dt.datetime,
        end: dt.datetime,
        *,
        patient_file: str | None = None,
    ) -> Appointment:
        return await self.calendar.reschedule(
            appointment_id, phone, start, end, patient_file=patient_file
        )

    async def get_appointment(self, appointment_id: str) -> Appointment | None:
        return await self.calendar.get_appointment(appointment_id)

    async def list_appointments(
        self,
        phone: str | None = None,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        status: str | None = "booked",
        *,
        patient_file: str | None = None,
    ) -> list[Appointment]:
        return await self.calendar.list_appointments(
            phone, start, end, status, patient_file=patient_file
        )

    async def add_closure(
        self,
        start: dt.datetime,
        end: dt.datetime,
        reason: str | None = None,
        *,
        all_day: bool = False,
    ) -> ClosureAdded:
        return await self.calendar.add_closure(start, end, reason, all_day=all_day)

    async def list_closures(
        self, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> list[Closure]:
        return await self.calendar.list_closures(start, end)

    async def remove_closure(self, closure_id: str) -> Closure | None:
        return await self.calendar.remove_closure(closure_id)

    async def save_provider(self, name: str, hours: str | None = None) -> Provider:
        return await self.calendar.save_provider(name, hours)

    async def list_providers(self) -> list[Provider]:
        return await self.calendar.list_providers()

    async def save_visit_type(
        self, name: str, minutes: int, provider_ids: list[str] | None = None
    ) -> VisitType:
        return await self.calendar.save_visit_type(name, minutes, provider_ids)

    async def published_openings(
        self, start: dt.datetime, end: dt.datetime, provider_ids: Sequence[str | None]
    ) -> dict[str | None, list[tuple[dt.datetime, dt.datetime]]]:
        return await self.calendar.published_openings(start, end, provider_ids)

    async def list_visit_types(self) -> list[VisitType]:
        return await self.calendar.list_visit_types()

    # --- Aida's half ---
    async def save_call_summary(
        self, summary: CallSummary, *, patient_on_file: bool = False
    ) -> None:
        phone = summary.user_phone
        on_file = patient_on_file or (
            phone is not None and await self.calendar.get_patient(phone) is not None
        )
        await self.aida.save_call_summary(summary, patient_on_file=on_file)

    async def get_call_summary(self, summary_id: str) -> CallSummary | None:
        return await self.aida.get_call_summary(summary_id)

    async def list_call_summaries(
        self,
        phone: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int = 50,
        offset: int = 0,
        open_first: bool = False,
    ) -> list[CallSummary]:
        return await self.aida.list_call_summaries(phone, since, until, limit, offset, open_first)

    async def mark_action_item_done(
        self, call_id: str, index: int, done_by: str, at: dt.datetime
    ) -> ActionItemDone:
        return await self.aida.mark_action_item_done(call_id, index, done_by, at)

    async def reopen_action_item(self, call_id: str, index: int) -> None:
        await self.aida.reopen_action_item(call_id, index)

    async def list_action_items_done(self, call_ids: Sequence[str]) -> list[ActionItemDone]:
        return await self.aida.list_action_items_done(call_ids)

    async def record_identity_failure(self, phone: str, at: dt.datetime) -> None:
        await self.aida.record_identity_failure(phone, at)

    async def count_identity_failures(self, phone: str, since: dt.datetime) -> int:
        return await self.aida.count_identity_failures(phone, since)

    async def clear_identity_failures(self, phone: str) -> None:
        await self.aida.clear_identity_failures(phone)

    async def reserve_identity_attempt(
        self,
        attempt: str,
        keys: Sequence[str],
        at: dt.datetime,
        since: dt.datetime,
        weight: int = 1,
    ) -> list[IdentityCount]:
        return await self.aida.reserve_identity_attempt(attempt, keys, at, since, weight)

    async def release_identity_attempt(self, attempt: str) -> None:
        await self.aida.release_identity_attempt(attempt)

    async def take_assertion_id(self, jti: str, expires: dt.datetime, now: dt.datetime) -> bool:
        return await self.aida.take_assertion_id(jti, expires, now)

    async def record_audit(self, entry: AuditEntry) -> None:
        await self.aida.record_audit(entry)

    async def list_audit(
        self,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        phone: str | None = None,
        actor: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[AuditEntry]:
        return await self.aida.list_audit(since, until, phone, actor, limit, offset)

    # --- pending registrations: the calendar half's, where it keeps them ---
    def _pending(self) -> PendingRegistrations | None:
        return self.calendar if isinstance(self.calendar, PendingRegistrations) else None

    async def register_pending_patient(
        self, phone: str, name: str, date_of_birth: dt.date
    ) -> Patient | None:
        pending = self._pending()
        if pending is not None:
            return await pending.register_pending_patient(phone, name, date_of_birth)
        # A calendar (an EHR) with no notion of pending: the patient is registered there as
        # any other, and the call's action item still asks staff to confirm it.
        if await self.calendar.get_patient(phone) is not None:
            return None
        return await self.calendar.upsert_patient(phone, name, date_of_birth)

    async def confirm_patient(self, phone: str) -> Patient:
        pending = self._pending()
        if pending is not None:
            return await pending.confirm_patient(phone)
        patient = await self.calendar.get_patient(phone)
        if patient is None:
            raise patient_not_found()
        return patient

    async def list_pending_patients(self) -> list[Patient]:
        pending = self._pending()
        return await pending.list_pending_patients() if pending is not None else []

    async def save_outbound_call(self, attempt: OutboundAttempt) -> None:
        await self.aida.save_outbound_call(attempt)

    async def list_outbound_calls(
        self,
        appointment_id: str | None = None,
        phone: str | None = None,
        purpose: str | None = None,
        since: dt.datetime | None = None,
        limit: int = 200,
    ) -> list[OutboundAttempt]:
        return await self.aida.list_outbound_calls(appointment_id, phone, purpose, since, limit)

    async def get_clinic_profile(self) -> dict[str, Any] | None:
        return await self.aida.get_clinic_profile()

    async def save_clinic_profile(self, profile: dict[str, Any], updated_by: str) -> None:
        await self.aida.save_clinic_profile(profile, updated_by)

    # --- slot holds: the calendar half's, where it has them ---
    @property
    def holds_slots(self) -> bool:
        return isinstance(self.calendar, SlotHolds)

    def _holds(self) -> SlotHolds:
        # An EHR's calendar has no constraint Aida could extend to a hold (docs/fhir.md): with
        # one, the waitlist keeps entries but makes no held offers (docs/waitlist.md).
        if isinstance(self.calendar, SlotHolds):
            return self.calendar
        raise InvalidRequest("This calendar can't hold a time for the waitlist.")

    async def hold_slot(
        self,
        phone: str,
        start: dt.datetime,
        end: dt.datetime,
        *,
        now: dt.datetime,
        expires_at: dt.datetime,
        meta: dict[str, Any] | None = None,
        provider_id: str | None = None,
        visit_type_id: str | None = None,
    ) -> Appointment:
        return await self._holds().hold_slot(
            phone,
            start,
            end,
            now=now,
            expires_at=expires_at,
            meta=meta,
            provider_id=provider_id,
            visit_type_id=visit_type_id,
        )

    async def confirm_hold(self, hold_id: str, phone: str, now: dt.datetime) -> Appointment:
        return await self._holds().confirm_hold(hold_id, phone, now)

    async def release_hold(self, hold_id: str) -> Appointment | None:
        return await self._holds().release_hold(hold_id)

    async def release_expired_holds(self, now: dt.datetime) -> list[Appointment]:
        if not isinstance(self.calendar, SlotHolds):
            return []
        return await self.calendar.release_expired_holds(now)

    # --- the waitlist: Aida's half ---
    def _waitlist(self) -> WaitlistStore:
        assert isinstance(self.aida, WaitlistStore)
        return self.aida

    async def save_waitlist_entry(self, entry: WaitlistEntry) -> WaitlistEntry:
        return await self._waitlist().save_waitlist_entry(entry)

    async def get_waitlist_entry(self, entry_id: str) -> WaitlistEntry | None:
        return await self._waitlist().get_waitlist_entry(entry_id)

    async def list_waitlist(
        self, status: str | None = None, phone: str | None = None
    ) -> list[WaitlistEntry]:
        return await self._waitlist().list_waitlist(status, phone)

    async def save_waitlist_offer(self, offer: WaitlistOffer) -> WaitlistOffer:
        return await self._waitlist().save_waitlist_offer(offer)

    async def list_waitlist_offers(
        self,
        entry_id: str | None = None,
        status: str | None = None,
        slot_start: dt.datetime | None = None,
    ) -> list[WaitlistOffer]:
        return await self._waitlist().list_waitlist_offers(entry_id, status, slot_start)
