// litnotes for VS Code: starts `litnotes serve --stdio` for Markdown files and shows what it finds.
//
// - Finds the server: `litnotes.server.path`, else `litnotes` next to the interpreter in
//   `python.defaultInterpreterPath` (or `python -m litnotes` when only the module is there), else
//   `litnotes` on PATH. When none exists, one message says how to install it.
// - Settings `litnotes.*` (the keys of .litnotes.toml) go to the server as initializationOptions and
//   as the answer to its workspace/configuration request (section "litnotes"); only the settings
//   the user set are sent, so the vault's .litnotes.toml keeps the rest.
// - Indexing progress ($/progress) is shown by vscode-languageclient itself; a status-bar item
//   shows the note count from the progress end message ("N notes in X s") and opens the output.
import * as cp from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  commands,
  env,
  ExtensionContext,
  OutputChannel,
  StatusBarAlignment,
  StatusBarItem,
  Uri,
  window,
  workspace,
} from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  WorkDoneProgressBegin,
  WorkDoneProgressEnd,
  WorkDoneProgressReport,
} from "vscode-languageclient/node";

export const INSTALL_COMMAND = "python3 -m pip install litnotes-lsp";
/** The settings the server reads (camelCase; the server also accepts the kebab-case of .litnotes.toml). */
const SERVER_KEYS = ["severity", "exclude", "bibliography", "citekeyProperties", "maxNoteBytes", "debounceMs"];

let client: LanguageClient | undefined;
let output: OutputChannel;
let status: StatusBarItem;
let sentKeys: string[] = [];
const vaults = new Map<string, { name: string; notes?: number; seconds?: string; percentage?: number; failed?: boolean }>();

interface ServerCommand {
  command: string;
  args: string[];
  how: string;
}

