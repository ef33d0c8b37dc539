import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { callKey, taskSourceHash } from "../../src/cache/task-key.js";
import { tempDir, writeFiles } from "../helpers/cli.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});

/** An experiment folder: a task importing a helper (as `.js`, the way tsx resolves it), which imports a prompt and a JSON file. */
function project(): string {
  const { dir, remove } = tempDir("evalwire-key-");
  cleanup.push(remove);
  return writeFiles(dir, {
    "exp/task.ts": `import { answer } from "./_helper.js";\nimport { z } from "zod";\nexport const task = (e: any) => answer(e.input);\n`,
    "exp/_helper.ts": `import prompt from "./prompt.txt";\nimport settings from "../shared/settings.json";\nexport const answer = (input: unknown) => ({ prompt, settings, input });\n`,
    "exp/prompt.txt": "Answer briefly.",
    "shared/settings.json": `{"temperature": 0}`,
    "exp/unrelated.ts": `export const unrelated = 1;\n`,
    "exp/dataset.jsonl": `{"input":{"q":1}}\n`,
  });
}

describe("taskSourceHash", () => {
  it("covers the task and every local file it imports, transitively, and no package", async () => {
    const dir = project();
    const { files } = await taskSourceHash(join(dir, "exp/task.ts"));
    expect(files).toEqual([join(dir, "exp/_helper.ts"), join(dir, "exp/prompt.txt"), join(dir, "exp/task.ts"), join(dir, "shared/settings.json")].sort());
  });

  it("changes when an imported helper, a file it imports, or the task changes", async () => {
    const dir = project();
    const task = join(dir, "exp/task.ts");
    const first = (await taskSourceHash(task)).hash;
    expect((await taskSourceHash(task)).hash).toBe(first);

    writeFileSync(
      join(dir, "exp/_helper.ts"),
      `import prompt from "./prompt.txt";\nimport settings from "../shared/settings.json";\nexport const answer = (input: unknown) => ({ prompt, settings, input, v: 2 });\n`,
    );
    const second = (await taskSourceHash(task)).hash;
    expect(second).not.toBe(first);

    writeFileSync(join(dir, "shared/settings.json"), `{"temperature": 1}`);
    const third = (await taskSourceHash(task)).hash;
    expect(third).not.toBe(second);

    writeFileSync(join(dir, "exp/prompt.txt"), "Answer at length.");
    const fourth = (await taskSourceHash(task)).hash;
    expect(fourth).not.toBe(third);

    writeFileSync(task, `import { answer } from "./_helper.js";\nexport const task = (e: any) => answer(e.input.q);\n`);
    expect((await taskSourceHash(task)).hash).not.toBe(fourth);
  });

  it("does not change when a file the task does not import changes", async () => {
    const dir = project();
    const task = join(dir, "exp/task.ts");
    const before = (await taskSourceHash(task)).hash;
    writeFileSync(join(dir, "exp/unrelated.ts"), `export const unrelated = 2;\n`);
    writeFileSync(join(dir, "exp/dataset.jsonl"), `{"input":{"q":2}}\n`);
    writeFiles(dir, { "node_modules/zod/index.js": "export const z = 2;" });
    expect((await taskSourceHash(task)).hash).toBe(before);
  });

  it("names the file and line of an import it cannot resolve", async () => {
    const dir = project();
    writeFileSync(join(dir, "exp/task.ts"), `import { gone } from "./_missing.js";\nexport const task = () => gone;\n`);
    await expect(taskSourceHash(join(dir, "exp/task.ts"))).rejects.toThrow(/^cannot compute the cache key of .*task\.ts: .*task\.ts:1: Could not resolve "\.\/_missing\.js"$/);
  });
});

describe("taskSourceHash of a task.yaml", () => {
  function declared(files: Record<string, string>): string {
    const { dir, remove } = tempDir("evalwire-key-yaml-");
    cleanup.push(remove);
    return writeFiles(dir, files);
  }

  it("covers task.yaml and the local files a command names, with a Node script's imports; not the program on PATH", async () => {
    const dir = declared({
      "exp/task.yaml": "command: [python3, agent.py, --config, settings.json, --model, small]\n",
      "exp/agent.py": "print(1)\n",
      "exp/settings.json": "{}",
      "node/task.yaml": "command: [node, _agent.mjs]\n",
      "node/_agent.mjs": 'import "./_prompt.mjs";\n',
      "node/_prompt.mjs": "export default 1;\n",
      "http/task.yaml": "http:\n  url: http://127.0.0.1:9/x\n",
    });
    expect((await taskSourceHash(join(dir, "exp/task.yaml"))).files).toEqual([join(dir, "exp/agent.py"), join(dir, "exp/settings.json"), join(dir, "exp/task.yaml")]);
    expect((await taskSourceHash(join(dir, "node/task.yaml"))).files).toEqual([join(dir, "node/_agent.mjs"), join(dir, "node/_prompt.mjs"), join(dir, "node/task.yaml")]);
    expect((await taskSourceHash(join(dir, "http/task.yaml"))).files).toEqual([join(dir, "http/task.yaml")]);
  });

  it("changes when task.yaml or the script changes", async () => {
    const dir = declared({ "exp/task.yaml": "command: [python3, agent.py]\n", "exp/agent.py": "print(1)\n" });
    const task = join(dir, "exp/task.yaml");
    const first = (await taskSourceHash(task)).hash;
    writeFileSync(join(dir, "exp/agent.py"), "print(2)\n");
    const second = (await taskSourceHash(task)).hash;
    expect(second).not.toBe(first);
    writeFileSync(task, "command: [python3, agent.py, --fast]\n");
    expect((await taskSourceHash(task)).hash).not.toBe(second);
  });
});

describe("callKey", () => {
  const base = { task: "a".repeat(64), example: { id: "e1", input: { q: "hi", k: 3 } }, repetition: 1, extras: ["gpt-4o"] };

  it("is the same for the same call, whatever the order of the input's keys", () => {
    expect(callKey(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(callKey({ ...base, example: { id: "e1", input: { k: 3, q: "hi" } } })).toBe(callKey(base));
  });

  it("differs when the task, the example id, the input, the repetition or an extra differs", () => {
    const key = callKey(base);
    expect(callKey({ ...base, task: "b".repeat(64) })).not.toBe(key);
    expect(callKey({ ...base, example: { ...base.example, id: "e2" } })).not.toBe(key);
    expect(callKey({ ...base, example: { id: "e1", input: { q: "hi", k: 4 } } })).not.toBe(key);
    expect(callKey({ ...base, repetition: 2 })).not.toBe(key);
    expect(callKey({ ...base, extras: ["gpt-4o-mini"] })).not.toBe(key);
    expect(callKey({ ...base, extras: [] })).not.toBe(key);
  });

  it("never gives two different calls the same key (property)", () => {
    const call = fc.record({
      id: fc.string(),
      input: fc.dictionary(fc.string(), fc.jsonValue()),
      repetition: fc.integer({ min: 1, max: 5 }),
      extras: fc.array(fc.jsonValue(), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(call, call, (a, b) => {
        const key = (c: typeof a) => callKey({ task: base.task, example: { id: c.id, input: c.input }, repetition: c.repetition, extras: c.extras });
        const same = a.id === b.id && a.repetition === b.repetition && canonical(a.input) === canonical(b.input) && canonical(a.extras) === canonical(b.extras);
        expect(key(a) === key(b)).toBe(same);
      }),
    );
  });
});

/** JSON with object keys sorted, for the property's oracle. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}
