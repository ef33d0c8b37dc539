/** What a gate checks: §13's thresholds and §14's baseline gates. */
export type GateKind = "mean" | "pass_rate" | "pass_at_k" | "pass_all_k" | "max_errors" | "max_mean_drop" | "max_regressions";

export type GateVerdict = "pass" | "fail" | "not applied";

/** One gate of one experiment, as the scorecard and every report show it. */
export interface GateResult {
  experiment: string;
  gate: GateKind;
  /** The evaluator it is about; null for max_errors and max_regressions. */
  evaluator: string | null;
  /** null when there is nothing to measure (no scores, or a partial run). */
  actual: number | null;
  bar: number;
  verdict: GateVerdict;
  /** One line: `top_k mean 0.72 < 0.80` when failed, `top_k mean 0.91 >= 0.80` when passed. */
  text: string;
}

const epsilon = 1e-9;

/** Gates whose actual value must reach the bar; the others must stay at or under it. */
const atLeast: Record<GateKind, boolean> = {
  mean: true,
  pass_rate: true,
  pass_at_k: true,
  pass_all_k: true,
  max_errors: false,
  max_mean_drop: false,
  max_regressions: false,
};

const shownName: Record<GateKind, string> = {
  mean: "mean",
  pass_rate: "pass rate",
  pass_at_k: "pass@k",
  pass_all_k: "pass^k",
  max_errors: "errors",
  max_mean_drop: "mean drop",
  max_regressions: "regressions",
};

export function gateLabel(gate: Pick<GateResult, "gate" | "evaluator">): string {
  return gate.evaluator ? `${gate.evaluator} ${shownName[gate.gate]}` : shownName[gate.gate];
}

/** Judges one measured value against its bar. `partial`: shown, never failed on (a dry or limited run). */
export function gate(experiment: string, kind: GateKind, evaluator: string | null, actual: number | null, bar: number, partial = false): GateResult {
  const label = gateLabel({ gate: kind, evaluator });
  if (partial) return { experiment, gate: kind, evaluator, actual, bar, verdict: "not applied", text: `${label} ${number(actual)} (bar ${number(bar)}): not applied (partial run)` };
  if (actual === null) return { experiment, gate: kind, evaluator, actual, bar, verdict: "fail", text: `${label}: nothing to measure (bar ${number(bar)})` };
  // Sums of floats miss by a hair (0.8 - 0.78 is 0.020000000000000018): such a hair is no failure.
  const passed = atLeast[kind] ? actual >= bar - epsilon : actual <= bar + epsilon;
  const [a, b] = passed ? [number(actual), number(bar)] : distinct(actual, bar);
  const sign = atLeast[kind] ? (passed ? ">=" : "<") : passed ? "<=" : ">";
  return { experiment, gate: kind, evaluator, actual, bar, verdict: passed ? "pass" : "fail", text: `${label} ${a} ${sign} ${b}` };
}

/** The experiment's failure line from its failed gates, or null when none failed. */
export function gatesFailure(gates: readonly GateResult[]): string | null {
  const failed = gates.filter((each) => each.verdict === "fail");
  if (failed.length === 0) return null;
  return failed.map((each) => each.text).join("; ");
}

/** A number as a gate shows it: whole numbers bare, others with two decimals. */
export function number(value: number | null): string {
  if (value === null) return "–";
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** Two numbers with enough decimals that they never look equal when they are not (0.795 < 0.80 is not "0.80 < 0.80"). */
function distinct(a: number, b: number): [string, string] {
  if (Number.isInteger(a) && Number.isInteger(b)) return [String(a), String(b)];
  for (let digits = 2; digits < 6; digits++) if (a.toFixed(digits) !== b.toFixed(digits) || a === b) return [a.toFixed(digits), b.toFixed(digits)];
  return [a.toFixed(6), b.toFixed(6)];
}
