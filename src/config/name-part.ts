/** A name that becomes part of a folder name (prefix, dataset): no path separators, not "." or "..". */
export const namePart = /^(?!\.\.?$)[^/\\]+$/;

export const namePartRule = "must not contain / or \\ (it becomes part of a folder name)";

/** Why `value` cannot be part of a folder name, or null when it can. */
export function namePartProblem(value: string): string | null {
  if (value === "") return "must not be empty (it becomes part of a folder name)";
  if (value === "." || value === "..") return `must not be "${value}" (it becomes part of a folder name)`;
  return namePart.test(value) ? null : namePartRule;
}
