"""The Supabase backend: PostgREST over HTTP through supabase-py.

The calendar's guarantees live in SQL (`supabase/migrations/`): booking, rescheduling, cancelling
and merging preferences are RPC calls to functions that take the clinic's advisory lock and rely
on the exclusion constraint, so this module only shapes requests and maps PostgREST's error bodies
(`{"code", "details", "hint", "message"}`) onto Aida's speakable errors.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import ssl
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache, partial
from typing import Any, TypeVar, cast

import httpx
from postgrest.exceptions import APIError
from postgrest.types import ReturnMethod

from aida.config import Settings
from aida.errors import (
    ActionItemNotFound,
    AidaError,
    AppointmentNotFound,
    InvalidRequest,
    NotYourAppointment,
    PatientNotFound,
    SlotTaken,
    StoreUnavailable,
)
from aida.scheduling.working_hours import normalize_hours
from aida.store import failures
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
from aida.store.rows import (
    SUMMARY_FIELDS,
    action_item_done_from_row,
    appointment_from_row,
    audit_from_row,
    audit_id,
    canonical_uuid,
    check_date_of_birth,
    check_ids,
    check_minutes,
    check_range,
    check_ref,
    clean_name,
    clean_reason,
    closure_from_row,
    outbound_from_row,
    outbound_id,
    parse_json,
    patient_from_row,
    provider_from_row,
    required_name,
    summary_from_row,
    summary_id,
    utc,
    visit_type_from_row,
    waitlist_entry_from_row,
    waitlist_offer_from_row,
    wall_text,
)
from supabase import AsyncClient, AsyncClientOptions, acreate_client

log = logging.getLogger(__name__)

T = TypeVar("T")

MIGRATIONS_DIR = "supabase/migrations/"

USER_COLUMNS = "phone,name,preferences,date_of_birth,registration_pending"
APPOINTMENT_COLUMNS = (
    "id,user_phone,start_time,end_time,status,meta,provider_id,visit_type_id,hold_expires_at"
)
SUMMARY_COLUMNS = ",".join(SUMMARY_FIELDS)
IDENTITY_FAILURE_COLUMNS = "id,phone,failed_at,attempt,weight"
AUDIT_COLUMNS = "id,at,actor,action,patient_phone,detail"
CLOSURE_COLUMNS = "id,start_time,end_time,reason,all_day,created_at"
PROVIDER_COLUMNS = "id,name,hours"
VISIT_TYPE_COLUMNS = "id,name,minutes,provider_ids"
ACTION_DONE_COLUMNS = "call_id,item_index,done_at,done_by"
CLINIC_PROFILE_COLUMNS = "id,profile,updated_at,updated_by"
WAITLIST_ENTRY_COLUMNS = (
    "id,patient_phone,window_start,window_end,daily_from,daily_until,weekly,description,"
    "provider_id,visit_type_id,status,created_at,updated_by,note"
)
WAITLIST_OFFER_COLUMNS = (
    "id,entry_id,hold_id,slot_start,slot_end,provider_id,status,offered_at,expires_at,"
    "answered_at,appointment_id"
)
OUTBOUND_COLUMNS = (
    "id,purpose,phone,appointment_id,refs,room_name,outcome,error,call_id,started_at,updated_at"
)

_FOREIGN_KEY = "23503"  # call_summaries.user_phone -> users.phone
_BAD_TEXT = "22P02"  # invalid_text_representation, e.g. a malformed uuid
# PostgREST cannot reach PostgreSQL, or its pool is exhausted (HTTP 503/504).
_UPSTREAM_DOWN = frozenset({"PGRST000", "PGRST001", "PGRST002", "PGRST003"})
# The schema (or a part of it) is not there: tables, columns, functions.
_SCHEMA_MISSING = frozenset({"42P01", "PGRST205", "42703", "PGRST204", "42883", "PGRST202"})
# Wrong key: only service_role may EXECUTE the functions (and RLS hides rows from anon).
_NOT_ALLOWED = frozenset({"42501", "PGRST301", "PGRST302"})

_NIL_UUID = "00000000-0000-0000-0000-000000000000"
# Can never be a stored patient: users.phone holds E.164 numbers.
_PROBE_PHONE = "+0"

DEFAULT_TIMEOUT = httpx.Timeout(8.0, connect=3.0)


@lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    # Loading the CA bundle costs tens of milliseconds: do it once per process, not per store.
    return httpx.create_ssl_context()


class SupabaseSchemaMissing(StoreUnavailable):
    """The Supabase project lacks Aida's tables or functions: PostgREST cannot run DDL, so the
    SQL in `supabase/migrations/` has to be applied to the project first. During a call the
    caller hears only that the book is unreachable; `migrate()` says what is missing."""

    code = "schema_missing"


class SupabaseKeyRefused(StoreUnavailable):
    """PostgREST refused SUPABASE_KEY (an invalid JWT, or a key without the grants, such as
    anon: the migrations grant Aida's functions to service_role only)."""

    code = "store_key_refused"


def map_api_error(err: APIError, *, start: dt.datetime | None = None) -> AidaError:
    """The Aida error for a PostgREST error body (its `code` is the SQLSTATE, or PGRSTxxx for
    PostgREST's own errors, or the HTTP status when the body was not PostgREST's).

    Only codes are logged: PostgREST's `details` (and some messages) quote row values."""
    code = err.code or ""
    mapped = failures.error_for_sqlstate(code, start=start)
    if mapped is not None:
        return mapped
    if code == _FOREIGN_KEY:
        return failures.patient_not_found()
    if code == _BAD_TEXT:
        return InvalidRequest("That reference doesn't look right.")
    spoken = failures.unavailable().message
    if code in _SCHEMA_MISSING:
        log.error("supabase: schema missing (%s); apply the SQL in %s", code, MIGRATIONS_DIR)
        return SupabaseSchemaMissing(spoken, missing=err.message)
    if code in _NOT_ALLOWED:
        log.error("supabase: SUPABASE_KEY refused (%s); use the service role key", code)
        return SupabaseKeyRefused(spoken)
    if code not in _UPSTREAM_DOWN:
        log.warning("supabase request failed: code=%s", code)
    return failures.unavailable()


def _rows(response: Any) -> list[dict[str, Any]]:
    # A table request answers with a JSON array of objects, one per row.
    return cast("list[dict[str, Any]]", response.data)


def _iso(when: dt.datetime) -> str:
    """ISO 8601 in UTC with its offset, as PostgREST passes it to a timestamptz."""
    return utc(when).isoformat()


class SupabaseStore:
    """`Store` over a Supabase project's PostgREST API (`SUPABASE_URL` + `SUPABASE_KEY`, the
    service role key). The client is created on first use, so constructing it never blocks."""

    backend = "supabase"
    # PostgREST caps a response at its max-rows (1000 on Supabase): read long lists in pages.
    page_size = 1000
    retry_attempts = 4

    def __init__(
        self,
        settings: Settings,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        if not settings.supabase_url or settings.supabase_key is None:
            raise ValueError("SupabaseStore needs SUPABASE_URL and SUPABASE_KEY")
        self._url = settings.supabase_url
        self._key = settings.supabase_key.get_secret_value()
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._http: httpx.AsyncClient | None = None
        self._client: AsyncClient | None = None
        self._lock = asyncio.Lock()

    # --- plumbing ---

    async def _db(self) -> AsyncClient:
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    # Our own httpx client: one timeout we choose, closed by close(), and no
                    # postgrest-py retries (they sleep 1 s, 2 s, 4 s while a caller waits).
                    self._http = httpx.AsyncClient(timeout=self._timeout, verify=_tls())
                    options = AsyncClientOptions(
                        httpx_client=self._http,
                        postgrest_client_retry=False,
                        auto_refresh_token=False,
                        persist_session=False,
                    )
                    self._client = await acreate_client(self._url, self._key, options=options)
        return self._client

    async def _run(
        self,
        op: Callable[[AsyncClient], Awaitable[T]],
        *,
        read: bool = False,
        start: dt.datetime | None = None,
    ) -> T:
        """Run one request, mapping failures to Aida errors.

        Deadlocks and serialization failures rolled the transaction back, so they are retried.
        A refused connection sent nothing and is retried once; a read is retried once after any
        transport error. Timeouts are not retried: a caller is waiting on the line.
        """
        client = await self._db()
        attempt = 0
        transport_retried = False
        while True:
            try:
                return await op(client)
            except APIError as err:
                if err.code in failures.RETRYABLE_SQLSTATES:
                    attempt += 1
                    if attempt < self.retry_attempts:
                        await asyncio.sleep(0.01 * 2**attempt * (1 + random.random()))
                        continue
                    log.warning("supabase: gave up after %d rollbacks (%s)", attempt, err.code)
                    raise failures.unavailable() from err
                raise map_api_error(err, start=start) from err
            except httpx.TimeoutException as err:
                log.warning("supabase request timed out: %s", type(err).__name__)
                raise failures.unavailable() from err
            except httpx.TransportError as err:
                if not transport_retried and (read or isinstance(err, httpx.ConnectError)):
                    transport_retried = True
                    await asyncio.sleep(0.05)
                    continue
                log.warning("supabase unreachable: %s", type(err).__name__)
                raise failures.unavailable() from err

    async def _rpc(
        self, fn: str, params: dict[str, Any], *, start: dt.datetime | None = None
    ) -> Any:
        response = await self._run(lambda c: c.rpc(fn, params).execute(), start=start)
        return response.data

    # --- lifecycle ---

    async def migrate(self) -> None:
        """PostgREST cannot run DDL: check that the tables, the additive columns and the SQL
        functions are there, and say where the SQL is when they are not.

        The function probes ask for things that cannot exist (the nil uuid, the phone "+0"), so
        each fails inside its own transaction and changes nothing; any answer but "no such
        function" proves the function is there. A key without EXECUTE (anon) fails here too."""
        try:
            missing = await self._missing_schema()
        except SupabaseKeyRefused as err:
            raise SupabaseKeyRefused(
                "Supabase refused SUPABASE_KEY; use the project's service role key."
            ) from err
        if missing:
            raise SupabaseSchemaMissing(
                f"The Supabase project is missing Aida's schema; apply the SQL in {MIGRATIONS_DIR}"
                " (for example with `supabase db push`).",
                missing=missing,
            )

    async def _missing_schema(self) -> list[str]:
        missing: list[str] = []
        for table, columns in (
            ("users", USER_COLUMNS),
            ("appointments", APPOINTMENT_COLUMNS),
            ("call_summaries", SUMMARY_COLUMNS),
            ("identity_failures", IDENTITY_FAILURE_COLUMNS),
            ("audit_log", AUDIT_COLUMNS),
            ("action_items_done", ACTION_DONE_COLUMNS),
        ):
            try:

                def probe(c: AsyncClient, t: str = table, cols: str = columns) -> Awaitable[Any]:
                    return c.table(t).select(cols).limit(1).execute()

                await self._run(probe, read=True)
            except SupabaseSchemaMissing as err:
                missing.append(f"table {table}: {err.details.get('missing')}")
        window = {"p_start": "2000-01-01T00:00:00+00:00", "p_end": "2000-01-01T00:30:00+00:00"}
        probes: dict[str, dict[str, Any]] = {
            "book_appointment": {"p_user_phone": _PROBE_PHONE, **window, "p_meta": {}},
            "reschedule_appointment": {
                "p_appointment_id": _NIL_UUID,
                "p_user_phone": _PROBE_PHONE,
                **window,
            },
            "cancel_appointment": {"p_appointment_id": _NIL_UUID, "p_user_phone": _PROBE_PHONE},
            "merge_user_preferences": {"p_phone": _PROBE_PHONE, "p_preferences": {}},
            # Refused before it writes: no key, weight 0.
            "reserve_identity_attempt": {
                "p_attempt": "probe",
                "p_keys": [],
                "p_at": window["p_start"],
                "p_since": window["p_start"],
                "p_weight": 0,
            },
            # Refused before it writes: no id.
            "take_assertion_id": {
                "p_jti": "",
                "p_expires": window["p_start"],
                "p_now": window["p_start"],
            },
            "mark_action_item_done": {
                "p_call_id": _NIL_UUID,
                "p_item_index": 0,
                "p_done_by": "probe",
                "p_done_at": window["p_start"],
            },
        }
        await self._probe_functions(probes, missing)
        # The calendar (closures, providers, visit types) came later: probed after the rest, so
        # a project without it is told exactly what to apply.
        for table, columns in (
            ("closures", CLOSURE_COLUMNS),
            ("providers", PROVIDER_COLUMNS),
            ("visit_types", VISIT_TYPE_COLUMNS),
            ("clinic_profile", CLINIC_PROFILE_COLUMNS),
            ("waitlist_entries", WAITLIST_ENTRY_COLUMNS),
            ("waitlist_offers", WAITLIST_OFFER_COLUMNS),
            ("outbound_calls", OUTBOUND_COLUMNS),
        ):
            try:

                def probe_table(
                    c: AsyncClient, t: str = table, cols: str = columns
                ) -> Awaitable[Any]:
                    return c.table(t).select(cols).limit(1).execute()

                await self._run(probe_table, read=True)
            except SupabaseSchemaMissing as err:
                missing.append(f"table {table}: {err.details.get('missing')}")
        backwards = {"p_start": window["p_end"], "p_end": window["p_start"]}
        await self._probe_functions(
            {
                # Each refused before it writes: no patient "+0", an end before the start, a
                # blank name.
                "book_provider_appointment": {"p_user_phone": _PROBE_PHONE, **window},
                "add_closure": backwards,
                "save_provider": {"p_name": ""},
                "save_visit_type": {"p_name": "", "p_minutes": 30},
                # The waitlist's holds: refused before it writes (an end before the start).
                "hold_slot": {
                    "p_user_phone": _PROBE_PHONE,
                    **backwards,
                    "p_now": window["p_start"],
                    "p_expires_at": window["p_end"],
                },
            },
            missing,
        )
        return missing

    async def _probe_functions(self, probes: dict[str, dict[str, Any]], missing: list[str]) -> None:
        for fn, params in probes.items():
            try:
                await self._rpc(fn, params)
            except SupabaseSchemaMissing:
                missing.append(f"function {fn}")
            except (
                AppointmentNotFound,
                PatientNotFound,
                NotYourAppointment,
                InvalidRequest,
                SlotTaken,
                ActionItemNotFound,
            ):
                pass  # the function ran and refused the probe, as it should

    async def ping(self) -> None:
        try:
            await self._run(
                lambda c: c.table("users").select("phone").limit(1).execute(), read=True
            )
        except StoreUnavailable:
            raise
        except AidaError as err:  # any answer but rows means the store cannot serve us
            raise failures.unavailable() from err

    async def close(self) -> None:
        http, self._http, self._client = self._http, None, None
        if http is not None:
            await http.aclose()

    # --- patients ---

    async def patients_for(self, phone: str) -> list[Patient]:
        # One file per number in Aida's own database: the phone is the file.
        patient = await self.get_patient(phone)
        return [patient] if patient is not None else []

    async def get_patient(self, phone: str) -> Patient | None:
        response = await self._run(
            lambda c: c.table("users").select(USER_COLUMNS).eq("phone", phone).limit(1).execute(),
            read=True,
        )
        return patient_from_row(_rows(response)[0]) if response.data else None

    async def upsert_patient(
        self, phone: str, name: str | None = None, date_of_birth: dt.date | None = None
    ) -> Patient:
        dob = check_date_of_birth(date_of_birth)
        row: dict[str, Any] = {"phone": phone}
        if (cleaned := clean_name(name)) is not None:
            row["name"] = cleaned
        # merge-duplicates updates only the columns in the body: without a name, none is cleared.
        response = await self._run(
            lambda c: c.table("users").upsert(row, on_conflict="phone").execute()
        )
        patient = patient_from_row(_rows(response)[0])
        if dob is None or patient.date_of_birth is not None:
            return patient
        # An upsert would overwrite a date of birth on file; this update only fills an empty one
        # (the filter and the write are one statement, so a racing writer cannot be overwritten).
        filled = await self._run(
            lambda c: (
                c.table("users")
                .update({"date_of_birth": dob.isoformat()})
                .eq("phone", phone)
                .is_("date_of_birth", None)
                .execute()
            )
        )
        if filled.data:
            return patient_from_row(_rows(filled)[0])
        return await self.get_patient(phone) or patient

    async def set_date_of_birth(self, phone: str, date_of_birth: dt.date) -> Patient:
        dob = check_date_of_birth(date_of_birth)
        if dob is None:
            raise InvalidRequest("A date of birth is needed.")
        response = await self._run(
            lambda c: (
                c.table("users")
                .update({"date_of_birth": dob.isoformat()})
                .eq("phone", phone)
                .execute()
            )
        )
        if not response.data:
            raise failures.patient_not_found()
        return patient_from_row(_rows(response)[0])

    async def merge_preferences(self, phone: str, preferences: dict[str, Any]) -> Patient:
        data = await self._rpc(
            "merge_user_preferences", {"p_phone": phone, "p_preferences": preferences}
        )
        return patient_from_row(data)

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
        start_utc, end_utc = check_range(start, end)
        params: dict[str, Any] = {
            "p_user_phone": phone,
            "p_start": start_utc.isoformat(),
            "p_end": end_utc.isoformat(),
            "p_meta": meta or {},
        }
        fn = "book_appointment"
        if provider_id is not None or visit_type_id is not None:
            # The same function underneath; book_appointment is its shared-calendar entry point.
            fn = "book_provider_appointment"
            params["p_provider_id"] = check_ref(provider_id, "provider")
            params["p_visit_type_id"] = check_ref(visit_type_id, "visit type")
        data = await self._rpc(fn, params, start=start)
        return BookingResult(
            appointment=appointment_from_row(data["appointment"]), created=bool(data["created"])
        )

    async def cancel(
        self, appointment_id: str, phone: str, *, patient_file: str | None = None
    ) -> Appointment:
        failures.only_file(patient_file)
        canonical = canonical_uuid(appointment_id)
        if canonical is None:
            raise failures.appointment_not_found()
        data = await self._rpc(
            "cancel_appointment", {"p_appointment_id": canonical, "p_user_phone": phone}
        )
        return appointment_from_row(data)

    async def reschedule(
        self,
        appointment_id: str,
        phone: str,
        start: dt.datetime,
        end: dt.datetime,
        *,
        patient_file: str | None = None,
    ) -> Appointment:
        failures.only_file(patient_file)
        canonical = canonical_uuid(appointment_id)
        if canonical is None:
            raise failures.appointment_not_found()
        start_utc, end_utc = check_range(start, end)
        params = {
            "p_appointment_id": canonical,
            "p_user_phone": phone,
            "p_start": start_utc.isoformat(),
            "p_end": end_utc.isoformat(),
        }
        data = await self._rpc("reschedule_appointment", params, start=start)
        return appointment_from_row(data)

    async def get_appointment(self, appointment_id: str) -> Appointment | None:
        canonical = canonical_uuid(appointment_id)
        if canonical is None:
            return None
        response = await self._run(
            lambda c: (
                c.table("appointments")
                .select(APPOINTMENT_COLUMNS)
                .eq("id", canonical)
                .limit(1)
                .execute()
            ),
            read=True,
        )
        return appointment_from_row(_rows(response)[0]) if response.data else None

    async def list_appointments(
        self,
        phone: str | None = None,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        status: str | None = "booked",
        *,
        patient_file: str | None = None,
    ) -> list[Appointment]:
        if patient_file is not None:
            return []  # the phone is the file here (file_id None): no other file is on it
        lower = _iso(start) if start is not None else None
        upper = _iso(end) if end is not None else None

        def query(c: AsyncClient, offset: int) -> Awaitable[Any]:
            q = c.table("appointments").select(APPOINTMENT_COLUMNS)
            if phone is not None:
                q = q.eq("user_phone", phone)
            if status is not None:
                q = q.eq("status", status)
            # Overlap with [start, end): ends after the window opens, starts before it closes.
            if lower is not None:
                q = q.gt("end_time", lower)
            if upper is not None:
                q = q.lt("start_time", upper)
            q = q.order("start_time").order("id")
            return q.range(offset, offset + self.page_size - 1).execute()

        out: list[Appointment] = []
        while True:
            offset = len(out)
            response = await self._run(partial(query, offset=offset), read=True)
            out.extend(appointment_from_row(row) for row in response.data)
            if len(response.data) < self.page_size:
                return out

    # --- call summaries ---

    async def save_call_summary(
        self, summary: CallSummary, *, patient_on_file: bool = False
    ) -> None:
        row = summary.model_dump(mode="json")
        row["id"] = summary_id(summary)
        for name in ("created_at", "started_at", "ended_at"):
            value = getattr(summary, name)
            row[name] = _iso(value) if value is not None else None
        if row["created_at"] is None:
            del row["created_at"]  # the column default stamps new rows; a replace keeps it
        if summary.user_phone and patient_on_file:
            # The patient is the calendar half's: this row is only the foreign key's.
            await self._run(
                lambda c: (
                    c.table("users")
                    .upsert(
                        {"phone": summary.user_phone},
                        on_conflict="phone",
                        ignore_duplicates=True,
                        returning=ReturnMethod.minimal,
                    )
                    .execute()
                )
            )
        elif summary.user_phone and await self.get_patient(summary.user_phone) is None:
            # A call record never creates a patient (a nameless file would go to whoever claims
            # it first): the number stays on the record as the one presented (as in SQL).
            row["presented_phone"] = row.get("presented_phone") or summary.user_phone
            row["user_phone"] = None
        # Transcripts are large: no need to have the row echoed back.
        await self._run(
            lambda c: (
                c.table("call_summaries")
                .upsert(row, on_conflict="id", returning=ReturnMethod.minimal)
                .execute()
            )
        )

    async def get_call_summary(self, summary_id: str) -> CallSummary | None:
        canonical = canonical_uuid(summary_id)
        if canonical is None:
            return None
        response = await self._run(
            lambda c: (
                c.table("call_summaries")
                .select(SUMMARY_COLUMNS)
                .eq("id", canonical)
                .limit(1)
                .execute()
            ),
            read=True,
        )
        return summary_from_row(_rows(response)[0]) if response.data else None

    async def list_call_summaries(
        self,
        phone: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int = 50,
        offset: int = 0,
        open_first: bool = False,
    ) -> list[CallSummary]:
        if limit <= 0:
            return []
        lower = _iso(since) if since is not None else None
        upper = _iso(until) if until is not None else None

        def query(c: AsyncClient) -> Awaitable[Any]:
            q = c.table("call_summaries").select(SUMMARY_COLUMNS)
            if phone is not None:
                q = q.eq("user_phone", phone)
            if lower is not None:
                q = q.gte("created_at", lower)
            if upper is not None:
                q = q.lt("created_at", upper)
            if open_first:
                # a computed field (supabase/migrations): PostgREST orders by it like a column
                q = q.order("has_open_action_items", desc=True)
            q = q.order("created_at", desc=True).order("id", desc=True)
            return q.range(max(offset, 0), max(offset, 0) + limit - 1).execute()

        response = await self._run(query, read=True)
        return [summary_from_row(row) for row in response.data]

    # --- staff work on a call's action items ---

    async def mark_action_item_done(
        self, call_id: str, index: int, done_by: str, at: dt.datetime
    ) -> ActionItemDone:
        canonical = canonical_uuid(call_id)
        if canonical is None or index < 0:
            raise failures.action_item_not_found()
        data = await self._rpc(
            "mark_action_item_done",
            {
                "p_call_id": canonical,
                "p_item_index": index,
                "p_done_by": done_by,
                "p_done_at": _iso(at),
            },
        )
        return action_item_done_from_row(data)

    async def reopen_action_item(self, call_id: str, index: int) -> None:
        canonical = canonical_uuid(call_id)
        if canonical is None:
            return
        await self._run(
            lambda c: (
                c.table("action_items_done")
                .delete(returning=ReturnMethod.minimal)
                .eq("call_id", canonical)
                .eq("item_index", index)
                .execute()
            )
        )

    async def list_action_items_done(self, call_ids: Sequence[str]) -> list[ActionItemDone]:
        keys = [k for k in (canonical_uuid(c) for c in call_ids) if k is not None]
        if not keys:
            return []
        response = await self._run(
            lambda c: (
                c.table("action_items_done")
                .select(ACTION_DONE_COLUMNS)
                .in_("call_id", keys)
                .order("call_id")
                .order("item_index")
                .execute()
            ),
            read=True,
        )
        return [action_item_done_from_row(row) for row in _rows(response)]

    # --- identity checks ---

    async def record_identity_failure(self, phone: str, at: dt.datetime) -> None:
        row = {"phone": phone, "failed_at": _iso(at)}
        await self._run(
            lambda c: (
                c.table("identity_failures").insert(row, returning=ReturnMethod.minimal).execute()
            )
        )

    async def count_identity_failures(self, phone: str, since: dt.datetime) -> int:
        lower = _iso(since)
        # HEAD with count=exact: PostgREST answers with the count in Content-Range and no rows.
        response = await self._run(
            lambda c: (
                c.table("identity_failures")
                .select("weight")
                .eq("phone", phone)
                .gte("failed_at", lower)
                .execute()
            ),
            read=True,
        )
        return sum(int(r.get("weight") or 1) for r in _rows(response))

    async def clear_identity_failures(self, phone: str) -> None:
        await self._run(
            lambda c: (
                c.table("identity_failures")
                .delete(returning=ReturnMethod.minimal)
                .eq("phone", phone)
                .execute()
            )
        )

    # --- identity guard: attempts reserved and counted in one step, pending registrations ---

    async def reserve_identity_attempt(
        self,
        attempt: str,
        keys: Sequence[str],
        at: dt.datetime,
        since: dt.datetime,
        weight: int = 1,
    ) -> list[IdentityCount]:
        subjects = sorted({k for k in keys if k})
        if not subjects or weight < 1:
            raise InvalidRequest("An identity attempt needs a key and a positive weight.")
        data = await self._rpc(
            "reserve_identity_attempt",
            {"p_attempt": attempt, "p_keys": subjects, "p_at": _iso(at), "p_since": _iso(since),
             "p_weight": weight},
        )  # fmt: skip
        return [IdentityCount(**r) for r in (data or [])]

    async def release_identity_attempt(self, attempt: str) -> None:
        await self._run(
            lambda c: (
                c.table("identity_failures")
                .delete(returning=ReturnMethod.minimal)
                .eq("attempt", attempt)
                .execute()
            )
        )

    async def take_assertion_id(self, jti: str, expires: dt.datetime, now: dt.datetime) -> bool:
        if not jti:
            raise InvalidRequest("An assertion id is required.")
        taken = await self._rpc(
            "take_assertion_id", {"p_jti": jti, "p_expires": _iso(expires), "p_now": _iso(now)}
        )
        return bool(taken)

    async def register_pending_patient(
        self, phone: str, name: str, date_of_birth: dt.date
    ) -> Patient | None:
        dob = check_date_of_birth(date_of_birth)
        row: dict[str, Any] = {
            "phone": phone,
            "name": clean_name(name),
            "date_of_birth": dob.isoformat() if dob else None,
            "registration_pending": True,
        }
        # ignore-duplicates: an existing file is left as it is and nothing comes back.
        response = await self._run(
            lambda c: (
                c.table("users").upsert(row, on_conflict="phone", ignore_duplicates=True).execute()
            )
        )
        return patient_from_row(_rows(response)[0]) if response.data else None

    async def confirm_patient(self, phone: str) -> Patient:
        response = await self._run(
            lambda c: (
                c.table("users")
                .update({"registration_pending": False})
                .eq("phone", phone)
                .execute()
            )
        )
        if not response.data:
            raise failures.patient_not_found()
        return patient_from_row(_rows(response)[0])

    async def list_pending_patients(self) -> list[Patient]:
        response = await self._run(
            lambda c: (
                c.table("users")
                .select(USER_COLUMNS)
                .eq("registration_pending", True)
                .order("phone")
                .execute()
            ),
            read=True,
        )
        return [patient_from_row(r) for r in _rows(response)]

    # --- audit trail ---

    async def record_audit(self, entry: AuditEntry) -> None:
        row = {
            "id": audit_id(entry),
            "at": _iso(entry.at),
            "actor": entry.actor,
            "action": entry.action,
            "patient_phone": entry.patient_phone,
            "detail": entry.model_dump(mode="json")["detail"],
        }
        # ON CONFLICT DO NOTHING: a retried write never duplicates a row, and it needs no UPDATE
        # grant (the migrations keep the audit log append-only for the service role).
        await self._run(
            lambda c: (
                c.table("audit_log")
                .upsert(
                    row,
                    on_conflict="id",
                    ignore_duplicates=True,
                    returning=ReturnMethod.minimal,
                )
                .execute()
            )
        )

    async def list_audit(
        self,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        phone: str | None = None,
        actor: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[AuditEntry]:
        if limit <= 0:
            return []
        lower = _iso(since) if since is not None else None
        upper = _iso(until) if until is not None else None

        def query(c: AsyncClient) -> Awaitable[Any]:
            q = c.table("audit_log").select(AUDIT_COLUMNS)
            if phone is not None:
                q = q.eq("patient_phone", phone)
            if actor is not None:
                q = q.eq("actor", actor)
            if lower is not None:
                q = q.gte("at", lower)
            if upper is not None:
                q = q.lt("at", upper)
            q = q.order("at", desc=True).order("id", desc=True)
            return q.range(max(offset, 0), max(offset, 0) + limit - 1).execute()

        response = await self._run(query, read=True)
        return [audit_from_row(row) for row in response.data]

    # --- the calendar ---

    async def add_closure(
        self,
        start: dt.datetime,
        end: dt.datetime,
        reason: str | None = None,
        *,
        all_day: bool = False,
    ) -> ClosureAdded:
        start_utc, end_utc = check_range(start, end)
        data = await self._rpc(
            "add_closure",
            {
                "p_start": start_utc.isoformat(),
                "p_end": end_utc.isoformat(),
                "p_reason": clean_reason(reason),
                "p_all_day": all_day,
            },
        )
        return ClosureAdded(
            closure=closure_from_row(data["closure"]),
            affected=[appointment_from_row(r) for r in data["affected"]],
        )

    async def list_closures(
        self, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> list[Closure]:
        lower = _iso(start) if start is not None else None
        upper = _iso(end) if end is not None else None

        def query(c: AsyncClient) -> Awaitable[Any]:
            q = c.table("closures").select(CLOSURE_COLUMNS)
            if lower is not None:
                q = q.gt("end_time", lower)
            if upper is not None:
                q = q.lt("start_time", upper)
            return q.order("start_time").order("id").execute()

        response = await self._run(query, read=True)
        return [closure_from_row(row) for row in response.data]

    async def remove_closure(self, closure_id: str) -> Closure | None:
        canonical = canonical_uuid(closure_id)
        if canonical is None:
            return None
        response = await self._run(
            lambda c: c.table("closures").delete().eq("id", canonical).execute()
        )
        return closure_from_row(_rows(response)[0]) if response.data else None

    async def save_provider(self, name: str, hours: str | None = None) -> Provider:
        data = await self._rpc(
            "save_provider",
            {"p_name": required_name(name, "provider"), "p_hours": normalize_hours(hours)},
        )
        return provider_from_row(data)

    async def list_providers(self) -> list[Provider]:
        response = await self._run(
            lambda c: c.table("providers").select(PROVIDER_COLUMNS).order("name").execute(),
            read=True,
        )
        return sorted(
            (provider_from_row(r) for r in _rows(response)), key=lambda p: (p.name.lower(), p.id)
        )

    async def save_visit_type(
        self, name: str, minutes: int, provider_ids: list[str] | None = None
    ) -> VisitType:
        data = await self._rpc(
            "save_visit_type",
            {
                "p_name": required_name(name, "visit type"),
                "p_minutes": check_minutes(minutes),
                "p_provider_ids": check_ids(provider_ids, "provider"),
            },
        )
        return visit_type_from_row(data)

    async def published_openings(
        self, start: dt.datetime, end: dt.datetime, provider_ids: Sequence[str | None]
    ) -> dict[str | None, list[tuple[dt.datetime, dt.datetime]]]:
        return {}  # Aida's own database publishes no openings: the hours are the calendar

    async def list_visit_types(self) -> list[VisitType]:
        response = await self._run(
            lambda c: c.table("visit_types").select(VISIT_TYPE_COLUMNS).order("name").execute(),
            read=True,
        )
        return sorted(
            (visit_type_from_row(r) for r in _rows(response)), key=lambda v: (v.name.lower(), v.id)
        )

    # --- outbound calls ---

    async def save_outbound_call(self, attempt: OutboundAttempt) -> None:
        row = attempt.model_dump(mode="json")
        row["id"] = outbound_id(attempt)
        await self._run(
            lambda c: (
                c.table("outbound_calls")
                .upsert(row, on_conflict="id", returning=ReturnMethod.minimal)
                .execute()
            )
        )

    async def list_outbound_calls(
        self,
        appointment_id: str | None = None,
        phone: str | None = None,
        purpose: str | None = None,
        since: dt.datetime | None = None,
        limit: int = 200,
    ) -> list[OutboundAttempt]:
        def query(c: AsyncClient) -> Awaitable[Any]:
            q = c.table("outbound_calls").select(OUTBOUND_COLUMNS)
            if appointment_id is not None:
                q = q.eq("appointment_id", appointment_id)
            if phone is not None:
                q = q.eq("phone", phone)
            if purpose is not None:
                q = q.eq("purpose", purpose)
            if since is not None:
                q = q.gte("started_at", _iso(since))
            return q.order("started_at").order("id").limit(max(0, int(limit))).execute()

        response = await self._run(query, read=True)
        return [outbound_from_row(r) for r in _rows(response)]

    # --- the clinic profile ---

    async def get_clinic_profile(self) -> dict[str, Any] | None:
        response = await self._run(
            lambda c: c.table("clinic_profile").select("profile").eq("id", 1).execute(),
            read=True,
        )
        rows = _rows(response)
        return parse_json(rows[0]["profile"]) if rows else None

    async def save_clinic_profile(self, profile: dict[str, Any], updated_by: str) -> None:
        row = {"id": 1, "profile": profile, "updated_at": _iso(dt.datetime.now(dt.UTC))}
        row["updated_by"] = updated_by
        await self._run(
            lambda c: (
                c.table("clinic_profile")
                .upsert(row, on_conflict="id", returning=ReturnMethod.minimal)
                .execute()
            )
        )

    # --- slot holds (the waitlist's, on the calendar): the SQL functions of 20251203 ---

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
        start_utc, end_utc = check_range(start, end)
        data = await self._rpc(
            "hold_slot",
            {
                "p_user_phone": phone,
                "p_start": start_utc.isoformat(),
                "p_end": end_utc.isoformat(),
                "p_now": _iso(now),
                "p_expires_at": _iso(expires_at),
                "p_meta": meta or {},
                "p_provider_id": check_ref(provider_id, "provider"),
                "p_visit_type_id": check_ref(visit_type_id, "visit type"),
            },
            start=start,
        )
        return appointment_from_row(data)

    async def confirm_hold(self, hold_id: str, phone: str, now: dt.datetime) -> Appointment:
        canonical = canonical_uuid(hold_id)
        if canonical is None:
            raise failures.hold_expired()
        data = await self._rpc(
            "confirm_hold", {"p_hold_id": canonical, "p_user_phone": phone, "p_now": _iso(now)}
        )
        return appointment_from_row(data)

    async def release_hold(self, hold_id: str) -> Appointment | None:
        canonical = canonical_uuid(hold_id)
        if canonical is None:
            return None
        data = await self._rpc("release_hold", {"p_hold_id": canonical})
        return appointment_from_row(data) if data else None

    async def release_expired_holds(self, now: dt.datetime) -> list[Appointment]:
        data = await self._rpc("release_expired_holds", {"p_now": _iso(now)})
        return [appointment_from_row(r) for r in data or []]

    # --- the waitlist (Aida's half) ---

    async def save_waitlist_entry(self, entry: WaitlistEntry) -> WaitlistEntry:
        key = canonical_uuid(entry.id)
        if key is None:
            raise InvalidRequest("That waitlist entry reference doesn't look right.")
        row = {
            "id": key,
            "patient_phone": entry.patient_phone,
            "window_start": _iso(entry.window_start),
            "window_end": _iso(entry.window_end),
            "daily_from": wall_text(entry.daily_from),
            "daily_until": wall_text(entry.daily_until),
            "weekly": entry.weekly,
            "description": entry.description,
            "provider_id": check_ref(entry.provider_id, "provider"),
            "visit_type_id": check_ref(entry.visit_type_id, "visit type"),
            "status": entry.status,
            "created_at": _iso(entry.created_at),
            "updated_by": entry.updated_by,
            "note": entry.note,
        }
        response = await self._run(
            lambda c: c.table("waitlist_entries").upsert(row, on_conflict="id").execute()
        )
        return waitlist_entry_from_row(_rows(response)[0])

    async def get_waitlist_entry(self, entry_id: str) -> WaitlistEntry | None:
        key = canonical_uuid(entry_id)
        if key is None:
            return None
        response = await self._run(
            lambda c: (
                c.table("waitlist_entries").select(WAITLIST_ENTRY_COLUMNS).eq("id", key).execute()
            ),
            read=True,
        )
        rows = _rows(response)
        return waitlist_entry_from_row(rows[0]) if rows else None

    async def list_waitlist(
        self, status: str | None = None, phone: str | None = None
    ) -> list[WaitlistEntry]:
        def query(c: AsyncClient) -> Awaitable[Any]:
            q = c.table("waitlist_entries").select(WAITLIST_ENTRY_COLUMNS)
            if status is not None:
                q = q.eq("status", status)
            if phone is not None:
                q = q.eq("patient_phone", phone)
            return q.order("created_at").order("id").execute()

        response = await self._run(query, read=True)
        return [waitlist_entry_from_row(r) for r in _rows(response)]

    async def save_waitlist_offer(self, offer: WaitlistOffer) -> WaitlistOffer:
        row = {
            "id": canonical_uuid(offer.id),
            "entry_id": canonical_uuid(offer.entry_id),
            "hold_id": canonical_uuid(offer.hold_id),
            "slot_start": _iso(offer.slot_start),
            "slot_end": _iso(offer.slot_end),
            "provider_id": check_ref(offer.provider_id, "provider"),
            "status": offer.status,
            "offered_at": _iso(offer.offered_at),
            "expires_at": _iso(offer.expires_at),
            "answered_at": _iso(offer.answered_at) if offer.answered_at else None,
            "appointment_id": canonical_uuid(offer.appointment_id)
            if offer.appointment_id
            else None,
        }
        response = await self._run(
            lambda c: c.table("waitlist_offers").upsert(row, on_conflict="id").execute()
        )
        return waitlist_offer_from_row(_rows(response)[0])

    async def list_waitlist_offers(
        self,
        entry_id: str | None = None,
        status: str | None = None,
        slot_start: dt.datetime | None = None,
    ) -> list[WaitlistOffer]:
        entry = canonical_uuid(entry_id) if entry_id else None
        slot = _iso(slot_start) if slot_start is not None else None

        def query(c: AsyncClient) -> Awaitable[Any]:
            q = c.table("waitlist_offers").select(WAITLIST_OFFER_COLUMNS)
            if entry is not None:
                q = q.eq("entry_id", entry)
            if status is not None:
                q = q.eq("status", status)
            if slot is not None:
                q = q.eq("slot_start", slot)
            return q.order("offered_at").order("id").execute()

        response = await self._run(query, read=True)
        return [waitlist_offer_from_row(r) for r in _rows(response)]
