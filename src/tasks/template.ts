import { getProperty, hasProperty } from "dot-prop";

/** `{{ input.user_query }}`: a dot path into the call's scope (the example, and for a scenario the turn). */
const placeholder = /\{\{\s*([^{}]*?)\s*\}\}/g;
const whole = /^\{\{\s*([^{}]*?)\s*\}\}$/;
/** `${OPENAI_API_KEY}`: an environment variable, read once when the task loads. */
const variable = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A template names a path the call's scope lacks: the message names the template's key and the path. */
export class MissingField extends Error {}

/** The root names a template path may start with, for checking task.yaml before any call. */
export function templateRoots(template: unknown): string[] {
  const roots: string[] = [];
  walkStrings(template, (text) => {
    for (const match of text.matchAll(placeholder)) roots.push(match[1]!.split(".")[0]!);
  });
  return roots;
}

/** The first text in a template holding a `{{` that no `}}` closes (it would be sent as written), if any. */
export function unclosedTemplate(template: unknown): string | undefined {
  let found: string | undefined;
  walkStrings(template, (text) => {
    if (found === undefined && text.replace(placeholder, "").includes("{{")) found = text;
  });
  return found;
}

/**
 * Fills a template: every string in it has its `{{ path }}`s replaced by the scope's values. A
 * string that is one placeholder alone becomes the value itself (an object stays an object); in a
 * longer string a value is written as text (objects as JSON). `encode` is applied to each value
 * written into text (a URL encodes them). A path the scope lacks throws MissingField naming `key`.
 */
export function render(template: unknown, scope: Record<string, unknown>, key: string, encode: (text: string) => string = (text) => text): unknown {
  if (typeof template === "string") {
    const alone = whole.exec(template);
    if (alone) return valueAt(scope, alone[1]!, key);
    return template.replace(placeholder, (_, path: string) => encode(asText(valueAt(scope, path, key))));
  }
  if (Array.isArray(template)) return template.map((item) => render(item, scope, key, encode));
  if (template !== null && typeof template === "object") {
    return Object.fromEntries(Object.entries(template).map(([name, value]) => [name, render(value, scope, key, encode)]));
  }
  return template;
}

/** Replaces `${NAME}` with the environment's value; a variable that is not set throws naming it and `key`. */
export function expandEnv(text: string, env: NodeJS.ProcessEnv, key: string): string {
  return text.replace(variable, (_, name: string) => {
    const value = env[name];
    if (value === undefined) throw new Error(`${key}: the environment variable ${name} is not set; set it, or write the value without \${${name}}`);
    return value;
  });
}

export function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return JSON.stringify(value) ?? String(value);
}

function valueAt(scope: Record<string, unknown>, path: string, key: string): unknown {
  if (!hasProperty(scope, path)) throw new MissingField(`${key}: {{ ${path} }}: the example has no ${path}`);
  return getProperty(scope, path);
}

function walkStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === "string") visit(value);
  else if (Array.isArray(value)) for (const item of value) walkStrings(item, visit);
  else if (value !== null && typeof value === "object") for (const item of Object.values(value)) walkStrings(item, visit);
}
