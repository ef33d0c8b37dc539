import { UsageError } from "./errors.js";

/** A UsageError naming the first key of `options` that is not one of `known`: a misspelt option is refused, never ignored. */
export function refuseUnknownOptions(options: object, known: string[], prefix = ""): void {
  const unknown = Object.keys(options).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new UsageError(`${prefix}unknown option "${unknown}" (options: ${known.join(", ")})`);
}
