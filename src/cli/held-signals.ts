/**
 * Ctrl-C or SIGTERM while the CLI still loads (a few hundred ms before `run` sets its handlers) is
 * held for the command: `run` then stops at once with its summary and exit 130, as later; any other
 * command gets it as Node would have given it (the process ends). Unheld, Node's default ended the
 * process at once, printing nothing (exit 143 for SIGTERM).
 */
const held: NodeJS.Signals[] = [];
const hold = (signal: NodeJS.Signals) => void held.push(signal);

export function holdSignals(): void {
  process.on("SIGINT", hold);
  process.on("SIGTERM", hold);
}

/** Holds no more; the signals that came meanwhile, for the command's own handler (set it first). */
export function takeHeldSignals(): NodeJS.Signals[] {
  process.off("SIGINT", hold);
  process.off("SIGTERM", hold);
  return held.splice(0);
}

/**
 * For a command with no handler of its own: a signal ends the process as Node would, what came
 * meanwhile now. Its handler is set before holding stops, else a signal caught but not yet handed
 * to a listener would be dropped (and the command run on).
 */
export function releaseSignals(): void {
  process.on("SIGINT", endAsNodeWould);
  process.on("SIGTERM", endAsNodeWould);
  for (const signal of takeHeldSignals()) endAsNodeWould(signal);
}

function endAsNodeWould(signal: NodeJS.Signals): void {
  process.off("SIGINT", endAsNodeWould);
  process.off("SIGTERM", endAsNodeWould);
  process.kill(process.pid, signal);
}
