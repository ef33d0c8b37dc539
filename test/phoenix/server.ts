// A real Arize Phoenix server for tests: installed into a private venv, started on free ports with
// a fresh working directory, stopped by pid. Run directly: `npx tsx test/phoenix/server.ts install|serve`.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

export const requirementsFile = join(here, "requirements.txt");
export const phoenixVenv = join(root, ".cache", "phoenix", "venv");
const phoenixBin = join(phoenixVenv, "bin", "phoenix");
// A copy of requirements.txt, written after a successful install: a changed pin reinstalls.
const installedRequirements = join(phoenixVenv, "evalwire-requirements.txt");

export interface PhoenixServer {
  url: string;
  pid: number;
  workingDir: string;
  stop(): Promise<void>;
}

/** The PostgreSQL driver Phoenix needs for PHOENIX_SQL_DATABASE_URL (its `pg` extra), installed beside the shared venv, not into it. */
export const postgresDriverRequirements = join(here, "requirements-pg.txt");
export const postgresDriverDir = join(root, ".cache", "phoenix-pg");
const installedDriverRequirements = join(postgresDriverDir, "evalwire-requirements.txt");

/** An error whose first line is the reason plus the output's last line, followed by the output's last 20 lines. */
export function failure(reason: string, output: string): Error {
  const lines = output.split("\n").filter((line) => line.trim() !== "");
  const last = lines.at(-1)?.trim();
  return new Error(last ? `${reason}: ${last}\n${lines.slice(-20).join("\n")}` : reason);
}

/** Runs a command to its end; rejects with a one-line reason followed by the last lines of its output. */
export function run(command: string, args: string[], what: string, options: { uid?: number; gid?: number; cwd?: string } = {}): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", (error) => reject(new Error(`${what} failed: ${error.message}`)));
    child.on("close", (code, signal) => {
      if (code === 0) resolveRun(output);
      else reject(failure(`${what} failed (${signal ?? `exit code ${code}`})`, output));
    });
  });
}

/** Creates the venv and installs requirements.txt into it, unless that exact install is already there. */
export async function installPhoenix(): Promise<void> {
  const requirements = readFileSync(requirementsFile, "utf8");
  if (existsSync(phoenixBin) && existsSync(installedRequirements) && readFileSync(installedRequirements, "utf8") === requirements) return;
  const shown = relative(process.cwd(), phoenixVenv) || phoenixVenv;
  process.stderr.write(`Installing ${requirements.trim().split("\n").join(" ")} into ${shown} (about 90 s)\n`);
  rmSync(phoenixVenv, { recursive: true, force: true });
  mkdirSync(dirname(phoenixVenv), { recursive: true });
  await run("python3", ["-m", "venv", phoenixVenv], "python3 -m venv");
  const pip = join(phoenixVenv, "bin", "pip");
  await run(pip, ["install", "--disable-pip-version-check", "-q", "-r", requirementsFile], `pip install -r ${relative(root, requirementsFile)}`);
  writeFileSync(installedRequirements, requirements);
}

/** Installs requirements-pg.txt into .cache/phoenix-pg (on Phoenix's PYTHONPATH when it runs on PostgreSQL), unless that exact install is there. */
export async function installPostgresDriver(): Promise<void> {
  await installPhoenix();
  const requirements = readFileSync(postgresDriverRequirements, "utf8");
  if (existsSync(installedDriverRequirements) && readFileSync(installedDriverRequirements, "utf8") === requirements) return;
  rmSync(postgresDriverDir, { recursive: true, force: true });
  const pip = join(phoenixVenv, "bin", "pip");
  await run(
    pip,
    ["install", "--disable-pip-version-check", "-q", "--target", postgresDriverDir, "-r", postgresDriverRequirements],
    `pip install -r ${relative(root, postgresDriverRequirements)}`,
  );
  writeFileSync(installedDriverRequirements, requirements);
}

/** The arize-phoenix version installed in the venv. */
export async function installedPhoenixVersion(): Promise<string> {
  const python = join(phoenixVenv, "bin", "python");
  const output = await run(python, ["-c", "from importlib.metadata import version; print(version('arize-phoenix'))"], "reading the Phoenix version");
  return output.trim();
}

