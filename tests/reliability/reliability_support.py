"""Helpers for the reliability tests: the bad-input corpus, a raw JSON-RPC client, process checks.

`build_bad_vault(root)` writes a vault of hostile files (invalid UTF-8, NUL, BOM, every line end,
a 50 MB note, a 1M-character line, 10,000-level nesting, a 10,000-row table, broken YAML of every
classic kind, a broken `.bib`, symlink loops and links out of the vault, a FIFO and a folder named
like notes) next to healthy notes that link to them, and returns what each file must produce.

`RawServer` talks to `litnotes serve` byte by byte, for messages no well-behaved client library
would send. The rest: RSS of a process, a tree snapshot of a folder, the server's command line.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

SERVER = [sys.executable, "-m", "litnotes", "serve", "--stdio", "--no-index"]
BIG_NOTE_BYTES = 50_000_000
MILLION = 1_000_000

# --- the bad-input corpus ---------------------------------------------------------------------------

# A 1M-character line made of every construct the inline scanner looks for, none of them closed.
LONG_LINE = "".join(
    frag * (MILLION // 40 // len(frag))
    for frag in ["[[", "](", "[@a; ", " @b", "`", "``x", "$a ", "<a ", "%%", "#t ", " ^id", "[]](", "![[", "[[a|",
                 "http://x.y/ ", "**k**: ", "\\", "|", "~~", "- ", "> ", "[x](", "$$", "<!--", "]]", "[", "@{", "-@",
                 "a^b", "==", "*", "_", "]", "😀", "é", "\u2028", "\f", "\t", "  ", "# "]
)

# Front matter that Obsidian rejects or reads as nothing (spec F-3), and worse.
BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))
YAML_CASES: dict[str, tuple[str, set[str]]] = {
    "tab-indent": ("aliases:\n\t- a\n", {"frontmatter.invalid-yaml"}),
    "unclosed-quote": ('title: "Foo\n', {"frontmatter.invalid-yaml"}),
    "unclosed-bracket": ("aliases: [a, b\n", {"frontmatter.invalid-yaml"}),
    "unclosed-brace": ("x: {a: 1\n", {"frontmatter.invalid-yaml"}),
    "duplicate-key": ("a: 1\na: 2\n", {"frontmatter.invalid-yaml"}),
    "alias-at-key": ("aliases:\n  - @key\n", {"frontmatter.invalid-yaml"}),
    "alias-dash-at-key": ("aliases: - @key\n", {"frontmatter.invalid-yaml"}),
    "tags-as-comment": ("tags: #a #b\n", {"frontmatter.invalid-value"}),
    "title-colon": ("title: Foo: Bar\n", {"frontmatter.invalid-yaml"}),
    "billion-laughs": (BILLION_LAUGHS, set()),
    "billion-laughs-aliases": (BILLION_LAUGHS + "aliases: *j\n", {"frontmatter.invalid-value"}),
    "billion-laughs-everywhere": (BILLION_LAUGHS + "tags: *j\ncitekey: *j\nbibliography: *j\nx: [*j, *j]\n", set()),
    "top-level-list": ("- a\n- b\n", {"frontmatter.invalid-value"}),
    "top-level-scalar": ("just text\n", {"frontmatter.invalid-value"}),
    "undefined-anchor": ("a: *nope\n", {"frontmatter.invalid-yaml"}),
    "bad-indent": ("a:\n  b: 1\n c: 2\n", {"frontmatter.invalid-yaml"}),
    "python-tag": ('a: !!python/object/apply:os.system ["touch pwned"]\n', {"frontmatter.invalid-yaml"}),
    "unknown-tag": ("a: !foo bar\n", {"frontmatter.invalid-yaml"}),
    "set-key": ("? !!set {a}\n: b\n", {"frontmatter.invalid-yaml"}),
    "complex-key": ("? [a, b]\n: c\n", {"frontmatter.invalid-yaml"}),
    "deep-flow": ("a: " + "[" * 10_000 + "]" * 10_000 + "\n", {"frontmatter.invalid-yaml"}),
    "deep-block": ("".join(" " * i + "a:\n" for i in range(3_000)), {"frontmatter.invalid-yaml"}),
    "huge-int": ("a: " + "9" * 5_000 + "\n", set()),
    "huge-hex": ("a: 0x" + "f" * 50_000 + "\n", set()),
    "special-floats": ("a: .inf\nb: -.inf\nc: .NaN\n", set()),
    "directive": ("%YAML 1.1\n---\na: b\n", {"frontmatter.invalid-yaml"}),
    "non-string-aliases": ("aliases: [1, 2.5, true, {a: b}, [c]]\n", {"frontmatter.invalid-value"}),
    "bad-escape": ('a: "\\ud800"\n', {"frontmatter.invalid-yaml"}),
    "control-char": ("a: \x07bell\n", set()),
    "nul-escape-bibliography": ('bibliography: "a\\0b.bib"\n', set()),
    "many-anchors": ("".join(f"k{i}: &a{i} v\n" for i in range(5_000)), set()),
}

BROKEN_BIB = """@article{good2020,
  title = {A Good Entry},
  year = {2020},
}

