"""The automation API's HTTP server: requests in handler threads, the work on the polling thread.

pjsua2 may only be called from the thread that polls it, so no handler
thread touches the phone. A handler checks the token, reads and parses the
request, then puts the work into a queue with a `Future` for the answer and
waits (at most `reply_timeout` seconds, else 504). The polling thread (the
headless loop, or the window's timer) calls `process_pending()` each turn,
runs the queued work on the phone and sets each answer. Events go the other
way through `EventFeed`'s bounded per-client queues, streamed as
Server-Sent Events.

Routes (see openapi.json, served at /openapi.json):

    GET  /v1/state              agent, registration, calls, transfers, wrap-up
    GET  /v1/history?limit=N    the agent's last calls from the store
    GET  /v1/events             Server-Sent Events, starting with a "hello" state
    POST /v1/commands/{name}    dial, answer, reject, hangup, hold, ... (commands.py)
    GET  /openapi.json          this API's OpenAPI 3.1 description
"""

from __future__ import annotations

import dataclasses
import json
import logging
import queue
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from softphone.cti.auth import TOKEN_FILE, load_or_create_token, token_matches, write_port_file
from softphone.cti.commands import COMMANDS, CommandError, current_state, run_command
from softphone.cti.events import Event, EventFeed, Subscription, context_json
from softphone.phone import Phone
from supervisor.store import StoreError, open_store

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 7130
MAX_BODY = 64 * 1024  # commands are small; a larger body is refused unread (413)
REPLY_TIMEOUT = 5.0  # seconds a handler waits for the polling thread (504 past it)
KEEPALIVE_SECONDS = 15.0  # an SSE comment this often, so dead clients are noticed
MAX_HISTORY = 500
OPENAPI_FILE = Path(__file__).with_name("openapi.json")

Result = dict[str, Any]

# (method, path pattern) of every route; "{name}" is one path segment.
ROUTES = (
    ("GET", "/v1/state"),
    ("GET", "/v1/history"),
    ("GET", "/v1/events"),
    ("POST", "/v1/commands/{name}"),
    ("GET", "/openapi.json"),
)


class CtiError(Exception):
    """The API cannot start: the port is taken, the token file cannot be written."""


@dataclass
class _Work:
    run: Callable[[], Any]
    future: Future[Any]


