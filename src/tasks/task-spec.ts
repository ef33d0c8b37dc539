import { z } from "zod";

const text = z.string({ error: "expected a text" }).min(1, "expected a non-empty text");
/** Dot path into a JSON answer: `choices.0.message.content`. */
const path = text;
const millisecondsRule = "expected a whole number of milliseconds from 0 up (0: no limit)";
const milliseconds = z.number({ error: millisecondsRule }).int(millisecondsRule).min(0, millisecondsRule);

export const httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** `http:` one request per example (or per turn of a scenario). */
const http = z.strictObject(
  {
    url: text,
    method: z.preprocess((value) => (typeof value === "string" ? value.toUpperCase() : value), z.enum(httpMethods, { error: `expected one of ${httpMethods.join(", ")}` })).default("POST"),
    headers: z
      .record(z.string(), z.union([z.string(), z.number()], { error: "expected a text" }).transform(String), {
        error: "expected a table of header names and their values, such as Accept: application/json",
      })
      .optional(),
    body: z.unknown().optional(),
    output: path.optional(),
    timeout: milliseconds.optional(),
  },
  { error: "expected a table with url (and method, headers, body, output, timeout)" },
);

/** `messages:` a scenario: the example's `input.messages` sent turn by turn to the `http:` endpoint. */
const messages = z.union([z.null(), z.strictObject({ tools: path.optional() })], { error: "expected a table with tools (or nothing)" });

/**
 * task.yaml: a task declared instead of written. Exactly one of `http:` and `command:`; `env`,
 * `cwd` and `output` go with `command:`, `messages:` with `http:`.
 */
export const taskSpecSchema = z.strictObject({
  http: http.optional(),
  command: z
    .array(z.union([z.string(), z.number()], { error: "expected a text" }).transform(String), { error: "expected a list: the program and its arguments, such as [python3, agent.py]" })
    .min(1, "is empty: give the program and its arguments, such as [python3, agent.py]")
    .optional(),
  env: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: "expected a text, number or boolean" }).transform(String), {
      error: "expected a table of variable names and their values, such as MODEL: small",
    })
    .optional(),
  cwd: text.optional(),
  output: path.optional(),
  messages: messages.optional(),
});

export type TaskSpec = z.output<typeof taskSpecSchema>;
export type HttpSpec = NonNullable<TaskSpec["http"]>;
