// biome-ignore-all lint/suspicious/noTemplateCurlyInString: task.yaml reads ${NAME} from the environment; these strings are task.yaml text
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LoadError } from "../../../src/errors.js";
import { loadTaskYaml, readTaskSpec } from "../../../src/tasks/task-yaml.js";
import { tempDir, writeFiles } from "../../helpers/cli.js";
import { thrownMessage } from "../../helpers/errors.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});

/** A task.yaml with this text in a fresh folder; returns its path. */
function taskYaml(text: string, extra: Record<string, string> = {}): string {
  const { dir, remove } = tempDir("evalwire-task-yaml-");
  cleanup.push(remove);
  writeFiles(dir, { "task.yaml": text, ...extra });
  return join(dir, "task.yaml");
}

const problem = (text: string, env: NodeJS.ProcessEnv = {}) => thrownMessage(() => loadTaskYaml(taskYaml(text), env), LoadError);

describe("task.yaml: what is accepted", () => {
  it("reads an http task with its defaults: method POST", () => {
    const spec = readTaskSpec(taskYaml("http:\n  url: http://127.0.0.1:9/answer\n  body: { q: '{{ input.q }}' }\n  output: answer\n  timeout: 5000\n"));
    expect(spec.http).toEqual({ url: "http://127.0.0.1:9/answer", method: "POST", body: { q: "{{ input.q }}" }, output: "answer", timeout: 5000 });
  });

  it("reads a command with env and cwd, numbers as texts", () => {
    const spec = readTaskSpec(taskYaml("command: [python3, agent.py, --top, 3]\nenv: { MODEL: small, TEMPERATURE: 0 }\ncwd: .\n"));
    expect(spec.command).toEqual(["python3", "agent.py", "--top", "3"]);
    expect(spec.env).toEqual({ MODEL: "small", TEMPERATURE: "0" });
  });

  it("reads a scenario: messages: alone or with tools", () => {
    expect(readTaskSpec(taskYaml("http:\n  url: http://127.0.0.1:9/chat\nmessages:\n")).messages).toBeNull();
    expect(readTaskSpec(taskYaml("http:\n  url: http://127.0.0.1:9/chat\nmessages: { tools: tools_used }\n")).messages).toEqual({ tools: "tools_used" });
  });

  it("loads a task function, reading ${NAME} from the environment", () => {
    expect(typeof loadTaskYaml(taskYaml("http:\n  url: ${AGENT_URL}/x\n  headers:\n    Authorization: Bearer ${TOKEN}\n"), { AGENT_URL: "http://127.0.0.1:9", TOKEN: "t" })).toBe("function");
  });
});

