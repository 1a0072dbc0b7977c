"""The SSRF guard: webhooks reach only public addresses unless private ones are allowed.

A name is resolved and every address it gives must be global (not private, loopback,
link-local, shared, reserved, documentation or multicast, also when an IPv4 address hides
in an IPv6 one). The delivery then connects to the address that was checked, not to a second
lookup that a rebinding DNS server could point elsewhere: the URL carries the address, and the
original name goes in `Host` and in TLS SNI (so certificates are still checked against it).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class UnsafeUrlError(ValueError):
    """A webhook URL the registry will not call; the message is safe to show."""


async def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the event loop's resolver, off the loop thread)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def embedded(address: IPAddress) -> list[IPAddress]:
    """The address and any IPv4 address it carries (mapped, 6to4, NAT64)."""
    found: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            found.append(address.ipv4_mapped)
        if address.sixtofour is not None:
            found.append(address.sixtofour)
        if address in NAT64:
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def is_public(address: IPAddress) -> bool:
    return all(a.is_global and not a.is_multicast for a in embedded(address))


@dataclass(frozen=True, slots=True)
class Target:
    """Where to send a request: `url` (pinned to a checked address), and the name to present."""

    url: str
    host_header: str | None = None
    sni_hostname: str | None = None

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        """`headers` for a request to the pinned URL, with `Host` naming the original host."""
        if self.host_header is None:
            return headers
        return {**headers, "Host": self.host_header}


class UrlGuard:
    """Checks webhook URLs; with `allow_private` (REGISTRY_WEBHOOK_ALLOW_PRIVATE) any host goes."""

    def __init__(self, *, allow_private: bool = False, resolver: Resolver = resolve_host) -> None:
        self.allow_private = allow_private
        self._resolve = resolver

    @staticmethod
    @functools.lru_cache(maxsize=1024)  # every delivery checks its webhook's URL again
    def parse(url: str) -> httpx.URL:
        """The URL if its form is acceptable (http or https, a host, no credentials)."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise UnsafeUrlError(f"Invalid webhook URL: {exc}") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise UnsafeUrlError("A webhook URL must be http(s)://host/...")
        if parsed.userinfo:
            raise UnsafeUrlError("A webhook URL may not carry credentials; use the secret.")
        return parsed

    async def target(self, url: str) -> Target:
        """Check `url` and pin it to a checked address; raises `UnsafeUrlError`."""
        if self.allow_private:
            return _unchecked(url)
        parsed = self.parse(url)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            literal: IPAddress | None = ipaddress.ip_address(parsed.host)
        except ValueError:
            literal = None
        if literal is not None:
            addresses = [literal]
        else:
            try:
                found = await self._resolve(parsed.host, port)
            except OSError as exc:
                raise UnsafeUrlError(f"Cannot resolve {parsed.host}: {exc}") from None
            addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in found]
        refused = [str(a) for a in addresses if not is_public(a)]
        if refused or not addresses:
            raise UnsafeUrlError(
                f"Webhook host {parsed.host} resolves to a non-public address "
                f"({', '.join(refused) or 'none'}); set REGISTRY_WEBHOOK_ALLOW_PRIVATE=true "
                "to allow private, loopback and link-local receivers."
            )
        if literal is not None:
            return _unchecked(url)
        return Target(
            str(parsed.copy_with(host=str(addresses[0]))),
            host_header=parsed.netloc.decode("ascii"),
            sni_hostname=parsed.raw_host.decode("ascii") if parsed.scheme == "https" else None,
        )


@functools.lru_cache(maxsize=1024)
def _unchecked(url: str) -> Target:
    """The target of a URL that needs no lookup (an address, or any host when private ones
    are allowed): the same for every delivery."""
    return Target(str(UrlGuard.parse(url)))