/** Distinct free ports: all listeners stay open until every port is known, so none repeats. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolveListen, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolveListen);
      });
    }
    return servers.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolveClose) => server.close(resolveClose))));
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200 && (await response.text()).trim() === "OK";
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL if it is still alive after 10 s. */
async function kill(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts `phoenix serve` from the installed venv and resolves once GET /healthz answers OK. With
 * `databaseUrl` (a PostgreSQL URL) it keeps its data there instead of SQLite in its working folder.
 * `workingDir`: a folder of the caller's, kept on stop, so a later server started on it has the same data.
 * `env`: more PHOENIX_* settings (authentication, say).
 */
export async function startPhoenix(options: { timeoutMs?: number; databaseUrl?: string; workingDir?: string; env?: Record<string, string> } = {}): Promise<PhoenixServer> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  if (!existsSync(phoenixBin)) throw new Error(`Phoenix is not installed: ${phoenixBin} is missing (run installPhoenix first)`);
  const [port, grpcPort] = await freePorts(2);
  const workingDir = options.workingDir ?? mkdtempSync(join(tmpdir(), "evalwire-phoenix-"));
  const logFile = join(workingDir, "server.log");

  // The server gets its own PHOENIX_* settings only: it reads PHOENIX_HOST as a bind address,
  // while the JS client in the parent's environment reads it as a URL.
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PHOENIX_")));
  Object.assign(env, {
    PHOENIX_WORKING_DIR: workingDir,
    PHOENIX_HOST: "127.0.0.1",
    PHOENIX_PORT: String(port),
    PHOENIX_GRPC_PORT: String(grpcPort),
    PHOENIX_TELEMETRY_ENABLED: "false",
    PHOENIX_ALLOW_EXTERNAL_RESOURCES: "false",
    PHOENIX_LOG_MIGRATIONS: "false",
    ...options.env,
  });
  if (options.databaseUrl) {
    if (!existsSync(installedDriverRequirements)) throw new Error(`the PostgreSQL driver is not installed in ${postgresDriverDir} (run installPostgresDriver first)`);
    env.PHOENIX_SQL_DATABASE_URL = options.databaseUrl;
    env.PYTHONPATH = [postgresDriverDir, env.PYTHONPATH].filter(Boolean).join(":");
  }

  const log = openSync(logFile, "w");
  const child = spawn(phoenixBin, ["serve"], { env, stdio: ["ignore", log, log], detached: false });
  closeSync(log);
  let exitReason: string | undefined;
  const exited = new Promise<void>((resolveExit) => {
    child.once("error", (error) => {
      exitReason ??= `could not run ${phoenixBin}: ${error.message}`;
      resolveExit();
    });
    child.once("exit", (code, signal) => {
      exitReason ??= signal ? `killed by ${signal}` : `exit code ${code}`;
      resolveExit();
    });
  });

  const url = `http://127.0.0.1:${port}`;
  const cleanUp = async (): Promise<void> => {
    await kill(child, exited);
    if (!options.workingDir) rmSync(workingDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let reason: string | undefined;
    if (exitReason) reason = `Phoenix exited before it was ready (${exitReason})`;
    else if (Date.now() > deadline) reason = `Phoenix was not ready within ${timeoutMs / 1000} s`;
    if (reason) {
      const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
      await cleanUp();
      throw failure(reason, log);
    }
    if (await healthy(url)) break;
    await new Promise((wake) => setTimeout(wake, 250));
  }

  let stopping: Promise<void> | undefined;
  return { url, pid: child.pid!, workingDir, stop: () => (stopping ??= cleanUp()) };
}

async function main(command: string | undefined): Promise<void> {
  if (command === "install") {
    await installPostgresDriver();
    console.log(
      `arize-phoenix ${await installedPhoenixVersion()} in ${relative(process.cwd(), phoenixVenv) || phoenixVenv}, its PostgreSQL driver in ${relative(process.cwd(), postgresDriverDir) || postgresDriverDir}`,
    );
  } else if (command === "serve") {
    await installPhoenix();
    const server = await startPhoenix();
    console.log(`Phoenix at ${server.url} (pid ${server.pid})`);
    const stop = (): void => void server.stop().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  } else {
    console.error("usage: npx tsx test/phoenix/server.ts install|serve");
    process.exitCode = 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv[2]).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
