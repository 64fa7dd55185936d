"""Real servers on 127.0.0.1 for tests of what warroom sends: SMTP and a webhook receiver.

    with SmtpServer() as smtp:            aiosmtpd on a free port, in a thread
        ... smtp.settings / smtp.env ...  point Django (or a child process) at it
        smtp.messages                     every message received, parsed
    with WebhookReceiver() as hooks:      http.server on a free port, a thread per request
        hooks.url("/a")                   an address to subscribe
        hooks.requests                    every request received, duplicates included

Both are plain context managers, so browser tests and subprocess tests use them as they are;
`warroom/notify/tests/conftest.py` wraps them as the pytest fixtures `smtp_server` and
`webhook_receiver`. Nothing here is imported by the application.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

from aiosmtpd.smtp import SMTP, Envelope, Session

__all__ = ["ReceivedMail", "ReceivedRequest", "SmtpServer", "WebhookReceiver", "wait_until"]

HOST = "127.0.0.1"


def wait_until(
    condition: Callable[[], object], *, timeout: float = 30, message: str = "condition"
) -> None:
    """Poll CONDITION until it is true; AssertionError after TIMEOUT seconds.

    A generous limit for something that must happen, never a measurement of speed.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{message}: not reached within {timeout} s")
        time.sleep(0.05)


# --- SMTP ------------------------------------------------------------------------------------


@dataclass
class ReceivedMail:
    """One message as the SMTP server received it."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def part(self, content_type: str) -> str:
        """The decoded text of the first part of CONTENT_TYPE ("text/plain", "text/html").

        Line ends are the wire's CRLF turned back into "\n".
        """
        for piece in self.message.walk():
            if piece.get_content_type() == content_type:
                text = str(piece.get_content())
                return text.replace("\r\n", "\n")
        raise KeyError(content_type)


class _Handler:
    """aiosmtpd's handler: keeps messages, refuses the addresses it is told to refuse."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        refusal = self.server.refuse.get(address.lower())
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.server.data_reply:
            return self.server.data_reply
        content = envelope.original_content or b""
        mail = ReceivedMail(str(envelope.mail_from), list(envelope.rcpt_tos), content)
        with self.server.lock:
            self.server.messages.append(mail)
        return "250 Message accepted for delivery"


class SmtpServer:
    """An aiosmtpd SMTP server on 127.0.0.1 and a free port, running in its own thread.

    `refuse` maps an address to the reply its RCPT gets ("550 5.1.1 No such user");
    `data_reply`, when set, answers every DATA instead of accepting ("451 4.3.0 Try later").
    """

    def __init__(self) -> None:
        self.messages: list[ReceivedMail] = []
        self.refuse: dict[str, str] = {}
        self.data_reply = ""
        self.lock = threading.Lock()
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._serve, name="smtp-server", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        if not self._ready.wait(timeout=10) or not self.port:
            raise RuntimeError("the test SMTP server did not start")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        handler = _Handler(self)
        server = loop.run_until_complete(
            loop.create_server(lambda: SMTP(handler, hostname="smtp.test", loop=loop), HOST, 0)
        )
        self.port = int(server.sockets[0].getsockname()[1])
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            loop.run_until_complete(server.wait_closed())
            loop.close()

    @property
    def settings(self) -> dict[str, Any]:
        """Django settings that send mail here (apply with pytest-django's `settings`)."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": self.port,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_TIMEOUT": 10,
        }

    @property
    def env(self) -> dict[str, str]:
        """Environment for a warroom child process that sends mail here."""
        return {"WARROOM_SMTP_HOST": HOST, "WARROOM_SMTP_PORT": str(self.port)}

    def to(self, address: str) -> list[ReceivedMail]:
        """The messages received for ADDRESS."""
        with self.lock:
            return [m for m in self.messages if address in m.rcpt_tos]


# --- webhooks --------------------------------------------------------------------------------


@dataclass
class ReceivedRequest:
    """One HTTP request as the receiver read it, whole."""

    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    number: int = 0  # 1 for the first request the receiver got

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def idempotency_key(self) -> str:
        return self.headers.get("idempotency-key", "")


@dataclass
class _Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 and a free port that records every request it reads.

    `reply(path, status, headers)` sets the answer for a path (200 by default). `hold(n)` keeps
    the n-th request (counting from 1, over all paths) open after recording it, until
    `release()`: `held` is set while it waits, so a test can kill the sender mid-request.
    """

    def __init__(self) -> None:
        self.requests: list[ReceivedRequest] = []
        self.lock = threading.Lock()
        self.held = threading.Event()
        self._release = threading.Event()
        self._hold_number = 0
        self._replies: dict[str, _Reply] = {}
        self._server = ThreadingHTTPServer((HOST, 0), self._handler_class())
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        # A short poll interval: shutting down waits for the loop's next look.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="webhook-receiver", daemon=True
        )

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def url(self, path: str = "/") -> str:
        return f"http://{HOST}:{self.port}{path}"

    def reply(self, path: str, status: int, headers: dict[str, str] | None = None) -> None:
        self._replies[path] = _Reply(status, dict(headers or {}))

    def hold(self, number: int) -> None:
        self._hold_number = number

    def release(self) -> None:
        self._release.set()

    def by_key(self) -> dict[str, list[ReceivedRequest]]:
        """Requests grouped by their Idempotency-Key, as a deduplicating receiver sees them."""
        grouped: dict[str, list[ReceivedRequest]] = {}
        with self.lock:
            for request in self.requests:
                grouped.setdefault(request.idempotency_key, []).append(request)
        return grouped

    def to(self, path: str) -> list[ReceivedRequest]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def _record(self, request: ReceivedRequest) -> _Reply:
        with self.lock:
            self.requests.append(request)
            request.number = len(self.requests)
        if request.number == self._hold_number:
            self.held.set()
            self._release.wait(timeout=120)
        return self._replies.get(request.path, _Reply())

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {name.lower(): value for name, value in self.headers.items()}
                request = ReceivedRequest(self.command, self.path, headers, body)
                answer = receiver._record(request)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender went away while the request was held

            do_GET = do_POST  # a followed redirect would arrive as a GET

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # quiet: tests read `requests`, not a log

        return Handler