class CtiServer:
    """The local automation API of one `Phone`, on 127.0.0.1 only."""

    def __init__(
        self,
        phone: Phone,
        folder: Path,
        *,
        port: int = DEFAULT_PORT,
        store_path: Path | None = None,
        reply_timeout: float = REPLY_TIMEOUT,
        max_body: int = MAX_BODY,
    ) -> None:
        self.phone = phone
        self.folder = Path(folder)
        self.requested_port = port
        self.store_path = store_path if store_path is not None else phone.store.path
        self.agent_id = phone.session.agent_id
        self.reply_timeout = reply_timeout
        self.max_body = max_body
        self.feed = EventFeed(phone)
        self.token = ""
        self._work: queue.Queue[_Work] = queue.Queue()
        self._http: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def port(self) -> int:
        """The port the API listens on (once started)."""
        return self._http.server_address[1] if self._http is not None else 0

    @property
    def url(self) -> str:
        """The API's base URL, such as http://127.0.0.1:7130."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def token_file(self) -> Path:
        """Where the bearer token is kept (readable by its owner only)."""
        return self.folder / TOKEN_FILE

    @property
    def running(self) -> bool:
        """True between `start()` and `stop()`."""
        return self._http is not None

    def start(self) -> None:
        """Make the token if needed, listen on 127.0.0.1 and serve in a thread of its own.

        Events are followed from now on: start before the phone, so clients
        see the registration and the agent logging in.
        """
        try:
            self.token = load_or_create_token(self.folder)
            http = _HttpServer((LOOPBACK, self.requested_port), _Handler)
        except OSError as exc:
            raise CtiError(
                f"automation API on {LOOPBACK}:{self.requested_port}: {exc.strerror or exc}"
            ) from None
        http.cti = self
        self._http = http
        self._stopping.clear()
        try:
            write_port_file(self.folder, self.port)
        except OSError as exc:
            http.server_close()
            self._http = None
            raise CtiError(f"cannot write the port file in {self.folder}: {exc}") from None
        self.feed.attach()
        self._thread = threading.Thread(
            target=http.serve_forever, kwargs={"poll_interval": 0.2}, name="cti-http", daemon=True
        )
        self._thread.start()
        log.info("Automation API listening on %s (token in %s)", self.url, self.token_file)

    def stop(self) -> None:
        """Stop serving: end event streams, refuse waiting commands, close the socket."""
        http, self._http = self._http, None
        if http is None:
            return
        self._stopping.set()
        self.feed.close_all()
        http.shutdown()
        http.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self.process_pending(limit=None)  # refuse what is still queued, now that stopping is set
        log.info("Automation API stopped")

    # -- the polling thread's side ----------------------------------------------------

    def process_pending(self, limit: int | None = 32) -> int:
        """Run queued work on the phone (call this from the polling thread each turn).

        Returns how many items were taken from the queue.
        """
        done = 0
        while limit is None or done < limit:
            try:
                work = self._work.get_nowait()
            except queue.Empty:
                break
            done += 1
            if not work.future.set_running_or_notify_cancel():
                continue  # the handler gave up waiting: do not run it late
            if self._stopping.is_set():
                work.future.set_exception(
                    CommandError(503, "stopping", "The softphone is shutting down.")
                )
                continue
            try:
                work.future.set_result(work.run())
            except Exception as exc:
                work.future.set_exception(exc)
        return done

    # -- the handler threads' side ----------------------------------------------------

    def call(self, run: Callable[[], Any]) -> Any:
        """Run `run` on the polling thread and wait for its result (handler threads only)."""
        if self._stopping.is_set():
            raise CommandError(503, "stopping", "The softphone is shutting down.")
        future: Future[Any] = Future()
        self._work.put(_Work(run, future))
        try:
            return future.result(self.reply_timeout)
        except FutureTimeout:
            ran = not future.cancel()
            raise CommandError(
                504,
                "timeout",
                f"The softphone did not answer within {self.reply_timeout:g} s"
                + ("; the command may still take effect." if ran else "; nothing was done."),
            ) from None

    def run_command(self, name: str, body: dict[str, Any]) -> Result:
        """Run a named command on the polling thread."""
        result: Result = self.call(lambda: run_command(self.phone, name, body))
        return result

    def state(self) -> Result:
        """The current state, read on the polling thread."""
        result: Result = self.call(lambda: current_state(self.phone))
        return result

    def subscribe(self) -> Subscription:
        """A new event stream whose first event is the state at that moment."""

        def subscribe_now() -> Subscription:
            return self.feed.subscribe({"type": "hello", "state": current_state(self.phone)})

        subscription: Subscription = self.call(subscribe_now)
        return subscription

    def history(self, limit: int) -> Result:
        """The agent's last `limit` calls from the store, newest first, with their wrap-ups."""
        try:
            with open_store(self.store_path) as store:
                calls = store.calls(agent_id=self.agent_id)[-limit:]
                since = calls[0].ringing_at if calls else None
                finals = {w.call_id: w for w in store.wrap_ups(agent_id=self.agent_id, since=since)}
        except StoreError as exc:
            raise CommandError(
                503, "store_unavailable", f"The store cannot be read: {exc}"
            ) from None
        items = []
        for record in reversed(calls):
            fields = dataclasses.asdict(record)
            fields["context"] = context_json(record.context)
            fields["transfers"] = [dataclasses.asdict(t) for t in record.transfers]
            final = finals.get(record.call_id)
            fields["wrap_up"] = dataclasses.asdict(final) if final is not None else None
            items.append(fields)
        return {"agent_id": self.agent_id, "calls": items}

    @property
    def stopping(self) -> bool:
        """True once `stop()` began."""
        return self._stopping.is_set()


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # event streams and idle keep-alive connections must not delay stop
    cti: CtiServer


