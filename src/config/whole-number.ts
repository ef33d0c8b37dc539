/** The longest delay a Node timer can wait (2^31 - 1 ms, about 24.8 days): a longer one fires at once. */
export const maxTimeoutMs = 2_147_483_647;

/** The range a whole-number setting takes. */
export interface WholeRange {
  min: number;
  max?: number;
}

/** "a whole number from 1 up", or "… from 0 to 2147483647" */
export function wholeNumberRule({ min, max }: WholeRange): string {
  return max === undefined ? `a whole number from ${min} up` : `a whole number from ${min} to ${max}`;
}

/** Whether a number is whole and within range: the one check behind flags, evalwire.toml and library options. */
export function isWholeNumber(value: unknown, { min, max = Number.MAX_SAFE_INTEGER }: WholeRange): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** Ranges of the settings that have one. */
export const ranges = {
  timeout: { min: 0, max: maxTimeoutMs },
  atLeastOne: { min: 1 },
} satisfies Record<string, WholeRange>;
