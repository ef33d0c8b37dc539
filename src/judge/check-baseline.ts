import { z } from "zod";
import type { BaselineSettings } from "../config/settings.js";
import { UsageError } from "../errors.js";

const baseline = z.strictObject(
  {
    ref: z.string({ error: 'expected "latest", a run name or folder, or a Phoenix experiment id' }).min(1).nullable(),
    maxMeanDrop: z.number({ error: "expected a drop of 0 or more, such as 0.02" }).min(0, "expected a drop of 0 or more, such as 0.02").optional(),
    maxRegressions: z.number({ error: "expected a whole number from 0 up" }).int("expected a whole number from 0 up").min(0, "expected a whole number from 0 up").optional(),
  },
  { error: 'expected { ref: "latest", maxMeanDrop?, maxRegressions? }' },
);

/**
 * Checks the `baseline` a library caller passes, as `[baseline]` and the flags are checked: a
 * comparison that is not read (`baseline: "latest"`) would let a run pass uncompared. Gates with
 * `ref: null` are kept for when a ref is given, as `[baseline]` keys are (the CLI's CI recipe).
 */
export function checkBaseline(value: unknown): asserts value is BaselineSettings | undefined {
  if (value === undefined) return;
  if (typeof value === "string") throw new UsageError(`baseline: expected { ref: ${JSON.stringify(value)} } (got the text ${JSON.stringify(value)})`);
  const parsed = baseline.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ["baseline", ...issue.path.map(String)].join(".");
    const unknown = issue.code === "unrecognized_keys" ? `unknown key ${issue.keys.join(", ")}; ` : "";
    throw new UsageError(`${path}: ${unknown}${issue.message}`);
  }
}
