"""Aida's rows as FHIR R4 resources and back, built and read through `fhir.resources` models.

What FHIR has a place for goes there (a patient's name, birth date and phone; an appointment's
times, participants, slot and status; a closure as a Slot busy-unavailable on the clinic's
Schedule). What it has not (a patient's preferences, an appointment's Aida meta, a provider's
working hours, a visit type's length) travels in extensions under `urn:aida:fhir:`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot

from aida.errors import InvalidRequest
from aida.store.models import Appointment, Closure, Patient, Provider, VisitType

Resource = dict[str, Any]

EXT = "urn:aida:fhir:"
PREFERENCES = EXT + "preferences"
APPOINTMENT_META = EXT + "appointment-meta"
HOURS = EXT + "hours"
MINUTES = EXT + "minutes"
VISIT_PROVIDER = EXT + "provider"
ALL_DAY = EXT + "all-day"
# Identifier systems: what Aida looks its own resources up by.
PROVIDER_ID = "urn:aida:provider"  # value: the provider's name, case-folded
VISIT_TYPE_ID = "urn:aida:visit-type"  # value: the visit type's name, case-folded
SCHEDULE_ID = "urn:aida:schedule"  # value: "clinic" or a Practitioner id
CLINIC_ID = "urn:aida:clinic"
CLINIC = "clinic"
# Slots Aida made itself (a booking where the EHR published none, a closure) carry this tag, so
# the EHR's own Slots, the openings it publishes, can be told apart from them.
MADE_BY_AIDA = {"system": "urn:aida:fhir", "code": "aida"}
MADE_BY_AIDA_TOKEN = f"{MADE_BY_AIDA['system']}|{MADE_BY_AIDA['code']}"
# On a Schedule: changed by every booking on it, so a versioned update of the Schedule orders
# bookings from Aida hosts that share no lock (`FhirCalendar._advance`).
FENCE = EXT + "fence"

# Appointment statuses that hold the time; the rest free it or never held it.
HOLDING = ("booked", "arrived", "checked-in")
RELEASED = ("cancelled", "noshow", "entered-in-error")
# A FHIR resource id: what a provider or visit type reference must look like.
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def check_id(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _FHIR_ID.fullmatch(value):
        raise InvalidRequest(f"That {what} reference doesn't look right.")
    return value


def instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _ext(resource: Resource, url: str) -> dict[str, Any] | None:
    return next((e for e in resource.get("extension") or [] if e.get("url") == url), None)


def _json_ext(resource: Resource, url: str) -> dict[str, Any]:
    found = _ext(resource, url)
    if not found or "valueString" not in found:
        return {}
    value = json.loads(found["valueString"])
    return value if isinstance(value, dict) else {}


def _set_ext(resource: Resource, url: str, value: dict[str, Any] | None) -> None:
    others = [e for e in resource.get("extension") or [] if e.get("url") != url]
    if value is not None:
        others.append({"url": url, **value})
    if others:
        resource["extension"] = others
    else:
        resource.pop("extension", None)


def _checked(model: Any, resource: Resource) -> Resource:
    """Validate against the R4 model and return the JSON the server gets."""
    dumped: Resource = model.model_validate(resource).model_dump(mode="json", exclude_none=True)
    return dumped


def ref_id(reference: str | None, rtype: str) -> str | None:
    if not reference:
        return None
    parts = reference.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] == rtype:
        return parts[-1]
    return None


# --- patients ---


def _name_text(resource: Resource) -> str | None:
    for name in resource.get("name") or []:
        if name.get("text"):
            return str(name["text"])
        words = [*(name.get("given") or []), name.get("family") or ""]
        joined = " ".join(w for w in words if w)
        if joined:
            return joined
    return None


def patient_resource(
    phone: str, name: str | None, date_of_birth: dt.date | None, base: Resource | None = None
) -> Resource:
    resource: Resource = dict(base or {"resourceType": "Patient"})
    if name is not None:
        given, _, family = name.rpartition(" ")
        entry: dict[str, Any] = {"text": name, "family": family or name}
        if given:
            entry["given"] = given.split()
        resource["name"] = [entry, *(resource.get("name") or [])[1:]]
    telecom = list(resource.get("telecom") or [])
    if not any(t.get("value") == phone for t in telecom):
        telecom.append({"system": "phone", "value": phone})
    resource["telecom"] = telecom
    if date_of_birth is not None:
        resource["birthDate"] = date_of_birth.isoformat()
    return _checked(FhirPatient, resource)


def with_preferences(resource: Resource, preferences: dict[str, Any]) -> Resource:
    out = dict(resource)
    _set_ext(out, PREFERENCES, {"valueString": json.dumps(preferences, sort_keys=True)})
    return _checked(FhirPatient, out)


def patient_from(resource: Resource, phone: str) -> Patient:
    birth = resource.get("birthDate")
    return Patient(
        phone=phone,
        name=_name_text(resource),
        preferences=_json_ext(resource, PREFERENCES),
        # A partial birth date (year or year-month, allowed by FHIR) verifies nobody.
        date_of_birth=dt.date.fromisoformat(birth) if birth and len(birth) == 10 else None,
        file_id=resource.get("id"),
    )


# --- providers, visit types, schedules ---


def provider_resource(name: str, hours: str | None, base: Resource | None = None) -> Resource:
    resource: Resource = dict(base or {"resourceType": "Practitioner"})
    resource["identifier"] = [
        *(i for i in resource.get("identifier") or [] if i.get("system") != PROVIDER_ID),
        {"system": PROVIDER_ID, "value": name.casefold()},
    ]
    if base is None:
        resource["name"] = [{"text": name}]
    _set_ext(resource, HOURS, {"valueString": hours} if hours else None)
    return _checked(Practitioner, resource)


def provider_from(resource: Resource) -> Provider:
    hours = _ext(resource, HOURS)
    return Provider(
        id=resource["id"],
        name=_name_text(resource) or "",
        hours=hours.get("valueString") if hours else None,
    )


def visit_type_resource(
    name: str, minutes: int, provider_ids: list[str], base: Resource | None = None
) -> Resource:
    resource: Resource = dict(base or {"resourceType": "HealthcareService", "name": name})
    resource["identifier"] = [
        *(i for i in resource.get("identifier") or [] if i.get("system") != VISIT_TYPE_ID),
        {"system": VISIT_TYPE_ID, "value": name.casefold()},
    ]
    resource["extension"] = [
        *(
            e
            for e in resource.get("extension") or []
            if e.get("url") not in (MINUTES, VISIT_PROVIDER)
        ),
        {"url": MINUTES, "valueInteger": minutes},
        *(
            {"url": VISIT_PROVIDER, "valueReference": {"reference": f"Practitioner/{p}"}}
            for p in provider_ids
        ),
    ]
    return _checked(HealthcareService, resource)


def visit_type_from(resource: Resource) -> VisitType:
    minutes = _ext(resource, MINUTES)
    providers = [
        ref_id(e["valueReference"].get("reference"), "Practitioner")
        for e in resource.get("extension") or []
        if e.get("url") == VISIT_PROVIDER and e.get("valueReference")
    ]
    return VisitType(
        id=resource["id"],
        name=str(resource.get("name") or ""),
        minutes=int(minutes["valueInteger"]) if minutes else 30,
        provider_ids=[p for p in providers if p],
    )


def clinic_location(name: str) -> Resource:
    return {
        "resourceType": "Location",
        "identifier": [{"system": CLINIC_ID, "value": CLINIC}],
        "name": name,
        "status": "active",
    }


def schedule_resource(key: str, actor: str) -> Resource:
    """The calendar of one provider (key: their id) or of the clinic's shared one ("clinic")."""
    return _checked(
        Schedule,
        {
            "resourceType": "Schedule",
            "identifier": [{"system": SCHEDULE_ID, "value": key}],
            "active": True,
            "actor": [{"reference": actor}],
        },
    )


