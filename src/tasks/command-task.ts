import { spawn } from "node:child_process";
import type { Example, Task } from "../types.js";
import { outputOf } from "./http-task.js";
import { announceGroup, killGroup } from "./process-groups.js";

export interface CommandSpec {
  /** The program and its arguments: run as given, with no shell. */
  args: string[];
  /** Absolute. */
  cwd: string;
  /** Added to evalwire's own environment. */
  env: Record<string, string>;
  /** Dot path into the JSON it prints; the whole of it without one. */
  output: string | undefined;
}

/** How long a program told to stop (SIGTERM) has before it is killed. */
const stopGraceMs = 500;

/**
 * A command: task: the program runs once per example, in a process group of its own, with the
 * example as JSON on stdin; what it prints on stdout is the output (JSON when it parses, else the
 * text). A non-zero exit is an error with the last line of its stderr. When the call times out or
 * the run is interrupted, the whole group is stopped; when the program ends, whatever it left
 * running in its group is killed, so no process outlives its call.
 */
export function commandTask(spec: CommandSpec): Task {
  return (example, ctx) => runCommand(spec, example, ctx.signal);
}

function runCommand(spec: CommandSpec, example: Example, signal: AbortSignal): Promise<unknown> {
  const shown = spec.args.map(shellQuoted).join(" ");
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const child = spawn(spec.args[0]!, spec.args.slice(1), {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      // A group of its own: stopping it stops what it started too.
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    let stderr = "";
    let exited = false;
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-16_384);
    });
    // A program that does not read its input closes stdin early: that is not an error.
    child.stdin.on("error", () => {});
    const pid = child.pid;
    if (pid !== undefined) {
      announceGroup(pid, true);
      child.stdin.end(`${JSON.stringify(example)}\n`);
    }
    // Where there are no process groups (Windows), the program alone is stopped.
    const stop = (signal: NodeJS.Signals) => {
      if (pid === undefined || !killGroup(pid, signal)) child.kill(signal);
    };
    const onAbort = () => {
      if (exited) return;
      stop("SIGTERM");
      setTimeout(() => {
        if (!exited) stop("SIGKILL");
      }, stopGraceMs).unref();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    child.on("error", (error: NodeJS.ErrnoException) => {
      signal.removeEventListener("abort", onAbort);
      const why = error.code === "ENOENT" ? "not found (is it installed and on PATH, or is the path right relative to cwd?)" : (error.code ?? error.message);
      reject(new Error(`cannot run ${JSON.stringify(spec.args[0])}: ${why}`));
    });
    child.on("exit", () => {
      exited = true;
      if (pid === undefined) return;
      // Whatever it started and left running goes with it.
      killGroup(pid, "SIGKILL");
      announceGroup(pid, false);
    });
    child.on("close", (code, killedBy) => {
      signal.removeEventListener("abort", onAbort);
      if (signal.aborted) return reject(signal.reason);
      if (code !== 0) {
        const last = lastLine(stderr);
        const how = code === null ? `was killed by ${killedBy}` : `exited with code ${code}`;
        return reject(new Error(`${shown} ${how}${last ? `: ${last}` : " (nothing on stderr)"}`));
      }
      const printed = Buffer.concat(stdout).toString("utf8");
      try {
        resolve(outputOf(spec.output === undefined ? parsed(printed) : JSON.parse(printed), spec.output));
      } catch (error) {
        const why =
          error instanceof SyntaxError
            ? `printed no JSON, which output: ${spec.output} needs (${error.message.split("\n")[0]}): ${JSON.stringify(printed.slice(0, 80))}`
            : (error as Error).message;
        reject(new Error(`${shown}: ${why}`));
      }
    });
  });
}

/** stdout as JSON when it is JSON, else as the text it printed (without the last newline). */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.replace(/\r?\n$/, "");
  }
}

/**
 * An argument as a shell would need it written: as it is when plain, else in single quotes; one
 * holding a line break or tab in bash's $'...' form, so the message stays on one line.
 */
function shellQuoted(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  if (!/[\n\r\t]/.test(arg)) return `'${arg.replaceAll("'", `'\\''`)}'`;
  const escaped = arg.replace(/[\\'\n\r\t]/g, (c) => ({ "\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c]!);
  return `$'${escaped}'`;
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  return (lines.at(-1) ?? "").trim().slice(0, 300);
}
