"""What the API process holds for its lifetime: settings, clock, the store, the rate limiter.

The store is opened once (at startup by the lifespan, or on first use when the database was down
at startup or the app runs without a lifespan, as under a test client) and shared by every request.
"""

from __future__ import annotations

import asyncio
import logging

from aida.api.ratelimit import SlidingWindowLimiter
from aida.api.tokens import TokenMinter
from aida.config import Settings
from aida.errors import StoreUnavailable
from aida.scheduling.clock import Clock, SystemClock
from aida.scheduling.hours import ClinicHours
from aida.store.protocol import Store

log = logging.getLogger("aida.api")

STORE_DOWN = "The appointment database is not reachable right now. Please try again shortly."


class AppState:
    def __init__(
        self, settings: Settings, *, store: Store | None = None, clock: Clock | None = None
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.limiter = SlidingWindowLimiter(settings.session_rate_limit_per_minute, window=60.0)
        # Wrong staff keys, per client address (aida.api.deps.require_staff).
        self.staff_failures = SlidingWindowLimiter(
            settings.staff_auth_failures_per_minute, window=60.0
        )
        self._store = store
        # A store handed in by the caller (tests, embedding) is theirs to close.
        self._owns_store = store is None
        self._lock = asyncio.Lock()
        self._hours: ClinicHours | None = None
        self._minter: TokenMinter | None = None

    @property
    def hours(self) -> ClinicHours:
        if self._hours is None:
            self._hours = ClinicHours.from_settings(self.settings)
        return self._hours

    def token_minter(self) -> TokenMinter:
        """Only called once the LiveKit settings are known to be present."""
        if self._minter is None:
            s = self.settings
            assert s.livekit_api_key and s.livekit_api_secret
            self._minter = TokenMinter(
                s.livekit_api_key, s.livekit_api_secret.get_secret_value(), s.livekit_token_ttl
            )
        return self._minter

    async def store(self) -> Store:
        if self._store is not None:
            return self._store
        async with self._lock:
            if self._store is None:
                self._store = await self._open()
        return self._store

    async def _open(self) -> Store:
        from aida.store.factory import open_store

        try:
            return await open_store(self.settings)
        except StoreUnavailable:
            raise
        except Exception as exc:
            # The message of a driver error can carry a DSN with a password: log its type only.
            log.error(
                "could not open the %s store: %s", self.settings.store_backend, type(exc).__name__
            )
            raise StoreUnavailable(STORE_DOWN) from exc

    async def close(self) -> None:
        if self._store is not None and self._owns_store:
            await self._store.close()
            self._store = None
