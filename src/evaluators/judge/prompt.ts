import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { atPath } from "../options.js";

/** What a judge's prompt can show: the example and the output being judged. */
export interface PromptValues {
  input: unknown;
  output: unknown;
  expected: unknown;
  metadata: unknown;
}

const instructions =
  "You are a careful, impartial grader of the output of an AI application. " +
  'Answer with a JSON object only: {"pass": true or false, "score": a number from 0 to 1, "reason": one or two sentences}. ' +
  "pass is true when the output meets the criterion; score says how well (1 fully, 0 not at all); reason says why.";

/** The messages for a criterion: evalwire's grading prompt around the example and the output. */
export function criterionMessages(criterion: string, values: PromptValues): ChatCompletionMessageParam[] {
  const sections = [`Criterion: ${criterion}`, `Input:\n${show(values.input)}`];
  if (!isEmpty(values.expected)) sections.push(`Reference (the expected output):\n${show(values.expected)}`);
  sections.push(`Output to judge:\n${show(values.output)}`);
  return [
    { role: "system", content: instructions },
    { role: "user", content: sections.join("\n\n") },
  ];
}

/** The messages for a user's own prompt: `{{output}}`, `{{input.question}}`… replaced by their values. */
export function templateMessages(template: string, values: PromptValues): ChatCompletionMessageParam[] {
  return [
    { role: "system", content: instructions },
    { role: "user", content: renderTemplate(template, values) },
  ];
}

const placeholder = /\{\{\s*([A-Za-z_][\w]*(?:\.[\w-]+)*)\s*\}\}/g;
const roots = new Set(["input", "output", "expected", "metadata"]);

/** Placeholders that name nothing evalwire can fill in: reported when the judge is made, not per example. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(placeholder)].map((match) => match[1]!).filter((path) => !roots.has(path.split(".")[0]!));
}

export function renderTemplate(template: string, values: PromptValues): string {
  return template.replace(placeholder, (_, path: string) => {
    const [root, ...rest] = path.split(".");
    const value = values[root as keyof PromptValues];
    return show(rest.length > 0 ? atPath(value, rest.join(".")) : value);
  });
}

/** Strings as they are; anything else as JSON. */
function show(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return JSON.stringify(value, null, 2);
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === "" || (typeof value === "object" && Object.keys(value).length === 0);
}
