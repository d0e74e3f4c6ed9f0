"""What a language server owes its editor whatever the editor sends: one answer per request, no crash,
a prompt exit, and no note text in the log.

pygls (2.1) leaves a request whose params do not match the protocol (a negative position, a string
where a number belongs, no params at all) without any answer, so the editor waits for it for ever;
it ignores requests after `shutdown` without answering; it keeps the future of every notification
handled by a generator or coroutine for ever (a slow leak: one per keystroke); it fails on the
client's answer to a request the server stopped waiting for (a timeout cancelled its future); and
some of its warnings print whole messages. `RobustProtocol` answers such requests with the JSON-RPC error they deserve (`-32602`
invalid params, `-32600` invalid request, `-32700` parse error) and drops bad notifications with a
warning that names only the method.

`redact_logs` keeps note contents out of every log record above DEBUG: arguments that are not short
scalars are replaced, and an exception is logged with its traceback and type but not its message
(a `KeyError` or `UnicodeEncodeError` carries the text it failed on). At DEBUG everything is kept.

A handler may answer with a `JsonResult`, its result already written as JSON text: it is sent as it
is, not built into lsprotocol objects for cattrs to take apart again (references: ~3 ms of ~15).

`hard_exit` ends the process at once (after stopping its own worker processes): `exit`, or the
client closing stdin, must not wait for a background index of 10,000 notes to finish.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import multiprocessing
import os
import sys
import time
import traceback

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol

__all__ = ["RobustProtocol", "JsonResult", "redact_logs", "hard_exit", "INVALID_REQUEST", "INVALID_PARAMS", "PARSE_ERROR"]

log = logging.getLogger(__name__)
PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS = -32700, -32600, -32602


class JsonResult(str):
    """A request's result as JSON text, ASCII only (`json.dumps` escapes the rest), which
    `RobustProtocol` sends unchanged."""

    __slots__ = ()


class _Malformed:
    """A message whose params did not deserialize: answered (requests) or dropped (notifications)."""

    __slots__ = ("id", "method", "is_request")

    def __init__(self, msg_id, method: str, is_request: bool) -> None:
        self.id, self.method, self.is_request = msg_id, method, is_request


def _valid_id(msg_id) -> bool:
    return isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool)


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 60 and text.isprintable() else text[:57].encode("ascii", "replace").decode() + "..."


class RobustProtocol(LanguageServerProtocol):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._finished: list = []  # (msg_id, future) of finished handlers, to drop from _request_futures
        # When a message last came in or went out: background work waits for a pause in the exchange.
        self.last_activity = time.monotonic()

    def structure_message(self, data):
        if not isinstance(data, dict) or "jsonrpc" not in data:
            return data
        try:
            return super().structure_message(data)
        except JsonRpcException:
            method = data.get("method")
            if isinstance(method, str):
                return _Malformed(data.get("id"), method, "id" in data)
            if _valid_id(data.get("id")) and (future := self._request_futures.pop(data["id"], None)) is not None:
                # A response we cannot read: fail the waiting request instead of leaving it hanging.
                future.set_exception(JsonRpcException(message="the client's response does not match the protocol"))
                return None
            raise

    def handle_message(self, message) -> None:
        self.last_activity = time.monotonic()
        self._forget_finished()
        if message is None:
            return
        if isinstance(message, _Malformed):
            if message.is_request:
                self._answer_error(message.id, INVALID_PARAMS, f"invalid params for {_short(message.method)}")
            else:
                log.warning("ignored a %s notification whose params do not match the protocol", _short(message.method))
            return
        if getattr(message, "jsonrpc", None) != "2.0":
            for raw in message if isinstance(message, list) else [message]:  # LSP has no batches
                fields = raw if isinstance(raw, dict) else getattr(raw, "__dict__", None) or {
                    k: getattr(raw, k) for k in ("id", "method") if hasattr(raw, k)}
                if "id" in fields and "method" in fields:
                    self._answer_error(fields["id"], INVALID_REQUEST, "not a JSON-RPC 2.0 request")
                else:
                    log.warning("ignored a message that is not JSON-RPC 2.0 (%s)", type(raw).__name__)
            return
        method = getattr(message, "method", None)
        if method == types.CANCEL_REQUEST and not _valid_id(getattr(message.params, "id", None)):
            log.warning("ignored a $/cancelRequest without a valid id")
            return
        if self._shutdown and method != types.EXIT:
            if method is not None and hasattr(message, "id"):
                self._answer_error(message.id, INVALID_REQUEST, "the server is shutting down")
            return
        super().handle_message(message)

    def _send_data(self, data) -> None:
        self.last_activity = time.monotonic()
        super()._send_data(data)

    def _send_response(self, msg_id, result=None, error=None):
        if error is None and isinstance(result, JsonResult):  # (an id is what JSON-RPC parsed: json.dumps writes it back)
            self._result_types.pop(msg_id, None)
            self._send_json('{"jsonrpc":"2.0","id":' + json.dumps(msg_id) + ',"result":' + result + "}")
            return
        super()._send_response(msg_id, result, error)

    def _send_json(self, body: str) -> None:
        """Write one message given as JSON text, as pygls' `_send_data` writes what `json.dumps` made."""
        self.last_activity = time.monotonic()
        if self.writer is None:
            log.error("no transport to send a message on")
            return
        data = body.encode("utf-8")
        if self._include_headers:
            data = (f"Content-Length: {len(data)}\r\nContent-Type: {self.CONTENT_TYPE}; "
                    f"charset={self.CHARSET}\r\n\r\n").encode("ascii") + data
        written = self.writer.write(data)
        if inspect.isawaitable(written):
            asyncio.ensure_future(written)

    def _handle_response(self, msg_id, result=None, error=None):
        # A request the server stopped waiting for (`asyncio.wait_for` timed out, as it does after 2 s
        # for workspace/configuration or a progress token, and cancelled the future) may still be
        # answered: pygls would set the cancelled future's result and raise InvalidStateError ("Unable
        # to handle message" in the log; the soak met it under load).
        future = self._request_futures.get(msg_id)
        if future is not None and future.done():
            self._request_futures.pop(msg_id, None)
            log.info("ignored a late answer to request %s: no longer awaited", msg_id)
            return
        super()._handle_response(msg_id, result, error)

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):
        # pygls files the future of every generator, coroutine or threaded handler in
        # `_request_futures` and removes it only when it answers a request: the futures of
        # notifications (a uuid each: every keystroke's didChange) and of the handlers that builtin
        # generators delegate to (initialized, didChangeConfiguration) stayed for the whole session.
        # They are forgotten when the next message arrives (not at once: `shutdown` cancels the
        # futures while it iterates over them, and a callback may run in a worker thread).
        def forget_then_callback(future, msg_id=msg_id) -> None:
            self._finished.append((msg_id, future))
            callback(future)

        return super()._execute_handler(msg_id, handler, forget_then_callback, args, kwargs)

    def _forget_finished(self) -> None:
        finished = self._finished
        while finished:
            msg_id, future = finished.pop()
            if self._request_futures.get(msg_id) is future:
                del self._request_futures[msg_id]

    def _answer_error(self, msg_id, code: int, text: str) -> None:
        if _valid_id(msg_id):
            self._send_response(msg_id, error=types.ResponseError(code=code, message=text))
        else:  # JSON-RPC wants `"id": null` here, which lsprotocol's converter would leave out
            self._send_data({"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": text}})

    def answer_parse_error(self) -> None:
        """JSON-RPC's answer to a message that is not JSON at all (its id cannot be known)."""
        self._answer_error(None, PARSE_ERROR, "parse error")


def _scalar_or_withheld(value):
    if isinstance(value, (int, float, bool, type(None))) or (isinstance(value, str) and len(value) <= 80):
        return value
    return f"<{type(value).__name__} withheld>"


class _Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno <= logging.DEBUG:
            return True
        if isinstance(record.args, dict):
            record.args = {k: _scalar_or_withheld(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_scalar_or_withheld(a) for a in record.args)
        if record.exc_info and record.exc_info[0] is not None:
            kind, _exc, tb = record.exc_info
            record.exc_text = "".join(traceback.format_tb(tb)) + f"{kind.__name__} (message withheld: it may quote a note)"
            record.exc_info = None
        return True


def redact_logs(handler: logging.Handler, level: str) -> None:
    """Install the redaction on the server's log handler unless the user asked for DEBUG."""
    if logging.getLevelName(level) > logging.DEBUG:
        handler.addFilter(_Redact())


def hard_exit(code: int):
    """Stop our worker processes, flush the log and end the process now (threads are not waited for)."""
    for child in multiprocessing.active_children():
        child.terminate()
    logging.shutdown()
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)
