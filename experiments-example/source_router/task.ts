import type { Example, TaskContext } from "evalwire";

const routes: [source: string, keywords: string[]][] = [
  ["billing", ["invoice", "refund", "payment", "card", "charge", "subscription", "plan", "price"]],
  ["status", ["down", "outage", "slow", "error", "incident", "maintenance"]],
  ["developer", ["api", "webhook", "sdk", "token", "key", "rate"]],
  ["account", ["password", "email", "login", "sign", "delete", "profile"]],
];

/** The code under test: routes a support question to the source that should answer it. */
export function task(example: Example, _ctx: TaskContext) {
  const words = String(example.input.user_query).toLowerCase().split(/\W+/);
  const hits = routes.map(([source, keywords]) => ({ source, hits: words.filter((w) => keywords.some((k) => w.startsWith(k))).length }));
  const best = hits.sort((a, b) => b.hits - a.hits)[0]!;
  return { source: best.hits > 0 ? best.source : "docs" };
}
