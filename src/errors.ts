/** Exit codes, as DESIGN.md section 8 fixes them. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
} as const;

/** A known error: its message is the whole story, shown as one line without a stack. */
export class EvalwireError extends Error {
  get exitCode(): number {
    return ExitCode.failed;
  }
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flag, bad config, nothing to run: reported before any work starts. */
export class UsageError extends EvalwireError {
  override get exitCode(): number {
    return ExitCode.usage;
  }
}

/** A user file (task, evaluator) that cannot be loaded or exports the wrong thing. */
export class LoadError extends EvalwireError {
  /** When a folder's code loaded in part: what did, and each file's problem (`list` shows them all). */
  readonly partial: PartialLoad | undefined;
  constructor(message: string, options?: ErrorOptions & { partial?: PartialLoad | undefined }) {
    super(message, options);
    this.partial = options?.partial;
  }
}

/** The parts of a folder's code that loaded (the task, the evaluators by name), and one problem per file that did not. */
export interface PartialLoad {
  task: boolean;
  evaluators: string[];
  problems: string[];
}

/** A dataset that is missing or malformed. */
export class DatasetError extends EvalwireError {}

/** The first line of an error's message, for one-line reports. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (
    message
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.trim() ?? (error instanceof Error ? error.name : "unknown error")
  );
}