function expand(p: string, folder?: Uri): string {
  let value = p.trim();
  if (folder) value = value.replace(/\$\{workspaceFolder\}/g, folder.fsPath);
  if (value === "~" || value.startsWith("~/")) value = path.join(os.homedir(), value.slice(1));
  return value;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  const exts = process.platform === "win32" ? (process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext.toLowerCase());
      if (dir && isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Where the server is, or a sentence saying why it was not found. */
function findServer(): ServerCommand | string {
  const folder = workspace.workspaceFolders?.[0]?.uri;
  const config = workspace.getConfiguration("litnotes");
  const extra = config.get<string[]>("server.args") ?? [];
  const explicit = expand(config.get<string>("server.path") ?? "", folder);
  if (explicit) {
    const found = path.isAbsolute(explicit) ? (isExecutable(explicit) ? explicit : undefined) : onPath(explicit);
    return found
      ? { command: found, args: ["serve", "--stdio", ...extra], how: "litnotes.server.path" }
      : `litnotes.server.path is "${explicit}", which is not an executable file`;
  }
  const python = expand(workspace.getConfiguration("python").get<string>("defaultInterpreterPath") ?? "", folder);
  if (python && python !== "python" && path.isAbsolute(python) && isExecutable(python)) {
    const bin = path.join(path.dirname(python), process.platform === "win32" ? "litnotes.exe" : "litnotes");
    if (isExecutable(bin)) return { command: bin, args: ["serve", "--stdio", ...extra], how: "python.defaultInterpreterPath" };
    const probe = cp.spawnSync(python, ["-c", "import litnotes.main"], { timeout: 10000 });
    if (probe.status === 0) {
      return { command: python, args: ["-m", "litnotes", "serve", "--stdio", ...extra], how: "python.defaultInterpreterPath (-m litnotes)" };
    }
  }
  const found = onPath("litnotes");
  if (found) return { command: found, args: ["serve", "--stdio", ...extra], how: "PATH" };
  return "no `litnotes` executable on PATH, and litnotes.server.path is not set";
}

/** The litnotes settings the user set (user, workspace or folder level), for the server. */
function serverSettings(scope?: Uri): Record<string, unknown> {
  const config = workspace.getConfiguration("litnotes", scope);
  const result: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const i = config.inspect(key);
    if (i && (i.globalValue !== undefined || i.workspaceValue !== undefined || i.workspaceFolderValue !== undefined)) {
      result[key] = config.get(key);
    }
  }
  return result;
}

function updateStatus(state?: "starting" | "missing" | "stopped"): void {
  const all = [...vaults.values()];
  if (state === "missing") {
    status.text = "$(error) litnotes: not installed";
    status.tooltip = `The litnotes language server was not found. Install it: ${INSTALL_COMMAND}`;
  } else if (state === "stopped") {
    status.text = "$(error) litnotes: stopped";
    status.tooltip = "The litnotes server stopped; see the output (click).";
  } else if (state === "starting" || all.length === 0) {
    status.text = "$(sync~spin) litnotes";
    status.tooltip = "litnotes: starting";
  } else if (all.some((v) => v.notes === undefined && !v.failed)) {
    const p = all.find((v) => v.notes === undefined)?.percentage;
    status.text = `$(sync~spin) litnotes: indexing${p !== undefined ? ` ${p}%` : ""}`;
    status.tooltip = "litnotes: indexing " + all.map((v) => v.name).join(", ");
  } else {
    const total = all.reduce((n, v) => n + (v.notes ?? 0), 0);
    status.text = `$(book) litnotes: ${total} note${total === 1 ? "" : "s"}`;
    status.tooltip = all
      .map((v) => (v.failed ? `${v.name}: indexing failed` : `${v.name}: ${v.notes} notes, indexed in ${v.seconds} s`))
      .join("\n") + "\nClick to show the litnotes output.";
  }
  status.show();
}

function onProgress(token: string | number, value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd): void {
  const key = String(token);
  if (!key.startsWith("litnotes-index")) return;
  if (value.kind === "begin") {
    vaults.set(key, { name: value.message ?? "vault", percentage: value.percentage });
  } else if (value.kind === "report") {
    const v = vaults.get(key);
    if (v) v.percentage = value.percentage;
  } else {
    const v = vaults.get(key) ?? { name: "vault" };
    // The server ends indexing with "N notes in X s" (lsp/indexing.py), or "failed (see the log)".
    const m = /^(\d+) notes? in ([\d.]+) s/.exec(value.message ?? "");
    if (m) {
      v.notes = Number(m[1]);
      v.seconds = m[2];
    } else {
      v.failed = true;
    }
    // Keep one entry per vault name (a restart indexes again under a new token).
    for (const [k, other] of vaults) if (k !== key && other.name === v.name) vaults.delete(k);
    vaults.set(key, v);
  }
  updateStatus();
}

async function start(): Promise<void> {
  vaults.clear();
  updateStatus("starting");
  const server = findServer();
  if (typeof server === "string") {
    output.appendLine(`litnotes: the language server was not found: ${server}.`);
    output.appendLine(`Install it with: ${INSTALL_COMMAND}  (or set litnotes.server.path to the binary of the virtualenv you installed it in)`);
    updateStatus("missing");
    // Not awaited: activation must not wait for the user to click.
    void window
      .showErrorMessage(
        `litnotes: the language server is not installed (${server}). Install it with \`${INSTALL_COMMAND}\`, then run "litnotes: Restart Server", or set litnotes.server.path.`,
        "Copy Install Command",
        "Open Settings",
      )
      .then(async (choice) => {
        if (choice === "Copy Install Command") await env.clipboard.writeText(INSTALL_COMMAND);
        if (choice === "Open Settings") await commands.executeCommand("workbench.action.openSettings", "litnotes.server");
      });
    return;
  }
  output.appendLine(`litnotes: starting ${server.command} ${server.args.join(" ")} (found through ${server.how})`);
  const serverOptions: ServerOptions = { command: server.command, args: server.args, options: { env: process.env } };
  const initial = serverSettings();
  sentKeys = Object.keys(initial);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "markdown" }],
    outputChannel: output,
    initializationOptions: initial,
    middleware: {
      handleWorkDoneProgress: (token, params, next) => {
        next(token, params);
        onProgress(token, params);
      },
      workspace: {
        configuration: async (params, token, next) => {
          const answer = await next(params, token);
          if (!Array.isArray(answer)) return answer;
          return params.items.map((item, i) =>
            item.section === "litnotes" ? serverSettings(item.scopeUri ? Uri.parse(item.scopeUri) : undefined) : answer[i],
          );
        },
      },
    },
  };
  client = new LanguageClient("litnotes", "litnotes", serverOptions, clientOptions);
  client.onDidChangeState((e) => {
    if (e.newState === State.Stopped) updateStatus("stopped");
  });
  try {
    await client.start();
  } catch (err) {
    output.appendLine(`litnotes: the server did not start: ${err}`);
    updateStatus("stopped");
    void window.showErrorMessage(`litnotes: the language server did not start (${server.command}); see the litnotes output.`);
    return;
  }
  if (vaults.size === 0) updateStatus();
}

async function restart(): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop();
    } catch {
      // already stopped
    }
  }
  await start();
}

export async function activate(context: ExtensionContext): Promise<void> {
  output = window.createOutputChannel("litnotes");
  status = window.createStatusBarItem("litnotes.status", StatusBarAlignment.Left, 10);
  status.name = "litnotes";
  status.command = "litnotes.showOutput";
  context.subscriptions.push(
    output,
    status,
    commands.registerCommand("litnotes.showOutput", () => output.show(true)),
    commands.registerCommand("litnotes.restartServer", () => restart()),
    workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration("litnotes")) return;
      if (e.affectsConfiguration("litnotes.server") || !client) {
        await restart();
        return;
      }
      const settings = serverSettings();
      // The server keeps keys it is not sent again: a removed setting needs a fresh start.
      if (sentKeys.some((k) => !(k in settings))) {
        await restart();
        return;
      }
      sentKeys = Object.keys(settings);
      await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { litnotes: settings } });
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}
