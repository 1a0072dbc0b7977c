"""Failed authentication, throttled per client address and per API key id.

Checking a wrong API key pays scrypt (~50 ms of CPU, 16 MiB), so unthrottled wrong keys are a
cheap way to exhaust the server's CPU. Each failure takes a token from its address's bucket
and from its key id's bucket (capacity = `per_minute`, refilled continuously); once either
is empty, further attempts from that address or for that key id are refused (429) *before*
any hash is computed, until a token is back. Successes cost nothing here, so many clients
behind one address are not slowed down by their own traffic.

Per process (like the local rate limiter): with several workers each keeps its own counts,
which multiplies what an attacker gets by the number of workers, not more.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

# Buckets remembered at most (least recently failed forgotten first): an attacker cycling
# through addresses or key ids cannot grow memory without bound.
MAX_TRACKED = 100_000


class FailedLogins:
    """Token buckets of failures, keyed by `addr:<client>` and `key:<key id>`."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._per_second = per_minute / 60.0
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, when

    def wait_seconds(self, names: Iterable[str]) -> int:
        """0 when none of `names` is throttled, else how long until all of them may try."""
        now = self._clock()
        wait = 0.0
        for name in names:
            tokens = self._tokens(name, now)
            if tokens < 1:
                wait = max(wait, (1 - tokens) / self._per_second)
        return max(1, math.ceil(wait)) if wait else 0

    def failed(self, names: Iterable[str]) -> None:
        """One failed attempt, counted against each of `names`."""
        now = self._clock()
        for name in names:
            self._buckets[name] = (max(0.0, self._tokens(name, now) - 1), now)
            self._buckets.move_to_end(name)
        while len(self._buckets) > MAX_TRACKED:
            self._buckets.popitem(last=False)

    def _tokens(self, name: str, now: float) -> float:
        found = self._buckets.get(name)
        if found is None:
            return float(self.per_minute)
        tokens, then = found
        return min(float(self.per_minute), tokens + (now - then) * self._per_second)


def attempt_names(client: str | None, key_id: str | None) -> list[str]:
    """The buckets one attempt counts against."""
    names = [f"addr:{client}"] if client else []
    if key_id:
        names.append(f"key:{key_id[:64]}")  # a caller-given string: bounded
    return names
