"""A minimal JSON-RPC/LSP client over a subprocess's stdio, for benchmarks (no pygls on this side).

It answers the server's own requests (progress creation, capability registration, configuration)
so that the server behaves as with a real editor, and timestamps every notification it receives.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path


class LspProcess:
    def __init__(self, command: list[str], env: dict | None = None) -> None:
        self.spawned = time.perf_counter()
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=env)
        self.next_id = 0
        self.responses: dict[int, queue.Queue] = {}
        self.notifications: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # --- wire ----------------------------------------------------------------------------
    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        with self.lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(out.read(length))
            now = time.perf_counter()
            if "id" in message and "method" in message:
                self._answer(message)
            elif "id" in message:
                q = self.responses.get(message["id"])
                if q is not None:
                    q.put((now, message))
            else:
                self.notifications.put((now, message))

    def _answer(self, request: dict) -> None:
        method = request["method"]
        result = [{}] * len(request["params"]["items"]) if method == "workspace/configuration" else None
        self._send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    # --- API -----------------------------------------------------------------------------
    def request(self, method: str, params, timeout: float = 120.0) -> tuple[float, dict]:
        """Send a request; return (seconds until the answer, the answer)."""
        self.next_id += 1
        rid = self.next_id
        q: queue.Queue = queue.Queue()
        self.responses[rid] = q
        started = time.perf_counter()
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        at, message = q.get(timeout=timeout)
        del self.responses[rid]
        if "error" in message:
            raise RuntimeError(f"{method}: {message['error']}")
        return at - started, message.get("result")

    def notify(self, method: str, params) -> float:
        sent = time.perf_counter()
        self._send({"jsonrpc": "2.0", "method": method, "params": params})
        return sent

    def wait_notification(self, predicate, timeout: float = 60.0) -> tuple[float, dict]:
        deadline = time.perf_counter() + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError("no matching notification")
            at, message = self.notifications.get(timeout=remaining)
            if predicate(message):
                return at, message

    def rss_mb(self) -> float:
        """VmRSS in MiB (the key names it `mb`, as results.json always has)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - a benchmark must always clean up
            self.proc.kill()
