// biome-ignore-all lint/suspicious/noTemplateCurlyInString: task.yaml reads ${NAME} from the environment; these strings are task.yaml text
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { classifyError } from "../../../src/retry/transient.js";
import { loadTaskYaml } from "../../../src/tasks/task-yaml.js";
import type { Example, Task } from "../../../src/types.js";
import { tempDir, writeFiles } from "../../helpers/cli.js";
import { isRunning, readPid } from "../../helpers/processes.js";

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const done of cleanup.splice(0)) await done();
});

/** An experiment folder with a task.yaml and the scripts it runs. */
function folder(files: Record<string, string>): string {
  const { dir, remove } = tempDir("evalwire-command-task-");
  cleanup.push(remove);
  return writeFiles(dir, files);
}

function task(dir: string, env: NodeJS.ProcessEnv = {}): Task {
  return loadTaskYaml(join(dir, "task.yaml"), env);
}

const example: Example = { id: "q1", input: { question: "capital of France?" }, output: { answer: "Paris" }, metadata: {} };
const call = (t: Task, signal = new AbortController().signal) => t(structuredClone(example), { signal, repetition: 1, experiment: "x" });

async function failure(promise: unknown): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const agent = `import json, os, sys
example = json.load(sys.stdin)
print(json.dumps({"answer": "Paris", "question": example["input"]["question"], "id": example["id"],
                  "model": os.environ.get("MODEL"), "argv": sys.argv[1:], "cwd": os.path.basename(os.getcwd())}))
`;

