"""Per-principal token buckets: capacity = the per-minute rate, refilled continuously. A
principal's rate is its key's own limit, else the most generous rate among its roles.

Shared across nodes through Redis when REGISTRY_REDIS_URL is set (one Lua script per
request: refill, take, and the wait when empty, atomically on the Redis clock), per process
otherwise.
"""

from __future__ import annotations

import math
import time
from typing import Any, Protocol

from llm_schema_registry.security.errors import RateLimitedError
from llm_schema_registry.security.principals import Principal

_LUA = """
local capacity = tonumber(ARGV[1])
local per_ms = capacity / 60000.0
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now_ms
tokens = math.min(capacity, tokens + math.max(0, now_ms - ts) * per_ms)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) / per_ms / 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now_ms)
redis.call('PEXPIRE', KEYS[1], 60000)
return wait
"""


class RateLimiter(Protocol):
    async def wait_seconds(self, principal: str, per_minute: int) -> int:
        """0 when the request may go ahead (a token was taken), else seconds to wait."""
        ...

    async def close(self) -> None: ...


class RateLimits:
    """Takes a token from the principal's bucket, or refuses with the wait."""

    def __init__(self, limiter: RateLimiter, default_rate: int, role_rates: dict[str, int]) -> None:
        self.limiter = limiter
        self.default_rate = default_rate
        self.role_rates = role_rates

    def rate_of(self, principal: Principal) -> int:
        return principal.rate_limit_per_minute or max(
            (self.role_rates.get(role, self.default_rate) for role in principal.roles),
            default=self.default_rate,
        )

    async def admit(self, principal: Principal) -> None:
        """Raises `RateLimitedError` when the principal's bucket is empty."""
        wait = await self.limiter.wait_seconds(principal.actor, self.rate_of(principal))
        if wait:
            raise RateLimitedError(wait)

    async def close(self) -> None:
        await self.limiter.close()


class LocalRateLimiter:
    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}

    async def wait_seconds(self, principal: str, per_minute: int) -> int:
        now = time.monotonic()
        per_second = per_minute / 60.0
        tokens, last = self._buckets.get(principal, (float(per_minute), now))
        tokens = min(float(per_minute), tokens + (now - last) * per_second)
        if tokens >= 1:
            self._buckets[principal] = (tokens - 1, now)
            return 0
        self._buckets[principal] = (tokens, now)
        return max(1, math.ceil((1 - tokens) / per_second))

    async def close(self) -> None:
        self._buckets.clear()


class RedisRateLimiter:
    def __init__(self, url: str, prefix: str = "lsr:ratelimit:") -> None:
        import redis.asyncio as redis

        self._redis: Any = redis.from_url(url)
        self._script = self._redis.register_script(_LUA)
        self._prefix = prefix

    async def wait_seconds(self, principal: str, per_minute: int) -> int:
        wait = await self._script(keys=[self._prefix + principal], args=[per_minute])
        return int(wait)

    async def close(self) -> None:
        await self._redis.aclose()
