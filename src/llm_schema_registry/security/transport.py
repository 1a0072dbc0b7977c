"""Start-up rules for `serve`: authentication may be off only on loopback, and TLS options."""

from __future__ import annotations

import ipaddress
import ssl
from typing import Any

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name we cannot vouch for


def refusal(host: str, auth_enabled: bool, insecure: bool) -> str | None:
    """Why the server must not start, or None. Checked before binding."""
    if auth_enabled or insecure or is_loopback(host):
        return None
    return (
        f"Refusing to listen on {host} without authentication: set REGISTRY_AUTH_ENABLED=true "
        "(and create an admin key with `llm-schema keys create --role admin`), or pass "
        "--insecure to run unauthenticated anyway."
    )


INSECURE_WARNING = (
    "WARNING: serving WITHOUT authentication on a non-loopback address (--insecure). "
    "Anyone who can reach this port can change every schema. Set REGISTRY_AUTH_ENABLED=true."
)


def tls_options(cert: str | None, key: str | None, client_ca: str | None) -> dict[str, Any]:
    """uvicorn's TLS keyword arguments (empty without a certificate)."""
    if cert is None and key is None:
        if client_ca is not None:
            raise ValueError("--tls-client-ca needs --tls-cert and --tls-key")
        return {}
    if cert is None or key is None:
        raise ValueError("--tls-cert and --tls-key go together")
    options: dict[str, Any] = {"ssl_certfile": cert, "ssl_keyfile": key}
    if client_ca is not None:
        options["ssl_ca_certs"] = client_ca
        options["ssl_cert_reqs"] = ssl.CERT_REQUIRED
    return options