class _Handler(BaseHTTPRequestHandler):
    """One connection: authentication, limits, routing; the work goes to `CtiServer`."""

    server: _HttpServer
    protocol_version = "HTTP/1.1"
    server_version = "CallboardCTI/1"
    timeout = 30  # seconds a silent connection is kept
    _body_read = True

    def log_message(self, format: str, *args: Any) -> None:
        """Requests go to the debug log only: a token never reaches a log."""
        log.debug("%s %s", self.address_string(), format % args)

    # -- methods ---------------------------------------------------------------

    def do_GET(self) -> None:
        """GET routes."""
        self._serve("GET")

    def do_POST(self) -> None:
        """POST routes."""
        self._serve("POST")

    def do_PUT(self) -> None:
        """Not used by the API: 405."""
        self._serve("PUT")

    def do_DELETE(self) -> None:
        """Not used by the API: 405."""
        self._serve("DELETE")

    def do_PATCH(self) -> None:
        """Not used by the API: 405."""
        self._serve("PATCH")

    def _serve(self, method: str) -> None:
        cti = self.server.cti
        length = self.headers.get("Content-Length", "").strip()
        self._body_read = not self.headers.get("Transfer-Encoding") and length in ("", "0")
        try:
            if not token_matches(cti.token, self.headers.get("Authorization")):
                given = self.headers.get("Authorization") is not None
                raise CommandError(
                    401,
                    "unauthorized",
                    "Wrong bearer token: read it again from the token file."
                    if given
                    else "Send 'Authorization: Bearer <token>' with the token from the token file.",
                )
            path = urlsplit(self.path)
            route, name = _route(method, path.path)
            if route == "POST /v1/commands/{name}":
                body = self._json_body()
                if name not in COMMANDS:
                    raise CommandError(
                        404,
                        "unknown_command",
                        f"No command '{name}'. Commands: {', '.join(sorted(COMMANDS))}.",
                    )
                self._send(200, cti.run_command(name, body))
            elif route == "GET /v1/state":
                self._send(200, cti.state())
            elif route == "GET /v1/history":
                self._send(200, cti.history(_limit(path.query)))
            elif route == "GET /v1/events":
                self._stream_events(cti)
            elif route == "GET /openapi.json":
                self._send_raw(200, _openapi_text().encode(), "application/json")
        except CommandError as exc:
            self._refuse(exc)
        except Exception:
            log.exception("Automation API: %s %s failed", method, self.path.split("?")[0])
            self._refuse(CommandError(500, "internal_error", "The softphone failed; see its log."))

    # -- requests --------------------------------------------------------------

    def _json_body(self) -> dict[str, Any]:
        if self.headers.get("Transfer-Encoding"):
            raise CommandError(
                411, "length_required", "Send the body with a Content-Length, not chunked."
            )
        raw_length = self.headers.get("Content-Length", "0").strip() or "0"
        if not raw_length.isdigit():
            raise CommandError(400, "bad_request", "Content-Length is not a number.")
        length = int(raw_length)
        limit = self.server.cti.max_body
        if length > limit:
            raise CommandError(
                413, "body_too_large", f"The body is {length} bytes; the limit is {limit}."
            )
        raw = self.rfile.read(length) if length else b""
        self._body_read = True
        if len(raw) < length:
            self.close_connection = True
            raise CommandError(400, "bad_request", "The body ended before its Content-Length.")
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise CommandError(
                400, "malformed_json", f"The body is not valid JSON: {exc}"
            ) from None
        if not isinstance(body, dict):
            raise CommandError(400, "malformed_json", "The body must be a JSON object.")
        return body

    # -- answers ---------------------------------------------------------------

    def _send(self, status: int, payload: Result, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self._send_raw(status, data, "application/json", headers)

    def _send_raw(
        self,
        status: int,
        data: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def _refuse(self, exc: CommandError) -> None:
        headers = dict(exc.headers)
        if exc.status == 401:
            given = self.headers.get("Authorization") is not None
            headers["WWW-Authenticate"] = (
                'Bearer realm="callboard", error="invalid_token"'
                if given
                else 'Bearer realm="callboard"'
            )
        body_unread = not self._body_read
        if body_unread:
            self.close_connection = True  # the body was not read: this connection is done
        try:
            self._send(exc.status, {"error": exc.error, "detail": exc.detail}, headers)
        except OSError:
            return
        if body_unread:
            self._discard_unread_body()

    def _discard_unread_body(self, seconds: float = 1.0, most: int = 32 * 1024 * 1024) -> None:
        """Let a client that is still sending a refused body finish, so it reads our answer.

        Closing with unread bytes makes the kernel reset the connection, and
        the client may lose the answer; the bytes are thrown away as they come.
        """
        connection: socket.socket = self.connection
        try:
            connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + seconds
            received = 0
            while received < most:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                connection.settimeout(left)
                chunk = connection.recv(65536)
                if not chunk:
                    break
                received += len(chunk)
        except (OSError, ValueError):
            pass  # the client is gone: nothing left to do

    # -- the event stream ------------------------------------------------------

    def _stream_events(self, cti: CtiServer) -> None:
        subscription = cti.subscribe()
        self.close_connection = True
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.send_header("X-Accel-Buffering", "no")
            self.end_headers()
            self.wfile.write(b"retry: 2000\n\n")
            while not cti.stopping:
                try:
                    event = subscription.queue.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": keep-alive\n\n")
                    continue
                if event is None:
                    if subscription.dropped:
                        self._write_event(
                            {
                                "id": 0,
                                "type": "dropped",
                                "detail": "Too many events unread: reconnect and read the state.",
                            }
                        )
                    break
                self._write_event(event)
        except OSError:
            log.debug("An event stream client went away")
        finally:
            cti.feed.unsubscribe(subscription)

    def _write_event(self, event: Event) -> None:
        data = json.dumps(event, separators=(",", ":"))
        self.wfile.write(f"id: {event['id']}\nevent: {event['type']}\ndata: {data}\n\n".encode())


def _route(method: str, path: str) -> tuple[str, str]:
    """The route `method path` matches, and the {name} segment; CommandError 404/405 else."""
    allowed = []
    for route_method, pattern in ROUTES:
        matched = _match(pattern, path)
        if matched is None:
            continue
        if route_method == method:
            return f"{route_method} {pattern}", matched
        allowed.append(route_method)
    if allowed:
        raise CommandError(
            405,
            "method_not_allowed",
            f"{path} takes {' or '.join(allowed)}, not {method}.",
            {"Allow": ", ".join(allowed)},
        )
    raise CommandError(404, "not_found", f"No route {path}. See /openapi.json.")


def _match(pattern: str, path: str) -> str | None:
    """The {name} segment if `path` fits `pattern` ("" when it has none), else None."""
    if "{name}" not in pattern:
        return "" if path.rstrip("/") == pattern else None
    prefix = pattern.split("{name}", maxsplit=1)[0]
    rest = path[len(prefix) :] if path.startswith(prefix) else None
    if rest is None or not rest or "/" in rest:
        return None
    return rest


def _limit(query: str) -> int:
    values = parse_qs(query).get("limit", ["20"])
    text = values[-1]
    if not text.isdigit() or not 1 <= int(text) <= MAX_HISTORY:
        raise CommandError(400, "invalid_argument", f"'limit' must be from 1 to {MAX_HISTORY}.")
    return int(text)


def _openapi_text() -> str:
    try:
        return OPENAPI_FILE.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(500, "internal_error", f"openapi.json is missing: {exc}") from None


def route_table() -> list[tuple[str, str]]:
    """Every (method, path) the server answers, as OpenAPI writes them."""
    return list(ROUTES)