@article{broken2021,
  title = {Unbalanced {braces here,
  year = {2021},

@book{after2022,
  title = {Still Read},
  year = {2022},
}
"""


def build_bad_vault(root: Path, outside: Path) -> dict[str, set[str]]:
    """Write the corpus into `root` (and a secret into `outside`); return {path: codes it must have}.

    Paths that are not part of the vault at all (links out, loops, a FIFO) map to None-like empty
    sets and are listed in `NOT_INDEXED`."""
    expected: dict[str, set[str]] = {}
    notes = root / "notes"
    notes.mkdir(parents=True)
    (root / ".obsidian").mkdir()
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.md").write_text("# Secret\nSECRET-OUTSIDE-TEXT @outside2020\n", encoding="utf-8")
    (outside / "secret.bib").write_text("@article{outside2020, title = {Outside}}\n", encoding="utf-8")

    def write(rel: str, data: bytes | str, codes: set[str] = frozenset()) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expected[rel] = set(codes)

    # Healthy notes: the rest of the vault must keep working around the bad ones.
    write("Good.md", "---\naliases: [\"@good2020\"]\n---\n# Good\nText ^blk\n\n[[CRLF]] [[CR only]] [[Missing note]] "
                     "[@good2020] [@after2022] [@outside2020]\n", {"link.unresolved", "cite-key.unknown"})
    write("Linker.md", "[[Good#Good]] [[Good#^blk]] [[BOM#Heading]] [[Long line]] [[Deep]] [[Table]]\n", set())
    # Encodings and line ends (P-1, P-2).
    write("notes/Invalid UTF-8.md", b"# Bad bytes\n\xff\xfe \xc3\x28 text [[Good]]\n", {"note.unreadable"})
    write("notes/NUL.md", b"# Binary?\x00\x00\x01 [[Good]]\n", {"note.unreadable"})
    write("notes/Surrogate bytes.md", b"---\naliases: [a\xed\xa0\x80]\n---\n# CESU-8 \xed\xa0\xbd\xed\xb8\x80 [[Good]]\n",
          {"note.unreadable"})
    write("notes/BOM.md", "\ufeff---\naliases: [Byte order]\n---\n# Heading\n[[Good]]\n")
    write("notes/CRLF.md", "---\r\naliases: [crlf]\r\n---\r\n# Title\r\n[[Good#Good]]\r\n[[Good#Nope]]\r\n",
          {"heading.unresolved"})
    write("notes/CR only.md", "# Title\r[[Good]]\r[[Good#^nope]]\r", {"block-ref.unresolved"})
    write("notes/Separators.md", "# PDF paste\u2028line two\u2029para\f\fform feed [[Good#^missing]]\x0b\x1c\x85 end\n",
          {"block-ref.unresolved"})
    write("notes/Lone CR LF mix.md", "a\r\n\r\rb\n\r\n[[Nowhere]]\r", {"link.unresolved"})
    # Size: over the limit (note.unreadable), and a 1M-character line under it.
    write("notes/Huge.md", b"# Huge\n" + b"x" * (BIG_NOTE_BYTES - 7), {"note.unreadable"})
    write("notes/Long line.md", "# Long\n" + LONG_LINE + "\n")
    # Nesting 10,000 deep, and a 10,000-row table.
    write("notes/Deep.md", "> " * 10_000 + "[[Good]]\n\n" + "- " * 10_000 + "[[Good]]\n\n"
          + "".join("  " * i + "- item\n" for i in range(300)) + ">" * 10_000 + "\n" + "1. " * 10_000 + "x\n")
    write("notes/Table.md", "| a | b |\n|---|---|\n" + "".join(f"| [[Good\\|{i}]] | {i} |\n" for i in range(10_000)))
    # Front matter of every classic broken kind (F-3).
    for name, (body, codes) in YAML_CASES.items():
        write(f"yaml/{name}.md", f"---\n{body}---\n# Body still works\n[[Good]]\n", codes)
    # A bibliography with an unbalanced entry: one problem, the rest still loads.
    write("library/Broken.bib", BROKEN_BIB, {"bibliography.parse-error"})
    write("library/not-a-library.json", '{"hello": "world"', set())
    # A note naming libraries outside the vault in its front matter: never read.
    write("notes/Escape.md", "---\nbibliography: ../../outside/secret.bib\n---\n[@outside2020]\n", {"cite-key.unknown"})
    write("notes/Escape abs.md", f"---\nbibliography: {outside / 'secret.bib'}\n---\n[@outside2020]\n", {"cite-key.unknown"})
    # Links: out of the vault, a loop, a dangling link; a FIFO and a folder named like notes.
    os.symlink(outside / "secret.md", root / "Outside link.md")
    os.symlink(outside / "secret.bib", root / "library" / "Outside.bib")
    os.symlink(outside, root / "outside-folder")
    os.symlink("..", notes / "loop")
    os.symlink(root / "nowhere.md", root / "Dangling.md")
    os.mkfifo(root / "Pipe.md")
    write("Folder.md/Inside.md", "# Inside a folder named like a note\n[[Good]]\n")
    return expected


NOT_INDEXED = ["Outside link.md", "library/Outside.bib", "outside-folder/secret.md", "Dangling.md", "Pipe.md",
               "notes/loop/Good.md"]


# --- a raw JSON-RPC client ------------------------------------------------------------------------------


class RawServer:
    """`litnotes serve` as a subprocess, spoken to in raw JSON-RPC (for messages pygls would refuse to send)."""

    def __init__(self, *args: str, env: dict | None = None, command: list[str] | None = None) -> None:
        self.process = subprocess.Popen([*(command or SERVER), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=env)
        self.messages: queue.Queue = queue.Queue()
        self.stderr = bytearray()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: [self.stderr.extend(line) for line in self.process.stderr], daemon=True).start()
        self.next_id = 1000
        self.unclaimed: list[dict] = []

    def _read(self) -> None:
        out = self.process.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                if not line.strip():
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(out.read(length)))

    def send_bytes(self, body: bytes) -> None:
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def send(self, message) -> None:
        self.send_bytes(json.dumps(message).encode("utf-8"))

    def notify(self, method: str, params=None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params=None, timeout: float = 10.0):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.response(self.next_id, timeout)

    def response(self, msg_id, timeout: float = 10.0) -> dict:
        """The response to `msg_id` (answering the server's own requests on the way)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if message is None:
                raise AssertionError(f"the server exited without answering {msg_id!r}")
            if "method" in message and "id" in message:  # the server asks: answer like a plain client
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "method" not in message:
                if message.get("id") == msg_id:
                    return message
                self.unclaimed.append(message)  # another request's answer: `responses_within` returns it
        raise AssertionError(f"no answer to {msg_id!r} within {timeout} s")

    def responses_within(self, seconds: float) -> list[dict]:
        """Every response (not notification) that arrives within `seconds`, and those `response` passed over."""
        found, deadline = self.unclaimed, time.monotonic() + seconds
        self.unclaimed = []
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if message is None:
                break
            if "method" in message and "id" in message:
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "method" not in message:
                found.append(message)
        return found

    def initialize(self, root: Path, **capabilities) -> dict:
        result = self.request("initialize", {"processId": os.getpid(), "capabilities": capabilities,
                                             "workspaceFolders": [{"uri": root.as_uri(), "name": "vault"}]})
        self.notify("initialized", {})
        return result

    def exited_within(self, seconds: float) -> float | None:
        started = time.monotonic()
        try:
            self.process.wait(seconds)
        except subprocess.TimeoutExpired:
            return None
        return time.monotonic() - started

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


# --- processes and folders ------------------------------------------------------------------------------


def rss_kb(pid: int) -> int:
    """Resident set size of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def processes_with_env(marker: str) -> list[int]:
    """Pids of live processes whose environment contains `marker` (a server and its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    stat = (entry / "stat").read_text()
                    if stat.rsplit(")", 1)[1].split()[0] != "Z":  # zombies are already dead
                        found.append(int(entry.name))
            except OSError:
                continue
    return found


def tree_snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under `root` (links not followed): kind, mode, size, mtime and content digest."""
    snapshot = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = Path(folder) / name
            st = path.lstat()
            digest = ""
            if path.is_file() and not path.is_symlink():
                digest = hashlib.sha1(path.read_bytes()).hexdigest()
            snapshot[path.relative_to(root).as_posix()] = (st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return snapshot