describe("task.yaml: one line naming the file, the line and the key", () => {
  it("an unknown key, with the keys known there", () => {
    const message = problem("http:\n  url: http://127.0.0.1:9/x\n  methdo: GET\n");
    expect(message).toMatch(/task\.yaml:3:11: unknown key http\.methdo; known keys here: url, method, headers, body, output, timeout$/);
  });

  it("an unknown top-level key", () => {
    expect(problem("comand: [python3, a.py]\n")).toMatch(/task\.yaml:1:9: unknown key comand; known keys here: http, command, env, cwd, output, messages$/);
  });

  it("a wrong method, a wrong timeout, an empty command", () => {
    expect(problem("http:\n  url: http://127.0.0.1:9/x\n  method: FETCH\n")).toMatch(/task\.yaml:3:11: http\.method: expected one of GET, POST, PUT, PATCH, DELETE \(got "FETCH"\)$/);
    expect(problem("http:\n  url: http://127.0.0.1:9/x\n  timeout: soon\n")).toMatch(
      /task\.yaml:3:12: http\.timeout: expected a whole number of milliseconds from 0 up \(0: no limit\) \(got "soon"\)$/,
    );
    expect(problem("http:\n  url: http://127.0.0.1:9/x\n  timeout: -1\n")).toMatch(/http\.timeout: expected a whole number of milliseconds from 0 up \(0: no limit\) \(got -1\)$/);
    expect(problem("command: []\n")).toMatch(/task\.yaml:1:10: command: is empty: give the program and its arguments/);
    expect(problem("command: python3 agent.py\n")).toMatch(
      /task\.yaml:1:10: command: expected a list: the program and its arguments, such as \[python3, agent\.py\] \(got "python3 agent\.py"\)$/,
    );
  });

  it("headers or env given as a list, or http: as a URL, say what they must be (not zod's wording)", () => {
    expect(problem("http:\n  url: http://127.0.0.1:9/x\n  headers:\n    - Accept: x\n")).toMatch(
      /task\.yaml:4:5: http\.headers: expected a table of header names and their values, such as Accept: application\/json$/,
    );
    expect(problem("command: [python3, a.py]\nenv: [MODEL=small]\n")).toMatch(
      /task\.yaml:2:6: env: expected a table of variable names and their values, such as MODEL: small \(got \["MODEL=small"\]\)$/,
    );
    expect(problem("http: http://127.0.0.1:9/x\n")).toMatch(
      /task\.yaml:1:7: http: expected a table with url \(and method, headers, body, output, timeout\) \(got "http:\/\/127\.0\.0\.1:9\/x"\)$/,
    );
  });

  it("a missing url names the http table's line", () => {
    expect(problem("http:\n  method: GET\n")).toMatch(/task\.yaml:2:3: http\.url: expected a text \(got nothing\)$/);
  });

  it("neither http nor command, or both", () => {
    expect(problem("env: { A: b }\n")).toMatch(/task\.yaml: declare the task: http: .* or command: /);
    expect(problem("")).toMatch(/task\.yaml: declare the task/);
    expect(problem("http:\n  url: http://127.0.0.1:9/x\ncommand: [python3, a.py]\n")).toMatch(/task\.yaml:3:10: http: and command: exclude each other; keep one/);
  });

  it("keys that do not go together", () => {
    expect(problem("http:\n  url: http://127.0.0.1:9/x\ncwd: sub\n")).toMatch(/task\.yaml:3:6: cwd: goes with command:/);
    expect(problem("http:\n  url: http://127.0.0.1:9/x\noutput: answer\n")).toMatch(/output: goes with command:; for http: write it under http: \(http\.output\)/);
    expect(problem("command: [python3, a.py]\nmessages:\n")).toMatch(/messages: a scenario is sent to an http: endpoint/);
    expect(problem("command: [python3, a.py, '{{ input.q }}']\n")).toMatch(
      /task\.yaml:1:26: command\.2: \{\{ \}\} is not filled in a command's arguments; the program reads the example as JSON on stdin$/,
    );
    expect(problem("http:\n  url: http://127.0.0.1:9/x\n  method: GET\n  body: { a: 1 }\n")).toMatch(/task\.yaml:4:9: http\.body: a GET request has no body/);
  });

  it("http.timeout: 0 means no limit, as --timeout 0 does", () => {
    expect(readTaskSpec(taskYaml("http:\n  url: http://127.0.0.1:9/x\n  timeout: 0\n")).http?.timeout).toBe(0);
  });

  it("a template with a {{ that nothing closes, in the body, a header or the url", () => {
    expect(problem('http:\n  url: http://127.0.0.1:9/x\n  body:\n    q: "{{ input.q "\n')).toMatch(/task\.yaml:4:5: http\.body: "\{\{ input\.q " has a \{\{ with no \}\} to close it; close it/);
    expect(problem('http:\n  url: http://127.0.0.1:9/x\n  headers:\n    X-Id: "{{ id }} and {{ input"\n')).toMatch(
      /task\.yaml:4:5: http\.headers: "\{\{ id \}\} and \{\{ input" has a \{\{ with no \}\}/,
    );
    expect(problem("http:\n  url: http://127.0.0.1:9/x?q={{ input.q\n")).toMatch(/task\.yaml:2:8: http\.url: .* has a \{\{ with no \}\}/);
  });

  it("an unquoted ${NAME} in a { } table or [ ] list: the YAML error says to quote it", () => {
    expect(problem("command: [sh, -c, echo]\nenv: { K: ${HOME} }\n")).toMatch(
      /task\.yaml:2:12: invalid YAML: Unexpected flow-map-start at node end; quote a value holding \$\{NAME\} \("\$\{NAME\}"\), or write it in block style on its own line$/,
    );
    expect(problem("command: [echo, ${HOME}]\n")).toMatch(/task\.yaml:1:18: invalid YAML: .*; quote a value holding \$\{NAME\}/);
    expect(problem("command: [echo]\nenv: { K: 1\n")).not.toMatch(/quote a value/);
  });

  it("a template reading something that is not there to read", () => {
    expect(problem("http:\n  url: http://127.0.0.1:9/x\n  body: { q: '{{ inputs.q }}' }\n")).toMatch(
      /http\.body: \{\{ inputs \}\} is not something a template can read; use id, input, expected, metadata, repetition$/,
    );
    expect(problem("http:\n  url: http://127.0.0.1:9/x\n  body: { q: '{{ message }}' }\n")).toMatch(/\{\{ message \}\} .*only in a scenario: add messages:/);
  });

  it("a url that is not http", () => {
    expect(problem("http:\n  url: ftp://example.org/x\n")).toMatch(/task\.yaml:2:8: http\.url: expected an http:\/\/ or https:\/\/ URL \(got "ftp:\/\/example\.org\/x"\)$/);
  });

  it("invalid YAML, with its line", () => {
    expect(problem("http:\n  url: [http://x\n")).toMatch(/task\.yaml:\d+:\d+: invalid YAML: /);
    expect(problem("http:\n  url: http://127.0.0.1:9/x\n  url: http://127.0.0.1:9/y\n")).toMatch(/task\.yaml:3:3: invalid YAML: Map keys must be unique/);
  });

  it("a variable that is not set names it and the key, never a value", () => {
    const message = problem("http:\n  url: http://127.0.0.1:9/x\n  headers:\n    Authorization: Bearer ${AGENT_TOKEN}\n", {});
    expect(message).toMatch(/task\.yaml: http\.headers\.Authorization: the environment variable AGENT_TOKEN is not set/);
  });

  it("a header value of the wrong type is not echoed (it may be a secret)", () => {
    const message = problem("http:\n  url: http://127.0.0.1:9/x\n  headers: { Authorization: [sk-secret-123] }\n");
    expect(message).toMatch(/http\.headers\.Authorization: expected a text$/);
    expect(message).not.toContain("sk-secret");
  });

  it("a cwd that does not exist", () => {
    expect(problem("command: [python3, a.py]\ncwd: agent\n")).toMatch(/task\.yaml: cwd: no folder .*agent \(it is relative to the experiment folder\)$/);
  });
});
