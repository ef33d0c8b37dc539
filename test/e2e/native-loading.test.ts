import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFiles } from "../helpers/cli.js";
import { describeRun, evalwire, resultsById, runDirFor, useTempDirs } from "./_support.js";

const temp = useTempDirs();

/** Whether this Node strips TypeScript types itself (>= 22.18 / 23.6): then evalwire loads plain ES modules without tsx. */
const nodeStripsTypes = ["strip", "transform"].includes(String((process.features as { typescript?: unknown }).typescript));

/** tsx turns source maps on in the thread it loads code in; Node's own type stripping does not. */
const loaderProbe = `export const loader = process.sourceMapsEnabled ? "tsx" : "native";\n`;
const evaluator = `export function right({ output, expected }: { output: any; expected: any }) {\n  return output.value === expected.value;\n}\n`;

function experiment(name: string, task: string, value: string, extra: Record<string, string> = {}): Record<string, string> {
  const files: Record<string, string> = {
    [`experiments/${name}/task.ts`]: task,
    [`experiments/${name}/_probe.ts`]: loaderProbe,
    [`experiments/${name}/right.ts`]: evaluator,
    [`experiments/${name}/dataset.jsonl`]: `${JSON.stringify({ id: "a", input: { n: 2 }, output: { value } })}\n`,
  };
  for (const [file, text] of Object.entries(extra)) files[`experiments/${name}/${file}`] = text;
  return files;
}

/** Experiments in an ES module package: one Node loads as it is, and three only tsx can (an enum, a parameter property, a type imported as a value). */
function project(): string {
  const dir = temp();
  writeFiles(dir, {
    "package.json": `{ "name": "native-loading", "type": "module" }\n`,
    ...experiment(
      "plain",
      `import { loader } from "./_probe";\nimport { double } from "./_math";\nimport { greet } from "./_greet.js";\nexport function task(example: { input: { n: number } }) {\n  return { value: \`\${greet()} \${double(example.input.n)}\`, loader };\n}\n`,
      "hello 4",
      { "_math.ts": "export const double = (n: number): number => n * 2;\n", "_greet.ts": `export function greet(): string {\n  return "hello";\n}\n` },
    ),
    ...experiment("uses_enum", `import { loader } from "./_probe";\nenum Colour {\n  Red = "red",\n}\nexport const task = () => ({ value: Colour.Red, loader });\n`, "red"),
    ...experiment(
      "parameter_property",
      `import { loader } from "./_probe";\nclass Box {\n  constructor(private readonly n: number) {}\n  twice() {\n    return this.n * 2;\n  }\n}\nexport const task = (example: { input: { n: number } }) => ({ value: String(new Box(example.input.n).twice()), loader });\n`,
      "4",
    ),
    ...experiment(
      "type_as_value",
      `import { Example } from "evalwire";\nimport { loader } from "./_probe";\nexport const task = (example: Example) => ({ value: String(example.input.n), loader });\n`,
      "2",
    ),
  });
  return dir;
}

function outputs(cwd: string, names: string[], prefix = "eval"): Record<string, { value: unknown; loader: string; right: unknown }> {
  const found: Record<string, { value: unknown; loader: string; right: unknown }> = {};
  for (const name of names) {
    const result = resultsById(runDirFor(cwd, name, prefix)).a;
    found[name] = { value: result.output?.value, loader: result.output?.loader, right: result.evaluations[0]?.score ?? result.error };
  }
  return found;
}

const names = ["parameter_property", "plain", "type_as_value", "uses_enum"];

describe("loading TypeScript without tsx where Node can", () => {
  it("gives what tsx gives: each experiment scores the same, and only the plain ES modules skip tsx", async () => {
    const cwd = project();
    const first = await evalwire(["run", "--experiments", join(cwd, "experiments")], cwd);
    expect(first.code, describeRun(first)).toBe(0);
    const found = outputs(cwd, names);

    const second = await evalwire(["run", "--experiments", join(cwd, "experiments"), "--prefix", "tsx"], cwd, { EVALWIRE_LOADER: "tsx" });
    expect(second.code, describeRun(second)).toBe(0);
    const byTsx = outputs(cwd, names, "tsx");
    for (const name of names) {
      expect(byTsx[name], name).toEqual({ ...found[name], loader: "tsx" });
      expect(found[name]!.right, name).toBe(1);
    }
    expect(found.plain!.loader).toBe(nodeStripsTypes ? "native" : "tsx");
    for (const name of ["parameter_property", "type_as_value", "uses_enum"]) expect(found[name]!.loader, name).toBe("tsx");
  });

  it("leaves path aliases to tsx: a tsconfig with paths in the working directory loads everything with tsx", async () => {
    const cwd = project();
    writeFiles(cwd, {
      "tsconfig.json": `{ "compilerOptions": { "paths": { "@lib/*": ["./lib/*"] } } }\n`,
      "lib/words.ts": `export const word = "aliased";\n`,
      ...experiment("alias", `import { word } from "@lib/words";\nimport { loader } from "./_probe";\nexport const task = () => ({ value: word, loader });\n`, "aliased"),
    });
    const r = await evalwire(["run", "--experiments", join(cwd, "experiments"), "--name", "alias", "--name", "plain"], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(outputs(cwd, ["alias", "plain"])).toEqual({ alias: { value: "aliased", loader: "tsx", right: 1 }, plain: { value: "hello 4", loader: "tsx", right: 1 } });
  });

  it("list says the same with either loader, a folder that exports no evaluator among ones that load", async () => {
    const cwd = project();
    writeFiles(cwd, { "experiments/plain/nothing.ts": "export const other = 1;\n" });
    const native = await evalwire(["list", "--experiments", join(cwd, "experiments")], cwd);
    const tsx = await evalwire(["list", "--experiments", join(cwd, "experiments")], cwd, { EVALWIRE_LOADER: "tsx" });
    expect(native.code, describeRun(native)).toBe(1);
    expect(native.stdout).toContain(`nothing.ts: exports no evaluator named "nothing" and no default export (found: other)`);
    expect(native.stdout).toContain("1 problem found.");
    expect(native.stdout.match(/✔/g)).toHaveLength(3);
    expect(native.stdout).toBe(tsx.stdout);
    expect(native.stderr).toBe(tsx.stderr);
  });
});
