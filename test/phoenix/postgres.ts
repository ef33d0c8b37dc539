// A real PostgreSQL server for tests, from the machine's server binaries (Debian's `postgresql`
// package): a fresh cluster in a temporary folder, on a free 127.0.0.1 port, stopped by its pid.
// PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { failure, freePorts, installPostgresDriver, type PhoenixServer, run, startPhoenix } from "./server.js";

export interface PostgresServer {
  /** A connection URL, as PHOENIX_SQL_DATABASE_URL takes it. */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The newest installed server's bin folder, such as /usr/lib/postgresql/15/bin; null when there is none. */
export function postgresBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0]!, "bin") : null;
}

/** The uid and gid of a system user, from /etc/passwd. */
function systemUser(name: string): { uid: number; gid: number } | null {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith(`${name}:`));
  if (!line) return null;
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(options: { timeoutMs?: number } = {}): Promise<PostgresServer> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/postgres (apt-get install -y postgresql)");
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? systemUser("postgres") : null;
  if (asRoot && !owner) throw new Error("PostgreSQL will not run as root, and there is no postgres user to run it as");
  const ids = owner ? { uid: owner.uid, gid: owner.gid } : {};

  const folder = mkdtempSync(join(tmpdir(), "evalwire-postgres-"));
  const data = join(folder, "data");
  if (owner) {
    chownSync(folder, owner.uid, owner.gid);
    chmodSync(folder, 0o700);
  }
  const cleanUpFolder = () => rmSync(folder, { recursive: true, force: true });
  try {
    await run(join(bin, "initdb"), ["-D", data, "-U", "evalwire", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], "initdb", { ...ids, cwd: folder });
  } catch (error) {
    cleanUpFolder();
    throw error;
  }

  const [port] = await freePorts(1);
  // Tests only: no fsync (a crash loses nothing a test needs); the socket in the temporary folder.
  const args = ["-D", data, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${folder}`, "-c", "fsync=off", "-c", "max_connections=200"];
  const child: ChildProcess = spawn(join(bin, "postgres"), args, { ...ids, cwd: folder, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let exitReason: string | undefined;
  const exited = new Promise<void>((resolveExit) => {
    child.once("error", (error) => {
      exitReason ??= `could not run postgres: ${error.message}`;
      resolveExit();
    });
    child.once("exit", (code, signal) => {
      exitReason ??= signal ? `killed by ${signal}` : `exit code ${code}`;
      resolveExit();
    });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGINT"); // "fast shutdown": ends every session, then exits
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    cleanUpFolder();
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let reason: string | undefined;
    if (exitReason) reason = `PostgreSQL exited before it was ready (${exitReason})`;
    else if (Date.now() > deadline) reason = `PostgreSQL was not ready within ${timeoutMs / 1000} s`;
    if (reason) {
      await stop();
      throw failure(reason, output);
    }
    const ready = await run(join(bin, "pg_isready"), ["-q", "-h", "127.0.0.1", "-p", String(port), "-U", "evalwire", "-d", "postgres"], "pg_isready").then(
      () => true,
      () => false,
    );
    if (ready) break;
    await new Promise((wake) => setTimeout(wake, 200));
  }

  let stopping: Promise<void> | undefined;
  return { url: `postgresql://evalwire@127.0.0.1:${port}/postgres`, pid: child.pid!, stop: () => (stopping ??= stop()) };
}

/** Phoenix keeping its data in a PostgreSQL server of its own; stop() stops both, Phoenix first. */
export async function startPhoenixOnPostgres(options: { timeoutMs?: number } = {}): Promise<{ phoenix: PhoenixServer; postgres: PostgresServer; stop(): Promise<void> }> {
  await installPostgresDriver();
  const postgres = await startPostgres(options);
  let phoenix: PhoenixServer;
  try {
    phoenix = await startPhoenix({ ...options, databaseUrl: postgres.url });
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  return {
    phoenix,
    postgres,
    stop: async () => {
      await phoenix.stop();
      await postgres.stop();
    },
  };
}

/** Runs one SQL query with psql and returns its rows, fields split by |. */
export async function query(databaseUrl: string, sql: string): Promise<string[][]> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL is not installed");
  const output = await run(join(bin, "psql"), [databaseUrl, "--no-psqlrc", "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql], "psql");
  return output
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split("|"));
}
