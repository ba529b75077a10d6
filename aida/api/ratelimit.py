"""An in-memory sliding-window rate limiter, one window per client address.

In-memory is enough for one API process (the token endpoint is cheap and the limit is a courtesy
against a runaway client, not a security boundary); several processes each count on their own.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

# Idle clients are forgotten once this many are tracked, so a scan from many addresses cannot grow
# memory without bound.
MAX_TRACKED_CLIENTS = 10_000


class SlidingWindowLimiter:
    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_TRACKED_CLIENTS,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_clients = max_clients
        self._hits: dict[str, deque[float]] = {}

    def hit(self, key: str) -> float | None:
        """Count one request from `key`. Returns None when allowed, else the seconds to wait."""
        now = self._clock()
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= self._max_clients:
                self._forget_idle(now)
            hits = self._hits[key] = deque()
        cutoff = now - self.window
        while hits and hits[0] <= cutoff:
            hits.popleft()
        if len(hits) >= self.limit:
            return max(hits[0] + self.window - now, 0.001)
        hits.append(now)
        return None

    def waiting(self, key: str) -> float | None:
        """The seconds `key` must wait before its next hit is allowed, without counting one."""
        now = self._clock()
        hits = self._hits.get(key)
        if not hits:
            return None
        cutoff = now - self.window
        while hits and hits[0] <= cutoff:
            hits.popleft()
        if len(hits) >= self.limit:
            return max(hits[0] + self.window - now, 0.001)
        return None

    def _forget_idle(self, now: float) -> None:
        cutoff = now - self.window
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= cutoff]:
            del self._hits[key]
        if len(self._hits) >= self._max_clients:
            # Everyone is active: drop the least recently seen half rather than refuse newcomers.
            by_last = sorted(self._hits, key=lambda k: self._hits[k][-1] if self._hits[k] else 0.0)
            for key in by_last[: len(by_last) // 2]:
                del self._hits[key]

    def __len__(self) -> int:
        return len(self._hits)
