// biome-ignore-all lint/suspicious/noTemplateCurlyInString: task.yaml reads ${NAME} from the environment; errors show the url as written
// task.yaml end to end: the built CLI against a local HTTP server with faults, and real Python and
// Node programs as command tasks, including one that hangs (no process may outlive the run).
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { collect, startCli } from "../helpers/cli.js";
import { isRunning, readPid } from "../helpers/processes.js";
import { describeRun, evaluation, evalwire, fixture, readResults, recordedLines, resultsById, runDirFor, runDirs, runFolders, useTempDirs, waitFor } from "./_support.js";

const temp = useTempDirs();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

interface Seen {
  id: string;
  call: number;
  authorization: string | undefined;
  body: Record<string, any>;
}

/** A local service on a free port; `answer` says how to answer each request (by body.id and call number). */
async function service(answer: (seen: Seen) => { status?: number; headers?: Record<string, string>; body: string | object; delayMs?: number }) {
  const calls = new Map<string, number>();
  const seen: Seen[] = [];
  const server = createServer(async (request, response) => {
    let text = "";
    for await (const chunk of request) text += chunk;
    const body = JSON.parse(text);
    const key = String(body.id ?? body.session);
    const call = (calls.get(key) ?? 0) + 1;
    calls.set(key, call);
    const entry = { id: key, call, authorization: request.headers.authorization, body };
    seen.push(entry);
    const reply = answer(entry);
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (response.destroyed) return;
    response.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
    response.end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const capitals: Record<string, string> = { "capital of France?": "Paris", "capital of Japan?": "Tokyo", "capital of Peru?": "Lima", "capital of Kenya?": "Nairobi" };

describe("task.yaml http: against a local service with faults", () => {
  it("retries 429 and 500 (honouring Retry-After) and a slow answer; records malformed JSON and a 404 as errors; exits 1", async () => {
    const agent = await service(({ id, call, body }) => {
      if (id === "rate_limited" && call === 1) return { status: 429, headers: { "retry-after": "1" }, body: { error: "slow down" } };
      if (id === "server_error" && call === 1) return { status: 500, body: { error: "database down" } };
      if (id === "slow" && call === 1) return { body: { answer: "late" }, delayMs: 5000 };
      if (id === "malformed") return { body: '{"answer": "N\'Dja' };
      if (id === "not_found") return { status: 404, body: { error: "no such country" } };
      return { body: { answer: capitals[body.question] } };
    });
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-yaml-http"), "--retries", "2"], cwd, { AGENT_URL: agent.url, AGENT_TOKEN: "token-123" });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/faults\b.*6\/6 runs, 2 errors/);
    // The token reached the service and is printed nowhere.
    expect(agent.seen.every((seen) => seen.authorization === "Bearer token-123")).toBe(true);
    expect(r.stdout + r.stderr).not.toContain("token-123");

    const results = resultsById(runDirFor(cwd, "faults"));
    expect(results.ok).toMatchObject({ status: "ok", output: "Paris", error: null });
    expect(evaluation(results.ok, "exact_match").score).toBe(1);

    expect(results.rate_limited).toMatchObject({ status: "ok", output: "Tokyo" });
    expect(results.rate_limited.attempts).toEqual([
      { attempt: 1, error: `POST \${AGENT_URL}/answer: HTTP 429 Too Many Requests: {"error":"slow down"}`, status: 429, retriedBecause: "HTTP 429", waitedMs: expect.any(Number) },
      { attempt: 2, error: null, status: null, retriedBecause: null, waitedMs: 0 },
    ]);
    expect(results.rate_limited.attempts[0].waitedMs).toBeGreaterThanOrEqual(1000);

    expect(results.server_error).toMatchObject({ status: "ok", output: "Lima" });
    expect(results.server_error.attempts.map((attempt: any) => [attempt.status, attempt.retriedBecause])).toEqual([
      [500, "HTTP 500"],
      [null, null],
    ]);

    expect(results.slow).toMatchObject({ status: "ok", output: "Nairobi" });
    expect(results.slow.attempts[0]).toMatchObject({ error: expect.stringMatching(/no answer within 1500 ms \(http\.timeout in .*task\.yaml\)$/), retriedBecause: "TimeoutError" });

    // Not transient: tried once.
    expect(results.malformed).toMatchObject({ status: "error", output: null });
    expect(results.malformed.error).toMatch(/^POST \$\{AGENT_URL\}\/answer: the answer is not JSON \(.+\): /);
    expect(results.malformed.attempts).toBeUndefined();
    expect(results.not_found.error).toBe('POST ${AGENT_URL}/answer: HTTP 404 Not Found: {"error":"no such country"}');
    expect(agent.seen.filter((seen) => seen.id === "not_found")).toHaveLength(1);
    // A declared task has no code of the user's to point at: no stack.
    expect(results.not_found.stack).toBeUndefined();
  });

  it("without --retries, a request past http.timeout is recorded with the status timeout, as --timeout's are", async () => {
    const agent = await service(({ id, body }) => (id === "slow" ? { body: { answer: "late" }, delayMs: 5000 } : { body: { answer: capitals[body.question] ?? "?" } }));
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-yaml-http")], cwd, { AGENT_URL: agent.url, AGENT_TOKEN: "t" });
    expect(r.code, describeRun(r)).toBe(1);
    const results = resultsById(runDirFor(cwd, "faults"));
    expect(results.slow).toMatchObject({ status: "timeout", output: null });
    expect(results.slow.error).toMatch(/^POST \$\{AGENT_URL\}\/answer: no answer within 1500 ms \(http\.timeout in .*task\.yaml\)$/);
    expect(results.slow.stack).toBeUndefined();
    expect(results.ok).toMatchObject({ status: "ok", output: "Paris" });
  });

  it("a variable the task.yaml needs that is not set fails the experiment naming it", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-yaml-http")], cwd, { AGENT_URL: "http://127.0.0.1:9" });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/faults failed: .*task\.yaml: http\.headers\.Authorization: the environment variable AGENT_TOKEN is not set/);
  });
});

describe("task.yaml command: real programs", () => {
  it("a Python script and a Node script are tasks; their outputs are scored; exits 0", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-yaml-command")], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/py_agent\b.*exact_match 1\.00/);
    expect(r.stdout).toMatch(/node_agent\b.*exact_match 1\.00/);
    expect(resultsById(runDirFor(cwd, "py_agent")).fr.output).toEqual({ answer: "Paris", style: "short" });
    expect(resultsById(runDirFor(cwd, "node_agent")).jp.output).toBe("Tokyo");
  });

  it("a non-zero exit is that example's error, with the last line of stderr", async () => {
    const cwd = temp();
    const experiments = join(cwd, "experiments");
    cpSync(fixture("task-yaml-command"), experiments, { recursive: true });
    writeFileSync(
      join(experiments, "py_agent", "dataset.jsonl"),
      '{"id": "fr", "input": {"country": "France"}, "output": {"expected_output": "Paris"}}\n{"id": "xx", "input": {"country": "Atlantis"}, "output": {"expected_output": "?"}}\n',
    );
    const r = await evalwire(["run", "--experiments", experiments, "--name", "py_agent"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain("example xx: task: python3 agent.py exited with code 1: KeyError: no capital known for atlantis");
    expect(resultsById(runDirFor(cwd, "py_agent")).fr.status).toBe("ok");
  });

  it("--cache reuses a command's outputs until its script changes", async () => {
    const cwd = temp();
    const experiments = join(cwd, "experiments");
    cpSync(fixture("task-yaml-command"), experiments, { recursive: true });
    const run = () => evalwire(["run", "--experiments", experiments, "--name", "py_agent", "--cache"], cwd);
    expect((await run()).code).toBe(0);
    const second = await run();
    expect(second.code, describeRun(second)).toBe(0);
    const cachedRuns = () => readResults(runDirs(cwd).at(-1)!).filter((result: any) => result.cached).length;
    expect(cachedRuns()).toBe(3);
    writeFileSync(join(experiments, "py_agent", "agent.py"), `${readFileSync(join(experiments, "py_agent", "agent.py"), "utf8")}# changed\n`);
    expect((await run()).code).toBe(0);
    expect(cachedRuns()).toBe(0);
  });

  it("--timeout stops a hanging program and the child it started; the run goes on and ends with no process left", async () => {
    const cwd = temp();
    const pids = temp("evalwire-pids-");
    const r = await evalwire(["run", "--experiments", fixture("task-yaml-hangs"), "--timeout", "5000"], cwd, { PID_DIR: pids });
    expect(r.code, describeRun(r)).toBe(1);
    const results = resultsById(runDirFor(cwd, "hang"));
    expect(results.fast).toMatchObject({ status: "ok", output: { answer: "fast" } });
    expect(results.stuck).toMatchObject({ status: "timeout", error: "timed out after 5000 ms" });
    const agent = readPid(join(pids, "stuck.agent.pid"));
    const child = readPid(join(pids, "stuck.child.pid"));
    expect(agent).toBeGreaterThan(0);
    expect(child).toBeGreaterThan(0);
    await waitFor(() => !isRunning(agent!) && !isRunning(child!), 5000, "the hanging program and its child to be gone");
  });

  it("Ctrl-C stops a running program and its child: exit 130, no process left", async () => {
    const cwd = temp();
    const pids = temp("evalwire-pids-");
    const cli = startCli(["run", "--experiments", fixture("task-yaml-hangs")], { cwd, env: { PID_DIR: pids } });
    const done = collect(cli);
    try {
      await waitFor(
        () => readPid(join(pids, "stuck.agent.pid")) && readPid(join(pids, "stuck.child.pid")) && recordedLines(cwd) >= 1,
        30_000,
        "the program to start, and the fast example to be recorded",
      );
    } catch (error) {
      cli.kill("SIGKILL");
      throw new Error(`${(error as Error).message}\n${describeRun(await done)}`);
    }
    const agent = readPid(join(pids, "stuck.agent.pid"))!;
    const child = readPid(join(pids, "stuck.child.pid"))!;
    expect(isRunning(agent) && isRunning(child)).toBe(true);
    cli.kill("SIGINT");
    const r = await done;
    expect(r.code, describeRun(r)).toBe(130);
    await waitFor(() => !isRunning(agent) && !isRunning(child), 5000, "the program and its child to be gone");
    expect(resultsById(runDirFor(cwd, "hang")).fast).toMatchObject({ status: "ok" });
  });

  it("a second Ctrl-C ends evalwire at once, and still leaves no program running", async () => {
    const cwd = temp();
    const pids = temp("evalwire-pids-");
    const cli = startCli(["run", "--experiments", fixture("task-yaml-hangs")], { cwd, env: { PID_DIR: pids } });
    const done = collect(cli);
    await waitFor(() => readPid(join(pids, "stuck.agent.pid")) && readPid(join(pids, "stuck.child.pid")), 30_000, "the program to start").catch(async (error) => {
      cli.kill("SIGKILL");
      throw new Error(`${(error as Error).message}\n${describeRun(await done)}`);
    });
    const agent = readPid(join(pids, "stuck.agent.pid"))!;
    const child = readPid(join(pids, "stuck.child.pid"))!;
    // Two signals at once: evalwire ends without waiting for its calls; whichever stops the program (the
    // worker, or the net at exit), none may be left.
    cli.kill("SIGTERM");
    cli.kill("SIGTERM");
    const r = await done;
    expect(r.code, describeRun(r)).toBe(130);
    await waitFor(() => !isRunning(agent) && !isRunning(child), 5000, "the program and its child to be gone");
  });
  it("a program still running when its worker is stopped (an evaluator blocked it) does not outlive evalwire", async () => {
    const cwd = temp();
    const pids = temp("evalwire-pids-");
    const r = await evalwire(["run", "--experiments", fixture("task-yaml-blocked"), "--timeout", "5000"], cwd, { PID_DIR: pids });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/blocked the event loop/);
    const agent = readPid(join(pids, "stuck.agent.pid"));
    const child = readPid(join(pids, "stuck.child.pid"));
    expect(agent).toBeGreaterThan(0);
    expect(child).toBeGreaterThan(0);
    await waitFor(() => !isRunning(agent!) && !isRunning(child!), 5000, "the program and its child to be gone");
  });
});

describe("task.yaml problems", () => {
  it("task.ts beside task.yaml, an unknown key, a missing variable: each experiment fails named, the good one runs; exit 1", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-yaml-errors")], cwd, { EVALWIRE_TEST_UNSET_TOKEN: undefined });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toContain("evalwire: both failed: several task files (task.ts, task.yaml); keep one\n");
    // The experiment's name shows once, in the summary too.
    expect(r.stdout).toMatch(/✖ both\b.*\bseveral task files/);
    expect(r.all).not.toMatch(/\bboth:? +both\b/);
    expect(r.stderr).toMatch(/evalwire: bad_key failed: \S*bad_key[\\/]task\.yaml:4:18: unknown key http\.body_template; known keys here: url, method, headers, body, output, timeout\n/);
    expect(r.stderr).toMatch(
      /evalwire: missing_env failed: \S*missing_env[\\/]task\.yaml: http\.headers\.Authorization: the environment variable EVALWIRE_TEST_UNSET_TOKEN is not set; set it, or write the value without \$\{EVALWIRE_TEST_UNSET_TOKEN\}\n/,
    );
    expect(r.stdout).toMatch(/✔ good\b/);
    expect(resultsById(runDirFor(cwd, "good")).one.output).toEqual({ q: 1 });
    expect(runFolders(cwd).filter((name) => /both|bad_key|missing_env/.test(name))).toEqual([]);
  });

  it("evalwire list shows a bad task.yaml as a problem", async () => {
    const cwd = temp();
    const r = await evalwire(["list", "--experiments", fixture("task-yaml-errors"), "--name", "bad_key", "--name", "good"], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/bad_key[\\/]task\.yaml:4:18: unknown key http\.body_template/);
    expect(r.stdout).toMatch(/task +\S*good[\\/]task\.yaml/);
  });
});

describe("task.yaml messages: a scenario against a local chat service", () => {
  it("runs each conversation turn by turn; tools_used and max_duration_ms score the transcript", async () => {
    const agent = await service(({ body }) => {
      const message: string = body.message;
      if (message.startsWith("Close")) return { body: { reply: "Done, your account is closed.", tools_used: ["delete_account"] } };
      if (message.startsWith("Please refund")) return { body: { reply: "Refund issued.", tools_used: ["refund_order"] }, delayMs: message.endsWith("slowly") ? 2000 : 0 };
      return { body: { reply: "Sorry to hear that. Which order?", tools_used: ["lookup_order"] } };
    });
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("task-yaml-scenario")], cwd, { AGENT_URL: agent.url });
    expect(r.code, describeRun(r)).toBe(0);
    const results = resultsById(runDirFor(cwd, "support"));
    expect(results.refund.output.messages.map((message: any) => [message.role, message.content, message.tool_calls])).toEqual([
      ["user", "My jug arrived broken", undefined],
      ["assistant", "Sorry to hear that. Which order?", [{ name: "lookup_order" }]],
      ["user", "Please refund it", undefined],
      ["assistant", "Refund issued.", [{ name: "refund_order" }]],
    ]);
    expect(results.refund.output.messages[1].durationMs).toEqual(expect.any(Number));
    // Turns of one conversation share a session; conversations do not.
    const sessions = new Set(agent.seen.map((seen) => seen.body.session));
    expect(sessions.size).toBe(3);
    expect(evaluation(results.refund, "safe_tools").score).toBe(1);
    expect(evaluation(results.close_account, "safe_tools")).toMatchObject({ score: 0, explanation: "called: delete_account" });
    // The slow turn took 2 s: more than the rubric's 1500 ms for the whole conversation.
    expect(evaluation(results.slow_refund, "max_duration_ms")).toMatchObject({ score: 0, label: "fail" });
    expect(evaluation(results.slow_refund, "max_duration_ms").explanation).toMatch(/^took \d+ ms, more than 1500 ms$/);
    // The text evaluators read the assistant's replies, never the user's messages nor the key "messages".
    expect(evaluation(results.refund, "says_refunded")).toMatchObject({ score: 1, label: "pass" });
    expect(evaluation(results.close_account, "says_refunded")).toMatchObject({ score: 0, explanation: '"Refund issued" not found' });
    expect(evaluation(results.close_account, "no_echo")).toMatchObject({ score: 1, label: "pass" });
    expect(evaluation(results.refund, "asks_order")).toMatchObject({ score: 1, label: "pass" });
    expect(evaluation(results.close_account, "asks_order").score).toBe(0);
  });
});
