import picocolors from "picocolors";

/**
 * Colour when stdout is a terminal or FORCE_COLOR asks for it; never because CI is set
 * (picocolors alone turns colour on for CI=1, so a CI log written to a file got escape codes).
 * NO_COLOR, when set and not empty, wins over a terminal.
 */
export function colourWanted(env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }): boolean {
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}

export const pc = picocolors.createColors(colourWanted(process.env, process.stdout));
