/** What a judge answers: its verdict, a score in [0, 1], and why (kept as the explanation). */
export interface JudgeAnswer {
  pass: boolean;
  score: number;
  reason: string;
}

/** Sent as `response_format`, so a model that supports structured output cannot answer otherwise. */
export const answerFormat = {
  type: "json_schema",
  json_schema: {
    name: "judgement",
    strict: true,
    schema: {
      type: "object",
      properties: {
        pass: { type: "boolean", description: "true when the output meets the criterion" },
        score: { type: "number", description: "how well it meets the criterion, from 0 (not at all) to 1 (fully)" },
        reason: { type: "string", description: "one or two sentences explaining the verdict" },
      },
      required: ["pass", "score", "reason"],
      additionalProperties: false,
    },
  },
} as const;

/** Each field of an answer, what it must hold, and whether it does. */
const answerFields: [keyof JudgeAnswer, string, (value: unknown) => boolean][] = [
  ["pass", "expected true or false", (value) => typeof value === "boolean"],
  ["score", "expected a number from 0 to 1", (value) => typeof value === "number" && value >= 0 && value <= 1],
  ["reason", "expected a string", (value) => typeof value === "string"],
];

/** A judge answer that cannot be read: an evaluator error, never a low score. */
export class JudgeAnswerError extends Error {}

/**
 * Reads the model's message. Tolerates one surrounding Markdown code fence (models that ignore
 * `response_format` often add one); anything else that is not the answer's shape is an error.
 */
export function parseAnswer(content: string | null | undefined): JudgeAnswer {
  if (content === null || content === undefined || content.trim() === "") throw new JudgeAnswerError("the judge answered with no content");
  const text = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(content)?.[1] ?? content;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JudgeAnswerError(`the judge's answer is not JSON: ${preview(content)}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new JudgeAnswerError(`the judge's answer has a bad "answer" (expected an object): ${preview(content)}`);
  }
  const answer = value as Record<string, unknown>;
  for (const [field, expected, holds] of answerFields) {
    if (!holds(answer[field])) throw new JudgeAnswerError(`the judge's answer has a bad "${field}" (${expected}): ${preview(content)}`);
  }
  return { pass: answer.pass as boolean, score: answer.score as number, reason: answer.reason as string };
}

function preview(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line);
}
