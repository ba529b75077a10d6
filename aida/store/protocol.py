"""The interfaces every storage backend implements, in two halves.

`CalendarStore` is what the clinic owns, its system of record: patients, appointments,
providers, visit types and closures. `AidaStore` is what Aida owns: call records, the action
items staff work through, identity failures and the audit log. SQLite, PostgreSQL and Supabase
serve both halves (`Store`, their union); a clinic with an EHR puts its FHIR server behind the
calendar half and keeps one of them for Aida's own (`aida.store.split.SplitStore`).

The calendar backend, not its callers, guarantees the calendar: overlapping booked appointments
are rejected with `SlotTaken`, a repeated booking returns the existing row, and a reschedule holds
the new slot before releasing the old one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

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


@runtime_checkable
class Backend(Protocol):
    """What either half needs to be opened, checked and closed."""

    backend: str  # "sqlite" | "postgres" | "supabase" | "fhir"

    async def migrate(self) -> None:
        """Create or upgrade the schema (or check the server); safe to run any number of times."""

    async def ping(self) -> None:
        """Raise `StoreUnavailable` when the backend cannot answer."""

    async def close(self) -> None: ...


@runtime_checkable
class CalendarStore(Backend, Protocol):
    """The clinic's system of record: patients, appointments, providers, visit types, closures."""

    # --- patients ---
    async def get_patient(self, phone: str) -> Patient | None: ...

    async def patients_for(self, phone: str) -> list[Patient]:
        """Every file on this number, oldest first. Aida's own databases keep one per number;
        an EHR may keep several (a family phone), each with its `file_id`: verification by
        name and date of birth picks one of them, never the first."""

    async def upsert_patient(
        self, phone: str, name: str | None = None, date_of_birth: dt.date | None = None
    ) -> Patient:
        """Create the patient, or update the name when one is given; never clears a name.
        `date_of_birth` is written only when none is on file: a recorded one is never replaced
        here, so a caller cannot set it and then verify against it."""

    async def set_date_of_birth(self, phone: str, date_of_birth: dt.date) -> Patient:
        """Staff correction: overwrite the date of birth on file; raises `PatientNotFound`."""

    async def merge_preferences(self, phone: str, preferences: dict[str, Any]) -> Patient:
        """Shallow-merge into `users.preferences`; raises `PatientNotFound`."""

    # --- appointments ---
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
        """Book [start, end) for an existing patient. Same patient + same start already booked:
        returns it with created=False. Overlap with another booking with the same provider (or,
        without one, on the shared calendar): `SlotTaken`. Inside a closure: `ClinicClosed`.
        `patient_file`: the file the caller verified as, where the number has several
        (`Patient.file_id`); Aida's own databases hold one file per number and need none."""

    async def cancel(
        self, appointment_id: str, phone: str, *, patient_file: str | None = None
    ) -> Appointment:
        """Cancel the patient's appointment. Already cancelled: returned as is (idempotent).
        Unknown id: `AppointmentNotFound`; another patient's: `NotYourAppointment`, and so is
        one on another file of the same number when `patient_file` (the file the caller
        verified as) is given. Aida's own databases hold one file per number, whose `file_id`
        is None: any other `patient_file` names no file of theirs."""

    async def reschedule(
        self,
        appointment_id: str,
        phone: str,
        start: dt.datetime,
        end: dt.datetime,
        *,
        patient_file: str | None = None,
    ) -> Appointment:
        """Atomically book the new slot and cancel the old one; returns the new appointment.
        The new row keeps the old one's provider and visit type; it may not fall in a closure.
        The old row gets meta.rescheduled_to, the new one meta.rescheduled_from. Repeating a
        reschedule that already happened returns the same new appointment. On any error the
        original stays booked. `patient_file`: as for `cancel`."""

    async def get_appointment(self, appointment_id: str) -> Appointment | None: ...

    async def list_appointments(
        self,
        phone: str | None = None,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        status: str | None = "booked",
        *,
        patient_file: str | None = None,
    ) -> list[Appointment]:
        """Appointments overlapping [start, end) (either bound optional), oldest first;
        with `patient_file`, only that file's (a family phone holds several files: a caller
        verified as one hears only its own). Aida's own databases: none for a file that is
        not None."""

    # --- the calendar: closures, providers, visit types ---
    async def add_closure(
        self,
        start: dt.datetime,
        end: dt.datetime,
        reason: str | None = None,
        *,
        all_day: bool = False,
    ) -> ClosureAdded:
        """Close [start, end) to new bookings, under the booking lock; returns the closure and
        the booked appointments inside it (left booked, for staff to move)."""

    async def list_closures(
        self, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> list[Closure]:
        """Closures overlapping [start, end) (either bound optional), earliest first."""

    async def remove_closure(self, closure_id: str) -> Closure | None:
        """Reopen: delete the closure; None when there is no such closure."""

    async def save_provider(self, name: str, hours: str | None = None) -> Provider:
        """Create the provider, or set the hours of the one with that name (any case)."""

    async def list_providers(self) -> list[Provider]:
        """By name."""

    async def save_visit_type(
        self, name: str, minutes: int, provider_ids: list[str] | None = None
    ) -> VisitType:
        """Create the visit type, or update the one with that name (any case). Unknown provider
        ids: `InvalidRequest`."""

    async def list_visit_types(self) -> list[VisitType]:
        """By name."""

    async def published_openings(
        self, start: dt.datetime, end: dt.datetime, provider_ids: Sequence[str | None]
    ) -> dict[str | None, list[tuple[dt.datetime, dt.datetime]]]:
        """The openings the calendar itself publishes in [start, end) (an EHR's free Slots,
        none booked), per calendar (a provider id, None for the shared one) that publishes any;
        a calendar left out publishes none, and its hours minus its bookings are its openings.
        Aida offers a time only inside these, and the store books only inside them."""


@runtime_checkable
class AidaStore(Backend, Protocol):
    """What Aida owns: call records, staff work on action items, identity failures, audit, and
    the clinic profile staff set for her to tell callers."""

    # --- call summaries ---
    async def save_call_summary(
        self, summary: CallSummary, *, patient_on_file: bool = False
    ) -> None:
        """Insert or replace by id: retrying the same record never makes a second row. A
        record never creates a patient: a `user_phone` with no patient row is kept as
        `presented_phone` instead, unless `patient_on_file` says the calendar half holds the
        patient (a split store), when the row the foreign key needs is made."""

    async def get_call_summary(self, summary_id: str) -> CallSummary | None: ...

    async def list_call_summaries(
        self,
        phone: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int = 50,
        offset: int = 0,
        open_first: bool = False,
    ) -> list[CallSummary]:
        """Newest first; with `open_first`, calls with an action item not marked done come
        before all others (each group newest first)."""

    # --- staff work on a call's action items ---
    async def mark_action_item_done(
        self, call_id: str, index: int, done_by: str, at: dt.datetime
    ) -> ActionItemDone:
        """Mark `action_items[index]` of the call done. Already done: the first mark is kept and
        returned (idempotent). No such call or item: `ActionItemNotFound`."""

    async def reopen_action_item(self, call_id: str, index: int) -> None:
        """Forget that the item was done; nothing to forget is fine."""

    async def list_action_items_done(self, call_ids: Sequence[str]) -> list[ActionItemDone]:
        """The done marks of these calls, by call then index."""

    # --- identity checks: failures per phone, across calls ---
    async def record_identity_failure(self, phone: str, at: dt.datetime) -> None:
        """One failed identity check for `phone` at `at` (aware)."""

    async def count_identity_failures(self, phone: str, since: dt.datetime) -> int:
        """Failures (summed weights) for `phone` at or after `since`; the caller picks the
        window (expiry)."""

    async def clear_identity_failures(self, phone: str) -> None:
        """Forget every failure for `phone`, after it verified successfully."""

    # --- identity guard: attempts reserved and counted in one step ---
    async def reserve_identity_attempt(
        self,
        attempt: str,
        keys: Sequence[str],
        at: dt.datetime,
        since: dt.datetime,
        weight: int = 1,
    ) -> list[IdentityCount]:
        """In one atomic step: what each key (a patient's phone, an origin) had failed at or
        after `since` (summed weights, last time), then this attempt counted against every key
        with `weight` (the distinct guesses it held). Parallel attempts are counted one after
        another, so no check can slip between another's count and its insert."""

    async def release_identity_attempt(self, attempt: str) -> None:
        """The attempt succeeded: it is no failure of anybody's."""

    # --- portal assertions: each id used once ---
    async def take_assertion_id(self, jti: str, expires: dt.datetime, now: dt.datetime) -> bool:
        """True the first time the portal assertion id `jti` is presented, False after, for every
        process on this store alike (a unique constraint decides, not a process's memory). Ids
        past `expires` (aware; the assertion's own expiry, five minutes at most) are forgotten
        as of `now`: an expired assertion is refused before it gets here."""

    # --- audit trail ---
    async def record_audit(self, entry: AuditEntry) -> None:
        """Append one entry; recording the same id again changes nothing."""

    async def list_audit(
        self,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        phone: str | None = None,
        actor: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[AuditEntry]:
        """Entries in [since, until) (either bound optional), newest first."""

    # --- outbound calls (aida/outbound): one row per call Aida placed ---
    async def save_outbound_call(self, attempt: OutboundAttempt) -> None:
        """Insert or replace by id (retrying the same write makes no second row); the outcome
        of a placed call is saved again over the row written before dialling."""

    async def list_outbound_calls(
        self,
        appointment_id: str | None = None,
        phone: str | None = None,
        purpose: str | None = None,
        since: dt.datetime | None = None,
        limit: int = 200,
    ) -> list[OutboundAttempt]:
        """Attempts matching every filter given, oldest first (`since`: started at or after)."""

    # --- the clinic profile (aida/calendar/profile.py): facts staff give Aida to say ---
    async def get_clinic_profile(self) -> dict[str, Any] | None:
        """The profile facts staff set (a JSON object), or None when they never set any."""

    async def save_clinic_profile(self, profile: dict[str, Any], updated_by: str) -> None:
        """Replace the stored profile facts; `updated_by` is who ("staff:<label>", "cli")."""


@runtime_checkable
class PendingRegistrations(Protocol):
    """New patients registered from an unproven hint, for staff to confirm (docs/security.md).
    The SQL backends keep them on `users`; a split store asks its calendar half if it can."""

    async def register_pending_patient(
        self, phone: str, name: str, date_of_birth: dt.date
    ) -> Patient | None:
        """Create a patient staff must confirm (registered from an unproven hint); None, and
        nothing changed, when any row exists for `phone` already."""

    async def confirm_patient(self, phone: str) -> Patient:
        """Staff confirmed a pending registration; raises `PatientNotFound`."""

    async def list_pending_patients(self) -> list[Patient]:
        """Registrations waiting for staff, by phone."""


@runtime_checkable
class SlotHolds(Protocol):
    """A freed slot kept for one waitlist patient (aida/waitlist/), on the calendar half: a held
    row counts as booked for every overlap check, so nobody else can book or hold the time.
    `now` is the waitlist's injectable clock; the database's own clock is never asked. The SQL
    backends hold slots; a calendar without holds (an EHR) makes the waitlist offer-less."""

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
        """Hold [start, end) for `phone` until `expires_at`; lapsed holds there are released
        first. Booked or held by anyone: `SlotTaken`; a closure: `ClinicClosed`."""

    async def confirm_hold(self, hold_id: str, phone: str, now: dt.datetime) -> Appointment:
        """Turn the hold into the patient's booking in one step. Already confirmed: returned.
        Lapsed by `now` or released: `HoldExpired`; another patient's: `NotYourAppointment`."""

    async def release_hold(self, hold_id: str) -> Appointment | None:
        """Let the hold go (declined, withdrawn); None when it was no longer held."""

    async def release_expired_holds(self, now: dt.datetime) -> list[Appointment]:
        """Release every hold lapsed by `now`; returns them, earliest first."""


@runtime_checkable
class WaitlistStore(Protocol):
    """Aida's half: who waits for which time, and the offers made to them."""

    async def save_waitlist_entry(self, entry: WaitlistEntry) -> WaitlistEntry:
        """Insert or replace by id."""

    async def get_waitlist_entry(self, entry_id: str) -> WaitlistEntry | None: ...

    async def list_waitlist(
        self, status: str | None = None, phone: str | None = None
    ) -> list[WaitlistEntry]:
        """Oldest first (created, then id): the order offers go out in."""

    async def save_waitlist_offer(self, offer: WaitlistOffer) -> WaitlistOffer:
        """Insert or replace by id."""

    async def list_waitlist_offers(
        self,
        entry_id: str | None = None,
        status: str | None = None,
        slot_start: dt.datetime | None = None,
    ) -> list[WaitlistOffer]:
        """Oldest offer first."""


class Store(CalendarStore, AidaStore, PendingRegistrations, SlotHolds, WaitlistStore, Protocol):
    """Both halves in one backend (SQLite, PostgreSQL, Supabase), or a calendar backend and an
    Aida backend put together (`SplitStore`); what every caller takes."""
