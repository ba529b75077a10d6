"""The clinic's profile: what Aida may tell callers about the clinic (address, parking,
insurance accepted, ...). Staff only; every change is in the audit log under the key's label.

`GET` answers the profile a call would use now (configuration, staff edits, closures as
holidays) and, apart, the edits staff made; `PUT` replaces the edits. A field left out of the
body keeps the configured default (the clinic's name and hours) or stays unknown.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from aida.api.audit import record_staff_action
from aida.api.deps import STAFF_ERRORS, ClockDep, SettingsDep, StaffDep, StaffLabel, StoreDep
from aida.api.schemas import ValidationErrorBody
from aida.calendar.profile import ClinicProfile, ProfileEdits, profile_for_call, save_edits
from aida.calendar.profile import load_edits as stored_edits

router = APIRouter(tags=["clinic"], dependencies=[StaffDep])


class ProfilePage(BaseModel):
    profile: ClinicProfile = Field(description="What a call answers from, as of now.")
    edits: ProfileEdits = Field(description="What staff set; the rest comes from configuration.")


@router.get(
    "/clinic/profile",
    response_model=ProfilePage,
    summary="The clinic's profile",
    responses={**STAFF_ERRORS},
)
async def get_profile(
    store: StoreDep, settings: SettingsDep, clock: ClockDep, staff: StaffLabel
) -> ProfilePage:
    profile = await profile_for_call(store, settings, clock.now())
    edits = await stored_edits(store)
    await record_staff_action(store, clock, staff, "read_clinic_profile")
    return ProfilePage(profile=profile, edits=edits)


@router.put(
    "/clinic/profile",
    response_model=ProfilePage,
    summary="Set the clinic's profile",
    description="Replaces what staff set. `hours` maps days (`mon`..`sun`) to `09:00-17:00`, "
    "`08:00-12:00,13:00-17:00` or `closed`; days left out keep the configured hours. Holidays "
    "are the closures (`/api/closures`).",
    responses={**STAFF_ERRORS, 422: {"model": ValidationErrorBody}},
)
async def put_profile(
    body: ProfileEdits, store: StoreDep, settings: SettingsDep, clock: ClockDep, staff: StaffLabel
) -> ProfilePage:
    await save_edits(store, body, f"staff:{staff}")
    await record_staff_action(
        store, clock, staff, "update_clinic_profile", fields=sorted(body.stored()) or None
    )
    profile = await profile_for_call(store, settings, clock.now())
    return ProfilePage(profile=profile, edits=body)
