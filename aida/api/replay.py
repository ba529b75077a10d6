"""Each portal assertion starts one session: its `jti` is taken once, until it expires.

In memory, like the rate limiter: one API process sees every session request it serves (run one
process, or put the portal's `jti` in a shared store before running several; docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import threading

# Ids are forgotten once expired; past this many live ones the oldest go first, so a flood of
# (valid, signed) assertions cannot grow memory without bound.
MAX_REMEMBERED = 100_000


class OnceOnly:
    def __init__(self, max_remembered: int = MAX_REMEMBERED) -> None:
        self._seen: dict[str, dt.datetime] = {}
        self._max = max_remembered
        self._lock = threading.Lock()

    def take(self, jti: str, expires: dt.datetime, now: dt.datetime) -> bool:
        """True the first time `jti` is presented before it expires; False after."""
        with self._lock:
            if len(self._seen) >= self._max:
                for key in [k for k, exp in self._seen.items() if exp < now]:
                    del self._seen[key]
                while len(self._seen) >= self._max:
                    del self._seen[next(iter(self._seen))]
            if jti in self._seen:
                return False
            self._seen[jti] = expires
            return True
