"""The clinic's EHR as Aida's calendar, over FHIR R4 (docs/fhir.md)."""

from aida.store.fhir.calendar import FhirCalendar

__all__ = ["FhirCalendar"]
