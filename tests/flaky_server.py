"""A real HTTP server on 127.0.0.1 that answers 503 to the first `failures` requests, then
proxies to a real registry; it records the headers of every request it saw."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx


class FlakyProxy:
    def __init__(self, upstream: str, failures: int) -> None:
        self.upstream = upstream
        self.failures = failures
        self.seen: list[dict[str, str]] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                with proxy._lock:
                    proxy.seen.append(dict(self.headers.items()))
                    fail = proxy.failures > 0
                    proxy.failures -= 1 if fail else 0
                if fail:
                    self._reply(503, b'{"error_code": 50301, "message": "try later"}')
                    return
                forwarded = {
                    k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")
                }
                reply = httpx.request(
                    self.command, proxy.upstream + self.path, content=body, headers=forwarded
                )
                self._reply(reply.status_code, reply.content)

            def _reply(self, status: int, content: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