# --- slots and closures ---


def slot_resource(
    schedule_id: str,
    start: dt.datetime,
    end: dt.datetime,
    status: str,
    comment: str | None = None,
    all_day: bool = False,
) -> Resource:
    resource: Resource = {
        "resourceType": "Slot",
        "schedule": {"reference": f"Schedule/{schedule_id}"},
        "status": status,
        "start": instant(start),
        "end": instant(end),
        "meta": {"tag": [dict(MADE_BY_AIDA)]},
    }
    if comment:
        resource["comment"] = comment
    if all_day:
        resource["extension"] = [{"url": ALL_DAY, "valueBoolean": True}]
    return _checked(Slot, resource)


def times(resource: Resource) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.fromisoformat(resource["start"].replace("Z", "+00:00"))
    end = dt.datetime.fromisoformat(resource["end"].replace("Z", "+00:00"))
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def closure_from(resource: Resource) -> Closure:
    start, end = times(resource)
    flag = _ext(resource, ALL_DAY)
    updated = (resource.get("meta") or {}).get("lastUpdated")
    return Closure(
        id=resource["id"],
        start_time=start,
        end_time=end,
        reason=resource.get("comment"),
        all_day=bool(flag and flag.get("valueBoolean")),
        created_at=dt.datetime.fromisoformat(updated.replace("Z", "+00:00")) if updated else None,
    )


