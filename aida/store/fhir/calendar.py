"""The clinic's calendar in its EHR, over FHIR R4: the `CalendarStore` half of Aida's store.

Patient (name, birth date, phone), Practitioner (providers), HealthcareService (visit types),
a Schedule per provider plus one for the clinic (its shared calendar and its closures), Slots,
and Appointment. Where the EHR publishes its own Slots on a calendar, its free Slots (none
referenced by a booked Appointment) are the openings, and a booking takes the ones covering its
time, each with a versioned update (If-Match); where it publishes none, the hours are the
openings and Aida makes a busy Slot (tagged as hers) per booking. Every booking reads the
calendar's Schedule before it checks and writes it back against that version after claiming
its Slots, which orders Aida writers on any number of hosts; the writer lock (`writer.py`)
queues those of one host. Cancelling frees the Slots.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aida.config import Settings
from aida.errors import InvalidRequest, SlotTaken
from aida.scheduling.working_hours import normalize_hours
from aida.store import failures
from aida.store.fhir import resources as fr
from aida.store.fhir.auth import SmartBackendServices, StaticToken, TokenSource
from aida.store.fhir.client import (
    FhirClient,
    FhirMisconfigured,
    Resource,
    VersionConflict,
    version_of,
)
from aida.store.fhir.writer import WriterLock, lock_path
from aida.store.models import (
    Appointment,
    BookingResult,
    Closure,
    ClosureAdded,
    Patient,
    Provider,
    VisitType,
)
from aida.store.rows import (
    check_date_of_birth,
    check_minutes,
    check_range,
    clean_name,
    clean_reason,
    required_name,
    utc,
)

log = logging.getLogger("aida.store.fhir")

# Appointments are searched by their start (what FHIR's `date` indexes): one that overlaps a
# window starts at most this long before it.
LONGEST_APPOINTMENT = dt.timedelta(days=1)
RETRIES = 5  # versioned updates lost to another writer before giving up


class FhirCalendar:
    backend = "fhir"

    def __init__(
        self,
        base_url: str,
        *,
        tokens: TokenSource | None = None,
        lock_dir: Path | str = "data",
        clinic_name: str = "Clinic",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = FhirClient(self.base_url, tokens)
        self.writer = WriterLock(lock_path(Path(lock_dir), self.base_url))
        self.clinic_name = clinic_name
        self._schedules: dict[str, str] = {}  # "clinic" or a Practitioner id -> Schedule id
        self._phones: dict[str, str] = {}  # Patient id -> the phone Aida knows it by
        self.notes: list[str] = []  # what `migrate` found out about the server

    @classmethod
    def from_settings(cls, settings: Settings) -> FhirCalendar:
        if not settings.fhir_base_url:
            raise ValueError("CALENDAR_BACKEND=fhir needs FHIR_BASE_URL")
        tokens: TokenSource | None = None
        if settings.fhir_client_id:
            secret = settings.fhir_client_secret
            tokens = SmartBackendServices(
                settings.fhir_base_url,
                settings.fhir_client_id,
                settings.fhir_scope,
                token_url=settings.fhir_token_url,
                client_secret=secret.get_secret_value() if secret else None,
                private_key_path=settings.fhir_private_key_path,
            )
        elif settings.fhir_token:
            tokens = StaticToken(settings.fhir_token.get_secret_value())
        return cls(
            settings.fhir_base_url,
            tokens=tokens,
            lock_dir=settings.fhir_lock_dir,
            clinic_name=settings.clinic_name,
        )

    # --- lifecycle ---

    async def migrate(self) -> None:
        """Check the server (R4, the resources Aida uses, If-Match) and make sure the clinic's
        Location and Schedule exist; writes nothing else."""
        statement = await self.client.metadata()
        version = str(statement.get("fhirVersion", ""))
        if not version.startswith("4.0"):
            raise FhirMisconfigured(
                f"the server speaks FHIR {version or '?'}, Aida needs R4 (4.0.x)"
            )
        offered = {
            r.get("type")
            for rest in statement.get("rest") or []
            for r in rest.get("resource") or []
        }
        needed = {"Patient", "Practitioner", "Schedule", "Slot", "Appointment"}
        needed |= {"HealthcareService", "Location"}
        missing = sorted(needed - offered)
        if missing:
            raise FhirMisconfigured(f"the server does not offer {', '.join(missing)}")
        async with self.writer.held():
            schedule = await self._clinic_schedule()
            honoured = await self._honours_if_match(schedule)
        self.notes = [
            f"FHIR R4 ({version}) at {self.base_url}",
            "If-Match on update: "
            + ("honoured (a stale version is refused)" if honoured else "NOT honoured"),
        ]
        if honoured:
            self.notes.append(
                "bookings: each writes its calendar's Schedule back against the version it read"
                " before checking (If-Match), so Aida hosts that share no lock book an"
                f" overlapping time once; the lock {self.writer.path} only queues this host's"
                " writers"
            )
        else:
            self.notes += [
                f"bookings are written one at a time per clinic on this host only (lock"
                f" {self.writer.path}): the server cannot order writers on several hosts, so run"
                " Aida's workers on one host per clinic",
                "the EHR's own staff bookings can race Aida's: the server cannot refuse a write"
                " made against an older Slot",
            ]

    async def _honours_if_match(self, schedule: Resource) -> bool:
        """PUT the clinic's Schedule unchanged against a version it does not have: a server
        that honours If-Match refuses it; one that does not rewrites the same content."""
        current = version_of(schedule) or "1"
        try:
            await self.client.update(schedule, f"{current}0")
        except VersionConflict:
            return True
        return False

    async def ping(self) -> None:
        await self.client.metadata()

    async def close(self) -> None:
        self.writer.close()

    # --- patients ---

    async def patients_on(self, phone: str) -> list[Resource]:
        """Every Patient with this phone number, oldest id first: a shared family phone is
        several files, and verification by name and birth date picks one or none."""
        found = await self.client.search("Patient", {"telecom": phone})
        exact = [p for p in found if any(t.get("value") == phone for t in p.get("telecom") or [])]
        for patient in exact:
            self._phones[patient["id"]] = phone
        return sorted(exact, key=lambda p: (p.get("meta", {}).get("lastUpdated", ""), p["id"]))

    async def patients_for(self, phone: str) -> list[Patient]:
        return [fr.patient_from(p, phone) for p in await self.patients_on(phone)]

    async def get_patient(self, phone: str) -> Patient | None:
        found = await self.patients_on(phone)
        return fr.patient_from(found[0], phone) if found else None

    async def _update_patient(self, phone: str, change: Any) -> Patient:
        """Apply `change(resource) -> resource` to the phone's (first) Patient, versioned."""
        for _ in range(RETRIES):
            found = await self.patients_on(phone)
            if not found:
                raise failures.patient_not_found()
            current = found[0]
            try:
                made = await self.client.update(change(current), version_of(current))
            except VersionConflict:
                continue
            return fr.patient_from(made, phone)
        raise failures.unavailable()

    async def upsert_patient(
        self, phone: str, name: str | None = None, date_of_birth: dt.date | None = None
    ) -> Patient:
        dob = check_date_of_birth(date_of_birth)
        clean = clean_name(name)
        async with self.writer.held():
            found = await self.patients_on(phone)
            if not found:
                made = await self.client.create(fr.patient_resource(phone, clean, dob))
                self._phones[made["id"]] = phone
                return fr.patient_from(made, phone)

            def change(current: Resource) -> Resource:
                # A birth date on file is never replaced from here.
                keep = dob if not current.get("birthDate") else None
                return fr.patient_resource(phone, clean, keep, base=current)

            if clean is None and (dob is None or found[0].get("birthDate")):
                return fr.patient_from(found[0], phone)
            return await self._update_patient(phone, change)

    async def add_file(
        self, phone: str, name: str | None, date_of_birth: dt.date | None = None
    ) -> Patient:
        """Another Patient on a number that may have one already (a family phone), as the
        clinic's staff make them in the EHR; Aida never does this for a caller. For seeding
        simulated calls and tests."""
        dob = check_date_of_birth(date_of_birth)
        async with self.writer.held():
            made = await self.client.create(fr.patient_resource(phone, clean_name(name), dob))
        self._phones[made["id"]] = phone
        return fr.patient_from(made, phone)

    async def set_date_of_birth(self, phone: str, date_of_birth: dt.date) -> Patient:
        dob = check_date_of_birth(date_of_birth)
        if dob is None:
            raise InvalidRequest("A date of birth is needed.")
        async with self.writer.held():
            return await self._update_patient(
                phone, lambda current: fr.patient_resource(phone, None, dob, base=current)
            )

    async def merge_preferences(self, phone: str, preferences: dict[str, Any]) -> Patient:
        if not isinstance(preferences, dict):
            raise InvalidRequest("Preferences must be a set of named values.")
        async with self.writer.held():

            def change(current: Resource) -> Resource:
                merged = {**fr.patient_from(current, phone).preferences, **preferences}
                return fr.with_preferences(current, merged)

            return await self._update_patient(phone, change)

    async def _phone_of(self, resource: Resource) -> str:
        patient_id = fr.actor_id(resource, "Patient")
        if patient_id is None:
            return ""
        if patient_id not in self._phones:
            patient = await self.client.read("Patient", patient_id)
            phones = [
                t.get("value")
                for t in (patient or {}).get("telecom") or []
                if t.get("system") == "phone" and t.get("value")
            ]
            self._phones[patient_id] = str(phones[0]) if phones else ""
        return self._phones[patient_id]

    # --- schedules ---

    async def _clinic_location(self) -> str:
        found = await self.client.search("Location", {"identifier": f"{fr.CLINIC_ID}|{fr.CLINIC}"})
        if found:
            return str(found[0]["id"])
        return str((await self.client.create(fr.clinic_location(self.clinic_name)))["id"])

    async def _clinic_schedule(self) -> Resource:
        found = await self.client.search(
            "Schedule", {"identifier": f"{fr.SCHEDULE_ID}|{fr.CLINIC}"}
        )
        if found:
            schedule = found[0]
        else:
            location = await self._clinic_location()
            schedule = await self.client.create(
                fr.schedule_resource(fr.CLINIC, f"Location/{location}")
            )
        self._schedules[fr.CLINIC] = schedule["id"]
        return schedule

    async def _schedule_id(self, provider_id: str | None) -> str:
        """The Schedule of this provider's calendar, or of the clinic's shared one; made on
        first use (callers hold the writer lock)."""
        key = provider_id or fr.CLINIC
        if key not in self._schedules:
            if provider_id is None:
                await self._clinic_schedule()
            else:
                found = await self.client.search(
                    "Schedule", {"identifier": f"{fr.SCHEDULE_ID}|{key}"}
                )
                schedule = (
                    found[0]
                    if found
                    else await self.client.create(
                        fr.schedule_resource(key, f"Practitioner/{provider_id}")
                    )
                )
                self._schedules[key] = schedule["id"]
        return self._schedules[key]

    # --- reading the calendar ---

    async def _appointments(
        self, start: dt.datetime | None, end: dt.datetime | None, patients: list[str] | None
    ) -> list[Resource]:
        """Appointment resources overlapping [start, end), either bound optional."""
        params: dict[str, Any] = {}
        dates = []
        if start is not None:
            dates.append("ge" + fr.instant(start - LONGEST_APPOINTMENT))
        if end is not None:
            dates.append("lt" + fr.instant(end))
        if dates:
            params["date"] = dates
        if patients is not None:
            if not patients:
                return []
            params["patient"] = ",".join(f"Patient/{p}" for p in patients)
        found = await self.client.search("Appointment", params)
        out = []
        for resource in found:
            if not resource.get("start") or not resource.get("end"):
                continue  # a proposal without a time holds nothing
            s, e = fr.times(resource)
            if (start is None or e > start) and (end is None or s < end):
                out.append(resource)
        return sorted(out, key=lambda r: (fr.times(r)[0], r["id"]))

    async def _closures(self, start: dt.datetime | None, end: dt.datetime | None) -> list[Resource]:
        clinic = await self._schedule_id(None)
        params: dict[str, Any] = {"schedule": f"Schedule/{clinic}", "status": "busy-unavailable"}
        if end is not None:
            params["start"] = "lt" + fr.instant(end)
        found = await self.client.search("Slot", params)
        out = [
            r
            for r in found
            if (start is None or fr.times(r)[1] > start) and (end is None or fr.times(r)[0] < end)
        ]
        return sorted(out, key=lambda r: (fr.times(r)[0], r["id"]))

    async def _slots(
        self, schedule_id: str, start: dt.datetime, end: dt.datetime
    ) -> list[Resource]:
        found = await self.client.search(
            "Slot",
            {
                "schedule": f"Schedule/{schedule_id}",
                "start": ["ge" + fr.instant(start - LONGEST_APPOINTMENT), "lt" + fr.instant(end)],
            },
        )
        return [r for r in found if fr.times(r)[1] > start and fr.times(r)[0] < end]

    async def _existing_schedule(self, provider_id: str | None) -> str | None:
        """The calendar's Schedule id, or None when it has none yet (a read: makes nothing)."""
        key = provider_id or fr.CLINIC
        if key not in self._schedules:
            found = await self.client.search("Schedule", {"identifier": f"{fr.SCHEDULE_ID}|{key}"})
            if not found:
                return None
            self._schedules[key] = found[0]["id"]
        return self._schedules[key]

    async def _publishes(self, schedule_id: str) -> bool:
        """Whether the EHR publishes its own Slots on this calendar: any free or busy Slot on it
        that Aida did not make (her bookings without a published Slot, closures). Then its free
        Slots are the calendar's openings; without any, the hours are. A time the EHR only
        blocks (busy-unavailable) publishes nothing."""
        found = await self.client.search(
            "Slot",
            {
                "schedule": f"Schedule/{schedule_id}",
                "status": "free,busy",
                "_tag:not": fr.MADE_BY_AIDA_TOKEN,
            },
            first=1,
        )
        return bool(found)

    async def published_openings(
        self, start: dt.datetime, end: dt.datetime, provider_ids: Sequence[str | None]
    ) -> dict[str | None, list[tuple[dt.datetime, dt.datetime]]]:
        start, end = utc(start), utc(end)
        out: dict[str | None, list[tuple[dt.datetime, dt.datetime]]] = {}
        held: set[str] | None = None
        for provider_id in dict.fromkeys(provider_ids):
            schedule = await self._existing_schedule(provider_id)
            if schedule is None or not await self._publishes(schedule):
                continue
            if held is None:
                held = held_slots(await self._appointments(start, end, None))
            slots = open_slots(await self._slots(schedule, start, end), held)
            out[provider_id] = sorted(fr.times(s) for s in slots)
        return out

    async def get_appointment(self, appointment_id: str) -> Appointment | None:
        found = await self.client.read("Appointment", appointment_id)
        if found is None or not found.get("start"):
            return None
        return fr.appointment_from(found, await self._phone_of(found))

    async def list_appointments(
        self,
        phone: str | None = None,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        status: str | None = "booked",
        *,
        patient_file: str | None = None,
    ) -> list[Appointment]:
        start = fr_utc(start)
        end = fr_utc(end)
        patients = None
        if phone is not None:
            patients = [p["id"] for p in await self.patients_on(phone)]
        if patient_file is not None:
            # The file the caller verified as, and only if it is on this number: a family
            # phone's other files are other patients.
            patients = [patient_file] if patients is None or patient_file in patients else []
        out = []
        for resource in await self._appointments(start, end, patients):
            appt = fr.appointment_from(resource, await self._phone_of(resource))
            if resource.get("status") not in (*fr.HOLDING, *fr.RELEASED):
                continue  # proposed, pending, waitlisted, fulfilled: not on Aida's calendar
            if status is None or appt.status == status:
                out.append(appt)
        return out

    # --- booking ---

    async def _check_refs(
        self, provider_id: str | None, visit_type_id: str | None
    ) -> VisitType | None:
        if provider_id and await self.client.read("Practitioner", provider_id) is None:
            raise InvalidRequest("I don't know that provider.")
        if visit_type_id:
            found = await self.client.read("HealthcareService", visit_type_id)
            if found is None:
                raise InvalidRequest("I don't know that kind of visit.")
            return fr.visit_type_from(found)
        return None

    async def _check_free(
        self,
        start: dt.datetime,
        end: dt.datetime,
        provider_id: str | None,
        ignore: str | None = None,
        appointments: list[Resource] | None = None,
    ) -> list[Resource]:
        """Refuse a closed or taken time; return the free Slots to take for it. Where the EHR
        publishes Slots on this calendar, the time must lie within its free Slots (none booked by
        an Appointment that references it: the server does not mark them busy); otherwise
        the open Slot published for exactly this time, if there is one. `appointments`: those
        overlapping the time, when the caller has already searched them."""
        if await self._closures(start, end):
            raise failures.clinic_closed()
        if appointments is None:
            appointments = await self._appointments(start, end, None)
        for resource in appointments:
            if resource["id"] == ignore or resource.get("status") not in fr.HOLDING:
                continue
            if fr.actor_id(resource, "Practitioner") == provider_id:
                raise SlotTaken(start=start)
        schedule = await self._schedule_id(provider_id)
        ignored: set[str] = set()
        if ignore is not None:
            old = await self.client.read("Appointment", ignore)
            ignored = set(fr.slot_ids_of(old)) if old else set()
        slots = [s for s in await self._slots(schedule, start, end) if s["id"] not in ignored]
        held = held_slots(appointments, ignore)
        if await self._publishes(schedule):
            for slot in slots:
                if slot.get("status") != "free" or slot["id"] in held:
                    raise SlotTaken(start=start)  # busy in the EHR, or booked without marking it
            openings = sorted(open_slots(slots, held), key=lambda r: (fr.times(r), r["id"]))
            reached = start
            for slot in openings:
                begins, ends = fr.times(slot)
                if begins > reached:
                    break
                reached = max(reached, ends)
            if reached < end:
                raise SlotTaken(start=start)  # not an opening the EHR published
            return openings
        exact: list[Resource] = []
        for slot in slots:
            if slot.get("status") == "free" and slot["id"] not in held:
                if fr.times(slot) == (start, end):
                    exact = [slot]
                continue
            raise SlotTaken(start=start)  # busy in the EHR without an appointment Aida sees
        return exact

    async def _take_slots(
        self,
        openings: list[Resource],
        provider_id: str | None,
        start: dt.datetime,
        end: dt.datetime,
    ) -> list[Resource]:
        """The Slots marked busy: the open ones, each taken against its version, or a new one."""
        if not openings:
            schedule = await self._schedule_id(provider_id)
            return [await self.client.create(fr.slot_resource(schedule, start, end, "busy"))]
        taken: list[Resource] = []
        for slot in openings:
            try:
                taken.append(await self.client.update({**slot, "status": "busy"}, version_of(slot)))
            except VersionConflict:
                await self._free_slots([t["id"] for t in taken])
                raise SlotTaken(start=start) from None
        return taken

    async def _free_slots(self, slot_ids: list[str]) -> None:
        for slot_id in slot_ids:
            with contextlib.suppress(VersionConflict):
                await self._free_slot(slot_id)

    async def _free_slot(self, slot_id: str | None) -> None:
        if slot_id is None:
            return
        for _ in range(RETRIES):
            slot = await self.client.read("Slot", slot_id)
            if slot is None or slot.get("status") == "free":
                return
            try:
                await self.client.update({**slot, "status": "free"}, version_of(slot))
                return
            except VersionConflict:
                continue

    async def _fence(self, provider_id: str | None) -> Resource:
        """The calendar's Schedule as it is now: its version orders this booking against
        bookings from Aida hosts that do not share the writer lock."""
        found = await self.client.read("Schedule", await self._schedule_id(provider_id))
        if found is None:
            raise failures.unavailable()
        return found

    async def _advance(self, fence: Resource) -> None:
        """Claim the calendar's next version (`VersionConflict` when another writer did since
        `fence` was read). The content changes, so a server that skips no-op updates still
        makes a new version."""
        await self.client.update(fr.with_fence(fence, uuid.uuid4().hex), version_of(fence))

    async def _hold(
        self,
        patient_ids: list[str],
        start: dt.datetime,
        end: dt.datetime,
        meta: dict[str, Any],
        provider_id: str | None,
        visit_type: VisitType | None,
        *,
        ignore: str | None = None,
        repeat_of: bool = False,
    ) -> tuple[Resource, bool]:
        """Check the time and book it on `patient_ids[0]`'s file; (the appointment, created).

        Across hosts: read the calendar's Schedule, check, claim the Slots, then write the
        Schedule back against the version read. A writer that checked before another's claim
        existed finds the Schedule changed (412), releases its claim and checks again, so it
        sees the other's claim; one that checked after it saw the claim. Of any number of Aida
        writers on one calendar, sharing a lock or not, one holds an overlapping time.
        `repeat_of`: the same patient booking the same start again gets that appointment."""
        for _ in range(RETRIES):
            fence = await self._fence(provider_id)
            around = await self._appointments(start, end, None)
            if repeat_of:
                for resource in around:
                    if (
                        resource.get("status") in fr.HOLDING
                        and fr.times(resource)[0] == start
                        and fr.actor_id(resource, "Patient") in patient_ids
                    ):
                        return resource, False
            openings = await self._check_free(
                start, end, provider_id, ignore=ignore, appointments=around
            )
            slots = await self._take_slots(openings, provider_id, start, end)
            ids = [slot["id"] for slot in slots]
            try:
                await self._advance(fence)
            except VersionConflict:
                await self._free_slots(ids)  # another writer on this calendar: check again
                continue
            except BaseException:
                with contextlib.suppress(Exception):
                    await self._free_slots(ids)
                raise
            try:
                made = await self.client.create(
                    fr.appointment_resource(
                        patient_ids[0], start, end, meta, ids, provider_id, visit_type
                    )
                )
            except BaseException:
                with contextlib.suppress(Exception):
                    await self._free_slots(ids)
                raise
            return made, True
        raise failures.unavailable()

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
        start, end = check_range(start, end)
        provider = fr.check_id(provider_id, "provider")
        visit = fr.check_id(visit_type_id, "visit type")
        async with self.writer.held():
            patients = await self.patients_on(phone)
            if not patients:
                raise failures.patient_not_found()
            ids = [p["id"] for p in patients]
            if patient_file is not None:
                if patient_file not in ids:
                    raise failures.patient_not_found()  # not a file on this number
                ids = [patient_file]  # the file the caller verified as, and only it
            visit_type = await self._check_refs(provider, visit)
            made, created = await self._hold(
                ids,
                start,
                end,
                dict(meta or {}),
                provider,
                visit_type,
                repeat_of=True,
            )
        return BookingResult(appointment=fr.appointment_from(made, phone), created=created)

    async def _owned(
        self, appointment_id: str, phone: str, patient_file: str | None = None
    ) -> Resource:
        found = await self.client.read("Appointment", appointment_id)
        if found is None or not found.get("start"):
            raise failures.appointment_not_found()
        if await self._phone_of(found) != phone:
            raise failures.not_your_appointment()
        if patient_file is not None and fr.actor_id(found, "Patient") != patient_file:
            raise failures.not_your_appointment()  # another file on the same (family) phone
        return found

    async def _set_status(self, resource: Resource, status: str, meta: dict[str, Any]) -> Resource:
        for _ in range(RETRIES):
            try:
                return await self.client.update(
                    fr.with_status(resource, status, meta), version_of(resource)
                )
            except VersionConflict:
                fresh = await self.client.read("Appointment", resource["id"])
                if fresh is None:
                    raise failures.appointment_not_found() from None
                resource = fresh
        raise failures.unavailable()

    async def cancel(
        self, appointment_id: str, phone: str, *, patient_file: str | None = None
    ) -> Appointment:
        async with self.writer.held():
            found = await self._owned(appointment_id, phone, patient_file)
            if found.get("status") not in fr.HOLDING:
                return fr.appointment_from(found, phone)
            meta = {**fr.appointment_meta(found), "cancelled_at": fr.instant(now())}
            made = await self._set_status(found, "cancelled", meta)
            await self._free_slots(fr.slot_ids_of(found))
        return fr.appointment_from(made, phone)

    async def reschedule(
        self,
        appointment_id: str,
        phone: str,
        start: dt.datetime,
        end: dt.datetime,
        *,
        patient_file: str | None = None,
    ) -> Appointment:
        start, end = check_range(start, end)
        async with self.writer.held():
            old = await self._owned(appointment_id, phone, patient_file)
            old_meta = fr.appointment_meta(old)
            if old.get("status") not in fr.HOLDING:
                # A repeated request for a move that already happened returns what it made.
                moved_to = old_meta.get("rescheduled_to")
                if moved_to:
                    new = await self.client.read("Appointment", str(moved_to))
                    if new is not None and fr.times(new)[0] == start:
                        return fr.appointment_from(new, phone)
                raise failures.not_booked()
            if fr.times(old) == (start, end):
                return fr.appointment_from(old, phone)
            provider = fr.actor_id(old, "Practitioner")
            visit_id = fr.visit_type_id_of(old)
            visit_type = await self._check_refs(None, visit_id) if visit_id else None
            carried = {
                k: v
                for k, v in old_meta.items()
                if k not in ("rescheduled_to", "rescheduled_from", "cancelled_at")
            }
            carried["rescheduled_from"] = old["id"]
            patient = fr.actor_id(old, "Patient")
            assert patient is not None
            # The new time is held before the old one is released.
            new, _ = await self._hold(
                [patient], start, end, carried, provider, visit_type, ignore=old["id"]
            )
            old_meta.update(rescheduled_to=new["id"], cancelled_at=fr.instant(now()))
            try:
                await self._set_status(old, "cancelled", old_meta)
            except BaseException:
                # Could not release the old time: undo the new one, the original stays booked.
                with contextlib.suppress(Exception):
                    await self._set_status(new, "cancelled", {**carried, "undone": True})
                    await self._free_slots(fr.slot_ids_of(new))
                raise
            await self._free_slots(fr.slot_ids_of(old))
        return fr.appointment_from(new, phone)

    # --- closures ---

    async def add_closure(
        self,
        start: dt.datetime,
        end: dt.datetime,
        reason: str | None = None,
        *,
        all_day: bool = False,
    ) -> ClosureAdded:
        start, end = check_range(start, end)
        async with self.writer.held():
            clinic = await self._schedule_id(None)
            made = await self.client.create(
                fr.slot_resource(
                    clinic, start, end, "busy-unavailable", clean_reason(reason), all_day
                )
            )
            affected = [
                fr.appointment_from(r, await self._phone_of(r))
                for r in await self._appointments(start, end, None)
                if r.get("status") in fr.HOLDING
            ]
        return ClosureAdded(closure=fr.closure_from(made), affected=affected)

    async def list_closures(
        self, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> list[Closure]:
        return [fr.closure_from(r) for r in await self._closures(fr_utc(start), fr_utc(end))]

    async def remove_closure(self, closure_id: str) -> Closure | None:
        async with self.writer.held():
            found = await self.client.read("Slot", closure_id)
            clinic = await self._schedule_id(None)
            if (
                found is None
                or found.get("status") != "busy-unavailable"
                or fr.ref_id((found.get("schedule") or {}).get("reference"), "Schedule") != clinic
            ):
                return None
            await self.client.delete("Slot", closure_id)
        return fr.closure_from(found)

    # --- providers and visit types ---

    async def _provider_resource(self, name: str) -> Resource | None:
        found = await self.client.search(
            "Practitioner", {"identifier": f"{fr.PROVIDER_ID}|{name.casefold()}"}
        )
        return found[0] if found else None

    async def save_provider(self, name: str, hours: str | None = None) -> Provider:
        clean = required_name(name, "provider")
        spec = normalize_hours(hours)
        async with self.writer.held():
            for _ in range(RETRIES):
                current = await self._provider_resource(clean)
                if current is None:
                    return fr.provider_from(
                        await self.client.create(fr.provider_resource(clean, spec))
                    )
                try:
                    made = await self.client.update(
                        fr.provider_resource(clean, spec, base=current), version_of(current)
                    )
                except VersionConflict:
                    continue
                return fr.provider_from(made)
        raise failures.unavailable()

    async def list_providers(self) -> list[Provider]:
        found = await self.client.search("Practitioner", {"identifier": f"{fr.PROVIDER_ID}|"})
        providers = [fr.provider_from(r) for r in found]
        return sorted(providers, key=lambda p: (p.name.casefold(), p.id))

    async def save_visit_type(
        self, name: str, minutes: int, provider_ids: list[str] | None = None
    ) -> VisitType:
        clean = required_name(name, "visit type")
        length = check_minutes(minutes)
        ids: list[str] = []
        for value in provider_ids or []:
            checked = fr.check_id(value, "provider")
            if checked is not None and checked not in ids:
                ids.append(checked)
        async with self.writer.held():
            for provider_id in ids:
                await self._check_refs(provider_id, None)
            for _ in range(RETRIES):
                found = await self.client.search(
                    "HealthcareService", {"identifier": f"{fr.VISIT_TYPE_ID}|{clean.casefold()}"}
                )
                if not found:
                    made = await self.client.create(fr.visit_type_resource(clean, length, ids))
                    return fr.visit_type_from(made)
                try:
                    made = await self.client.update(
                        fr.visit_type_resource(clean, length, ids, base=found[0]),
                        version_of(found[0]),
                    )
                except VersionConflict:
                    continue
                return fr.visit_type_from(made)
        raise failures.unavailable()

    async def list_visit_types(self) -> list[VisitType]:
        found = await self.client.search(
            "HealthcareService", {"identifier": f"{fr.VISIT_TYPE_ID}|"}
        )
        visit_types = [fr.visit_type_from(r) for r in found]
        return sorted(visit_types, key=lambda v: (v.name.casefold(), v.id))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def fr_utc(value: dt.datetime | None) -> dt.datetime | None:
    return utc(value) if value is not None else None


def held_slots(appointments: list[Resource], ignore: str | None = None) -> set[str]:
    """The Slots that appointments holding their time reference (booked through the EHR, which
    need not have marked them busy)."""
    return {
        slot_id
        for resource in appointments
        if resource["id"] != ignore and resource.get("status") in fr.HOLDING
        for slot_id in fr.slot_ids_of(resource)
    }


def open_slots(slots: list[Resource], held: set[str]) -> list[Resource]:
    """The openings the EHR published among `slots`: free, its own, and no appointment on them."""
    return [
        s
        for s in slots
        if s.get("status") == "free" and not fr.made_by_aida(s) and s["id"] not in held
    ]
