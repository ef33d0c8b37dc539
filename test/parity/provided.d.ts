// Values the parity project's globalSetup hands to its tests through inject().
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Why the Python evalwire could not be installed, or "" when it is there. */
    pythonEvalwireSkipReason: string;
  }
}