# --- appointments ---


def appointment_resource(
    patient_id: str,
    start: dt.datetime,
    end: dt.datetime,
    meta: dict[str, Any],
    slot_ids: list[str],
    provider_id: str | None,
    visit_type: VisitType | None,
) -> Resource:
    participants: list[dict[str, Any]] = [
        {"actor": {"reference": f"Patient/{patient_id}"}, "status": "accepted"}
    ]
    if provider_id:
        participants.append(
            {"actor": {"reference": f"Practitioner/{provider_id}"}, "status": "accepted"}
        )
    resource: Resource = {
        "resourceType": "Appointment",
        "status": "booked",
        "start": instant(start),
        "end": instant(end),
        "minutesDuration": max(1, round((end - start).total_seconds() / 60)),
        "slot": [{"reference": f"Slot/{slot_id}"} for slot_id in slot_ids],
        "participant": participants,
        "extension": [{"url": APPOINTMENT_META, "valueString": json.dumps(meta, sort_keys=True)}],
    }
    reason = meta.get("reason")
    if isinstance(reason, str) and reason:
        resource["description"] = reason
    if visit_type is not None:
        resource["serviceType"] = [
            {
                "coding": [
                    {"system": VISIT_TYPE_ID, "code": visit_type.id, "display": visit_type.name}
                ]
            }
        ]
    return _checked(FhirAppointment, resource)


def with_status(resource: Resource, status: str, meta: dict[str, Any]) -> Resource:
    out = dict(resource)
    out["status"] = status
    _set_ext(out, APPOINTMENT_META, {"valueString": json.dumps(meta, sort_keys=True)})
    return _checked(FhirAppointment, out)


def appointment_meta(resource: Resource) -> dict[str, Any]:
    return _json_ext(resource, APPOINTMENT_META)


def actor_id(resource: Resource, rtype: str) -> str | None:
    for participant in resource.get("participant") or []:
        found = ref_id((participant.get("actor") or {}).get("reference"), rtype)
        if found:
            return found
    return None


def slot_id_of(resource: Resource) -> str | None:
    found = slot_ids_of(resource)
    return found[0] if found else None


def slot_ids_of(resource: Resource) -> list[str]:
    """Every Slot the appointment holds (a visit may span several the EHR published)."""
    out = []
    for slot in resource.get("slot") or []:
        found = ref_id(slot.get("reference"), "Slot")
        if found:
            out.append(found)
    return out


def made_by_aida(resource: Resource) -> bool:
    return any(
        t.get("system") == MADE_BY_AIDA["system"] and t.get("code") == MADE_BY_AIDA["code"]
        for t in (resource.get("meta") or {}).get("tag") or []
    )


def with_fence(schedule: Resource, value: str) -> Resource:
    out = dict(schedule)
    _set_ext(out, FENCE, {"valueString": value})
    return out


def visit_type_id_of(resource: Resource) -> str | None:
    for concept in resource.get("serviceType") or []:
        for coding in concept.get("coding") or []:
            if coding.get("system") == VISIT_TYPE_ID and coding.get("code"):
                return str(coding["code"])
    return None


def appointment_from(resource: Resource, phone: str) -> Appointment:
    start, end = times(resource)
    return Appointment(
        id=resource["id"],
        user_phone=phone,
        start_time=start,
        end_time=end,
        status="booked" if resource.get("status") in HOLDING else "cancelled",
        meta=appointment_meta(resource),
        provider_id=actor_id(resource, "Practitioner"),
        visit_type_id=visit_type_id_of(resource),
        patient_file=actor_id(resource, "Patient"),
    )
