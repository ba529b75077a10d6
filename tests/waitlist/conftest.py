"""The outbound tests' offline world (a SQLite store, a fixed clock at Monday 10 AM in New York,
LiveKit's server API faked at its HTTP boundary): the offer calls use the same dialer."""

from tests.outbound.conftest import clock, jane, livekit, settings, store  # noqa: F401
