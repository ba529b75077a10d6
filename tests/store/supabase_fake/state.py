"""The rows behind the fake PostgREST, and the behaviour of the SQL functions in
`supabase/migrations/` (mirrored here; the real ones run on PostgreSQL in the migration tests).

It understands exactly the PostgREST dialect the Supabase backend speaks (select, eq/gt/gte/lt/is
filters, order, offset/limit, upsert with on_conflict, update, delete, count=exact) and answers in
PostgREST's formats:
rows as JSON arrays, timestamptz as ISO 8601 with an offset, errors as {code, details, hint,
message} with the HTTP status PostgREST documents for each code.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from typing import Any

from tests.store.supabase_fake.server import Recorded, Reply, error_body

COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("phone", "name", "preferences", "date_of_birth"),
    "appointments": (
        "id",
        "user_phone",
        "start_time",
        "end_time",
        "status",
        "meta",
        "provider_id",
        "visit_type_id",
    ),
    "call_summaries": (
        "id",
        "user_phone",
        "summary_text",
        "preferences",
        "appointments_in_call",
        "cost_breakdown",
        "timeline",
        "transcript",
        "created_at",
        "action_items",
        "status",
        "room_name",
        "started_at",
        "ended_at",
        "duration_seconds",
        "end_reason",
    ),
    "identity_failures": ("id", "phone", "failed_at"),
    "audit_log": ("id", "at", "actor", "action", "patient_phone", "detail"),
    "closures": ("id", "start_time", "end_time", "reason", "all_day", "created_at"),
    "providers": ("id", "name", "hours"),
    "visit_types": ("id", "name", "minutes", "provider_ids"),
}
KEYS = {
    "users": "phone",
    "appointments": "id",
    "call_summaries": "id",
    "identity_failures": "id",
    "audit_log": "id",
    "closures": "id",
    "providers": "id",
    "visit_types": "id",
}
TIME_COLUMNS = {"start_time", "end_time", "created_at", "started_at", "ended_at", "failed_at", "at"}
# Tables with a user_phone foreign key to users.
USER_FK_TABLES = {"appointments", "call_summaries"}
FUNCTIONS = {
    "book_appointment",
    "reschedule_appointment",
    "cancel_appointment",
    "merge_user_preferences",
    "book_provider_appointment",
    "add_closure",
    "save_provider",
    "save_visit_type",
}
NOT_FILTERS = {"select", "order", "offset", "limit", "on_conflict", "columns"}


def ts(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def pg_ts(value: dt.datetime) -> str:
    """timestamptz as PostgREST renders it with the session time zone UTC."""
    return value.astimezone(dt.UTC).isoformat()


def _err(status: int, code: str, message: str, details: str | None = None) -> Reply:
    return Reply(status, error_body(code, message, details))


class PostgrestState:
    def __init__(self) -> None:
        self.tables: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in COLUMNS}
        self.missing_tables: set[str] = set()
        self.missing_columns: set[tuple[str, str]] = set()
        self.missing_functions: set[str] = set()
        self.now: dt.datetime | None = None  # what now() returns; None: the real clock

    def _now(self) -> dt.datetime:
        return self.now or dt.datetime.now(dt.UTC)

    # --- dispatch ---

    def handle(self, req: Recorded) -> Reply:
        parts = req.path.removeprefix("/rest/v1/").split("/")
        if parts[0] == "rpc":
            if req.method != "POST":
                return _err(405, "PGRST101", "Only GET and POST are allowed for functions")
            return self._rpc(parts[1], req.json())
        table = parts[0]
        if table not in COLUMNS or table in self.missing_tables:
            return _err(
                404, "PGRST205", f"Could not find the table 'public.{table}' in the schema cache"
            )
        if req.method in ("GET", "HEAD"):
            return self._select(table, req.params, req.headers.get("prefer", ""))
        if req.method == "POST":
            return self._upsert(table, req)
        if req.method == "PATCH":
            return self._update(table, req)
        if req.method == "DELETE":
            return self._delete(table, req)
        return _err(405, "PGRST117", f"Unsupported HTTP method: {req.method}")

    def _columns(self, table: str) -> list[str]:
        return [c for c in COLUMNS[table] if (table, c) not in self.missing_columns]

    # --- tables ---

    def _filtered(self, table: str, params: list[tuple[str, str]]) -> list[dict[str, Any]]:
        rows = list(self.tables[table].values())
        for key, value in params:
            if key in NOT_FILTERS:
                continue
            op, _, arg = value.partition(".")
            rows = [r for r in rows if _match(r.get(key), op, arg, key in TIME_COLUMNS)]
        return rows

    def _select(self, table: str, params: list[tuple[str, str]], prefer: str = "") -> Reply:
        known = self._columns(table)
        select = next((v for k, v in params if k == "select"), "*")
        wanted = known if select == "*" else select.split(",")
        for col in wanted:
            if col not in known:
                return _err(400, "42703", f"column {table}.{col} does not exist")
        rows = self._filtered(table, params)
        total = len(rows)
        for spec in reversed(next((v for k, v in params if k == "order"), "").split(",")):
            if spec:
                col, _, direction = spec.partition(".")
                rows.sort(
                    key=lambda r: _sort_key(r.get(col), col), reverse=direction.startswith("desc")
                )
        offset = int(next((v for k, v in params if k == "offset"), 0))
        limit = next((int(v) for k, v in params if k == "limit"), None)
        rows = rows[offset:] if limit is None else rows[offset : offset + limit]
        headers = {}
        if "count=exact" in prefer:
            shown = f"{offset}-{offset + len(rows) - 1}" if rows else "*"
            headers["Content-Range"] = f"{shown}/{total}"
        body = [{c: copy.deepcopy(r.get(c)) for c in wanted} for r in rows]
        return Reply(200, body, headers=headers)

    def _update(self, table: str, req: Recorded) -> Reply:
        body = req.json()
        known = self._columns(table)
        for col in body:
            if col not in known:
                return _err(
                    400,
                    "PGRST204",
                    f"Could not find the '{col}' column of '{table}' in the schema cache",
                )
        rows = self._filtered(table, req.params)
        for row in rows:
            row.update(copy.deepcopy(body))
        if "return=minimal" in req.headers.get("prefer", ""):
            return Reply(204)
        return Reply(200, copy.deepcopy(rows))

    def _delete(self, table: str, req: Recorded) -> Reply:
        rows = self._filtered(table, req.params)
        for row in rows:
            del self.tables[table][row[KEYS[table]]]
        if "return=minimal" in req.headers.get("prefer", ""):
            return Reply(204)
        return Reply(200, copy.deepcopy(rows))

    def _upsert(self, table: str, req: Recorded) -> Reply:
        body = req.json()
        known = self._columns(table)
        for col in body:
            if col not in known:
                return _err(
                    400,
                    "PGRST204",
                    f"Could not find the '{col}' column of '{table}' in the schema cache",
                )
        prefer = req.headers.get("prefer", "")
        on_conflict = next((v for k, v in req.params if k == "on_conflict"), KEYS[table])
        rows = self.tables[table]
        key = body.get(on_conflict)
        if key is not None and key in rows:
            if "resolution=ignore-duplicates" in prefer:  # ON CONFLICT DO NOTHING
                return Reply(201) if "return=minimal" in prefer else Reply(201, [])
            if "resolution=merge-duplicates" not in prefer:
                return _err(
                    409, "23505", f'duplicate key value violates unique constraint "{table}_pkey"'
                )
            rows[key].update(copy.deepcopy(body))
            row = rows[key]
        else:
            if table in USER_FK_TABLES and body.get("user_phone") not in (
                None,
                *self.tables["users"],
            ):
                return _err(
                    409,
                    "23503",
                    f'insert or update on table "{table}" violates foreign key constraint'
                    f' "{table}_user_phone_fkey"',
                )
            row = {c: None for c in known}
            if table == "users":
                row["preferences"] = {}
            if table == "call_summaries":
                row["created_at"] = pg_ts(self._now())
            if table == "audit_log":
                row["at"], row["detail"] = pg_ts(self._now()), {}
            if "id" in row and body.get("id") is None:
                row["id"] = str(uuid.uuid4())
            row.update(copy.deepcopy(body))
            for col in TIME_COLUMNS & set(row):
                if row[col] is not None:
                    row[col] = pg_ts(ts(row[col]))
            rows[row[KEYS[table]]] = row
        if "return=minimal" in prefer:
            return Reply(201)
        return Reply(201, [copy.deepcopy(row)])

    # --- functions: the contract of the SQL in supabase/migrations ---

    def _rpc(self, fn: str, args: dict[str, Any]) -> Reply:
        if fn not in FUNCTIONS or fn in self.missing_functions:
            return _err(
                404,
                "PGRST202",
                f"Could not find the function public.{fn}({', '.join(sorted(args))})"
                " in the schema cache",
            )
        return getattr(self, f"_fn_{fn}")(**args)

    def _overlapping(
        self, start: dt.datetime, end: dt.datetime, provider_id: str | None = None
    ) -> dict[str, Any] | None:
        # The exclusion constraint: per provider, NULL being one shared calendar.
        for row in self.tables["appointments"].values():
            if (
                row["status"] == "booked"
                and row.get("provider_id") == provider_id
                and ts(row["start_time"]) < end
                and start < ts(row["end_time"])
            ):
                return row
        return None

    def _closed(self, start: dt.datetime, end: dt.datetime) -> bool:
        # The appointments_not_in_closure trigger.
        return any(
            ts(c["start_time"]) < end and start < ts(c["end_time"])
            for c in self.tables["closures"].values()
        )

    def _insert_appointment(
        self,
        phone: str,
        start: dt.datetime,
        end: dt.datetime,
        meta: dict,
        provider_id: str | None = None,
        visit_type_id: str | None = None,
    ) -> dict:
        row = {
            "id": str(uuid.uuid4()),
            "user_phone": phone,
            "start_time": pg_ts(start),
            "end_time": pg_ts(end),
            "status": "booked",
            "meta": meta,
            "provider_id": provider_id,
            "visit_type_id": visit_type_id,
        }
        self.tables["appointments"][row["id"]] = row
        return row

    def _owned(self, appointment_id: str, phone: str) -> dict[str, Any] | Reply:
        row = self.tables["appointments"].get(appointment_id)
        if row is None:
            return _err(400, "AI404", "appointment not found")
        if row["user_phone"] != phone:
            return _err(400, "AI403", "appointment belongs to another patient")
        return row

    def _fn_book_appointment(
        self, p_user_phone: str, p_start: str, p_end: str, p_meta: dict | None = None
    ) -> Reply:
        return self._fn_book_provider_appointment(p_user_phone, p_start, p_end, p_meta)

    def _fn_book_provider_appointment(
        self,
        p_user_phone: str,
        p_start: str,
        p_end: str,
        p_meta: dict | None = None,
        p_provider_id: str | None = None,
        p_visit_type_id: str | None = None,
    ) -> Reply:
        start, end = ts(p_start), ts(p_end)
        if end <= start:
            return _err(400, "22023", "an appointment must end after it starts")
        if p_user_phone not in self.tables["users"]:
            return _err(400, "AI410", "patient not found")
        for row in self.tables["appointments"].values():
            if (
                row["user_phone"] == p_user_phone
                and ts(row["start_time"]) == start
                and row["status"] == "booked"
            ):
                return Reply(200, {"appointment": copy.deepcopy(row), "created": False})
        if self._closed(start, end):  # a BEFORE INSERT trigger runs before the constraint
            return _clinic_closed()
        if self._overlapping(start, end, p_provider_id) is not None:
            return _slot_taken()
        row = self._insert_appointment(
            p_user_phone, start, end, p_meta or {}, p_provider_id, p_visit_type_id
        )
        return Reply(200, {"appointment": copy.deepcopy(row), "created": True})

    def _fn_cancel_appointment(self, p_appointment_id: str, p_user_phone: str) -> Reply:
        row = self._owned(p_appointment_id, p_user_phone)
        if isinstance(row, Reply):
            return row
        if row["status"] != "cancelled":
            row["status"] = "cancelled"
            row["meta"] = {**row["meta"], "cancelled_at": pg_ts(self._now())}
        return Reply(200, copy.deepcopy(row))

    def _fn_reschedule_appointment(
        self, p_appointment_id: str, p_user_phone: str, p_start: str, p_end: str
    ) -> Reply:
        start, end = ts(p_start), ts(p_end)
        if end <= start:
            return _err(400, "22023", "an appointment must end after it starts")
        old = self._owned(p_appointment_id, p_user_phone)
        if isinstance(old, Reply):
            return old
        if old["status"] != "booked":
            moved = self.tables["appointments"].get(old["meta"].get("rescheduled_to", ""))
            if moved is not None and ts(moved["start_time"]) == start:
                return Reply(200, copy.deepcopy(moved))
            return _err(400, "AI409", "appointment is not booked")
        old_start, old_end = ts(old["start_time"]), ts(old["end_time"])
        if (old_start, old_end) == (start, end):
            return Reply(200, copy.deepcopy(old))
        # The new slot is held before the old one is released, unless the two overlap; either
        # way it is one transaction, so a conflict leaves the original booked.
        provider = old.get("provider_id")
        clash = self._overlapping(start, end, provider)
        if clash is not None and clash is not old:
            return _slot_taken()
        if clash is old and any(
            r is not old
            and r["status"] == "booked"
            and r.get("provider_id") == provider
            and ts(r["start_time"]) < end
            and start < ts(r["end_time"])
            for r in self.tables["appointments"].values()
        ):
            return _slot_taken()
        meta = {
            k: v
            for k, v in old["meta"].items()
            if k not in ("rescheduled_to", "rescheduled_from", "cancelled_at")
        }
        if self._closed(start, end):
            return _clinic_closed()
        new = self._insert_appointment(
            p_user_phone,
            start,
            end,
            {**meta, "rescheduled_from": old["id"]},
            provider,
            old.get("visit_type_id"),
        )
        old["status"] = "cancelled"
        old["meta"] = {
            **old["meta"],
            "rescheduled_to": new["id"],
            "cancelled_at": pg_ts(self._now()),
        }
        return Reply(200, copy.deepcopy(new))

    def _fn_merge_user_preferences(self, p_phone: str, p_preferences: Any) -> Reply:
        if not isinstance(p_preferences, dict):
            return _err(400, "22023", "preferences must be a JSON object")
        row = self.tables["users"].get(p_phone)
        if row is None:
            return _err(400, "AI410", "patient not found")
        row["preferences"] = {**(row["preferences"] or {}), **p_preferences}
        return Reply(200, copy.deepcopy(row))

    def _fn_add_closure(
        self, p_start: str, p_end: str, p_reason: str | None = None, p_all_day: bool = False
    ) -> Reply:
        start, end = ts(p_start), ts(p_end)
        if end <= start:
            return _err(400, "22023", "a closure must end after it starts")
        row = {
            "id": str(uuid.uuid4()),
            "start_time": pg_ts(start),
            "end_time": pg_ts(end),
            "reason": p_reason,
            "all_day": bool(p_all_day),
            "created_at": pg_ts(self._now()),
        }
        self.tables["closures"][row["id"]] = row
        affected = sorted(
            (
                copy.deepcopy(a)
                for a in self.tables["appointments"].values()
                if a["status"] == "booked"
                and ts(a["start_time"]) < end
                and start < ts(a["end_time"])
            ),
            key=lambda a: ts(a["start_time"]),
        )
        return Reply(200, {"closure": copy.deepcopy(row), "affected": affected})

    def _named(self, table: str, name: str) -> dict[str, Any] | None:
        return next(
            (r for r in self.tables[table].values() if r["name"].lower() == name.lower()), None
        )

    def _fn_save_provider(self, p_name: str, p_hours: str | None = None) -> Reply:
        if not p_name.strip():
            return _err(400, "22023", "a provider needs a name")
        row = self._named("providers", p_name)
        if row is None:
            row = {"id": str(uuid.uuid4()), "name": p_name, "hours": p_hours}
            self.tables["providers"][row["id"]] = row
        row["hours"] = p_hours
        return Reply(200, copy.deepcopy(row))

    def _fn_save_visit_type(
        self, p_name: str, p_minutes: int, p_provider_ids: list[str] | None = None
    ) -> Reply:
        if not p_name.strip():
            return _err(400, "22023", "a visit type needs a name")
        ids = p_provider_ids or []
        if any(i not in self.tables["providers"] for i in ids):
            return _err(400, "AI422", "provider not found")
        row = self._named("visit_types", p_name)
        if row is None:
            row = {"id": str(uuid.uuid4()), "name": p_name}
            self.tables["visit_types"][row["id"]] = row
        row.update(minutes=p_minutes, provider_ids=ids)
        return Reply(200, copy.deepcopy(row))


def _clinic_closed() -> Reply:
    return _err(400, "AI423", "the clinic is closed then")


def _slot_taken() -> Reply:
    # PostgREST answers class 23 errors other than 23503/23505 with HTTP 400.
    return _err(
        400,
        "23P01",
        'conflicting key value violates exclusion constraint "appointments_no_overlap"',
        details="Key (tstzrange(start_time, end_time, '[)'::text))=(...) conflicts with"
        " existing key (...).",
    )


def _match(value: Any, op: str, arg: str, is_time: bool) -> bool:
    if op == "is":
        return {"null": value is None, "true": value is True, "false": value is False}[arg]
    if value is None:
        return False
    left: Any = ts(value) if is_time else str(value)
    right: Any = ts(arg) if is_time else arg
    return {
        "eq": left == right,
        "neq": left != right,
        "gt": left > right,
        "gte": left >= right,
        "lt": left < right,
        "lte": left <= right,
    }[op]


def _sort_key(value: Any, col: str) -> Any:
    if value is None:
        return (1, "")
    return (0, ts(value) if col in TIME_COLUMNS else value)
