"""The SSRF guard: private, loopback, link-local and other non-global receivers are refused."""

from __future__ import annotations

import pytest

from llm_schema_registry.events.ssrf import UnsafeUrlError, UrlGuard

REFUSED = [
    "http://127.0.0.1:8080/hook",
    "http://127.8.9.10/",
    "http://[::1]/",
    "http://10.1.2.3/",
    "http://172.16.0.9/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://100.64.0.1/",  # shared address space (carrier NAT)
    "http://0.0.0.0/",
    "http://224.0.0.1/",  # multicast
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
    "http://[2002:7f00:1::1]/",  # 6to4 wrapping 127.0.0.1
    "http://[64:ff9b::a00:1]/",  # NAT64 wrapping 10.0.0.1
    "http://localhost:9000/",  # a name resolving to loopback
]


@pytest.mark.parametrize("url", REFUSED)
async def test_non_public_receivers_are_refused(url: str) -> None:
    with pytest.raises(UnsafeUrlError, match="REGISTRY_WEBHOOK_ALLOW_PRIVATE"):
        await UrlGuard().target(url)


@pytest.mark.parametrize("url", REFUSED)
async def test_allow_private_lets_them_through_unchanged(url: str) -> None:
    target = await UrlGuard(allow_private=True).target(url)
    assert str(target.url) == url and target.host_header is None


@pytest.mark.parametrize(
    "url",
    ["ftp://hooks.example/", "file:///etc/passwd", "https://user:pw@hooks.example/", "http:///x"],
)
async def test_bad_forms_are_refused_even_when_private_is_allowed(url: str) -> None:
    with pytest.raises(UnsafeUrlError):
        await UrlGuard(allow_private=True).target(url)


async def test_public_literal_is_used_as_is() -> None:
    target = await UrlGuard().target("https://93.184.216.34:8443/hook")
    assert str(target.url) == "https://93.184.216.34:8443/hook"


async def test_name_is_pinned_to_the_checked_address_with_host_and_sni_kept() -> None:
    async def dns(host: str, port: int) -> list[str]:
        assert (host, port) == ("hooks.example.test", 8443)
        return ["93.184.216.34", "2606:2800:220:1::1"]

    target = await UrlGuard(resolver=dns).target("https://hooks.example.test:8443/in?x=1")
    assert str(target.url) == "https://93.184.216.34:8443/in?x=1"
    assert (target.host_header, target.sni_hostname) == (
        "hooks.example.test:8443",
        "hooks.example.test",
    )
    headers = target.headers({"Content-Type": "application/json"})
    assert headers == {"Content-Type": "application/json", "Host": "hooks.example.test:8443"}


async def test_one_private_address_among_public_ones_is_enough_to_refuse() -> None:
    async def rebinding(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.5"]

    with pytest.raises(UnsafeUrlError, match=r"10\.0\.0\.5"):
        await UrlGuard(resolver=rebinding).target("http://hooks.example.test/")


async def test_unresolvable_name_is_refused() -> None:
    async def nxdomain(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(UnsafeUrlError, match="Cannot resolve"):
        await UrlGuard(resolver=nxdomain).target("http://nowhere.example.test/")
