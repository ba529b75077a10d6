from aida.store.models import Appointment, BookingResult, CallSummary, Patient
from aida.store.protocol import Store

__all__ = ["Appointment", "BookingResult", "CallSummary", "Patient", "Store"]