describe("command: task, with a Python script", () => {
  it("gets the example as JSON on stdin; its JSON stdout is the output; env and arguments reach it", async () => {
    const dir = folder({ "task.yaml": "command: [python3, agent.py, --top, 3]\nenv:\n  MODEL: ${EVAL_MODEL}\n", "agent.py": agent });
    expect(await call(task(dir, { EVAL_MODEL: "small" }))).toEqual({
      answer: "Paris",
      question: "capital of France?",
      id: "q1",
      model: "small",
      argv: ["--top", "3"],
      cwd: dir.split("/").at(-1),
    });
  });

  it("runs in cwd, relative to the experiment folder; output picks a field", async () => {
    const dir = folder({ "task.yaml": "command: [python3, agent.py]\ncwd: agent\noutput: answer\n", "agent/agent.py": agent });
    expect(await call(task(dir))).toBe("Paris");
  });

  it("stdout that is not JSON is the output as text", async () => {
    const dir = folder({ "task.yaml": "command: [python3, -c, \"import sys; sys.stdin.read(); print('Paris, I think')\"]\n" });
    expect(await call(task(dir))).toBe("Paris, I think");
  });

  it("a program that does not read stdin is fine", async () => {
    const dir = folder({ "task.yaml": 'command: [python3, -c, "print(42)"]\n' });
    expect(await call(task(dir))).toBe(42);
  });

  it("a non-zero exit is an error with the last line of stderr, not retried", async () => {
    const dir = folder({ "task.yaml": "command: [python3, agent.py]\n", "agent.py": 'import sys\nsys.stdin.read()\nprint("partial output")\nraise ValueError("no index for fr")\n' });
    const error = await failure(call(task(dir)));
    expect(error.message).toBe("python3 agent.py exited with code 1: ValueError: no index for fr");
    expect(classifyError(error).transient).toBeNull();
  });

  it("with output:, stdout that is not JSON is an error quoting its start; the command is shown with its arguments quoted", async () => {
    const dir = folder({ "task.yaml": "command: [sh, -c, 'cat > /dev/null; echo not json']\noutput: answer\n" });
    const error = await failure(call(task(dir)));
    expect(error.message).toMatch(/^sh -c 'cat > \/dev\/null; echo not json': printed no JSON, which output: answer needs \(.+\): "not json\\n"$/);
    const quoting = folder({ "task.yaml": `command: [sh, -c, "echo done >&2; exit 3", "it's", ""]\n` });
    expect((await failure(call(task(quoting)))).message).toBe(`sh -c 'echo done >&2; exit 3' 'it'\\''s' '' exited with code 3: done`);
  });

  it("an argument holding a line break (a script in block style) is shown on one line, so the error keeps its exit and stderr", async () => {
    const dir = folder({ "task.yaml": "command:\n  - sh\n  - -c\n  - |\n    echo 'no index' >&2\n    exit 4\n" });
    const error = await failure(call(task(dir)));
    expect(error.message).toBe(`sh -c $'echo \\'no index\\' >&2\\nexit 4\\n' exited with code 4: no index`);
    expect(error.message).not.toContain("\n");
  });

  it("a program that cannot be found is an error naming it", async () => {
    const dir = folder({ "task.yaml": "command: [./no-such-agent]\n" });
    expect((await failure(call(task(dir)))).message).toBe('cannot run "./no-such-agent": not found (is it installed and on PATH, or is the path right relative to cwd?)');
  });

  it("aborting the call stops the program and what it started: no process is left", async () => {
    const dir = folder({
      "task.yaml": "command: [python3, agent.py]\n",
      "agent.py": `import subprocess, sys, time
child = subprocess.Popen(["sleep", "60"])
open("child.pid", "w").write(str(child.pid))
open("agent.pid", "w").write(str(__import__("os").getpid()))
time.sleep(60)
`,
    });
    const controller = new AbortController();
    const pending = failure(call(task(dir), controller.signal));
    await until(() => readPid(join(dir, "child.pid")) !== undefined && readPid(join(dir, "agent.pid")) !== undefined, "the agent and its child to start");
    const pids = [readPid(join(dir, "agent.pid"))!, readPid(join(dir, "child.pid"))!];
    expect(pids.every(isRunning)).toBe(true);
    controller.abort(new DOMException("timed out after 100 ms", "TimeoutError"));
    expect((await pending).message).toBe("timed out after 100 ms");
    await until(() => !pids.some(isRunning), "the agent and its child to be gone");
  });

  it("a program that ignores SIGTERM is killed", async () => {
    const dir = folder({
      "task.yaml": "command: [python3, agent.py]\n",
      "agent.py": `import os, signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
open("agent.pid", "w").write(str(os.getpid()))
time.sleep(60)
`,
    });
    const controller = new AbortController();
    const pending = failure(call(task(dir), controller.signal));
    await until(() => readPid(join(dir, "agent.pid")) !== undefined, "the agent to start");
    const pid = readPid(join(dir, "agent.pid"))!;
    controller.abort(new Error("interrupted"));
    await pending;
    await until(() => !isRunning(pid), "the agent to be killed");
  });

  it("what a program leaves running when it ends is killed with it", async () => {
    const dir = folder({
      "task.yaml": "command: [python3, agent.py]\n",
      "agent.py": `import subprocess, sys
child = subprocess.Popen(["sleep", "60"], stdout=subprocess.DEVNULL)
open("child.pid", "w").write(str(child.pid))
print('"done"')
`,
    });
    expect(await call(task(dir))).toBe("done");
    const pid = readPid(join(dir, "child.pid"))!;
    await until(() => !isRunning(pid), "the left-behind child to be killed");
  });
});

describe("command: task, with a Node script", () => {
  it("runs node with a script beside the task (a _ name, so it is not taken for an evaluator)", async () => {
    const dir = folder({
      "task.yaml": "command: [node, _agent.mjs]\n",
      "_agent.mjs": `let text = "";
for await (const chunk of process.stdin) text += chunk;
const example = JSON.parse(text);
process.stdout.write(JSON.stringify({ answer: "Paris", asked: example.input.question }));
`,
    });
    expect(await call(task(dir))).toEqual({ answer: "Paris", asked: "capital of France?" });
  });

  it("a Node script that exits 2 is an error with its last stderr line", async () => {
    const dir = folder({ "task.yaml": "command: [node, _agent.mjs]\n", "_agent.mjs": 'console.error("warming up");\nconsole.error("Error: model not found");\nprocess.exit(2);\n' });
    expect((await failure(call(task(dir)))).message).toBe("node _agent.mjs exited with code 2: Error: model not found");
  });
});
