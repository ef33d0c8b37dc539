import type { Judgement } from "../judge/experiment-judge.js";
import type { ExperimentResult } from "../types.js";

/** An experiment's result as reporters see it: its counts, and how it was judged when it was. */
export type ReportedExperiment = ExperimentResult & { judgement?: Judgement };

/** Says where a reporter wrote its file (the console shows it even with --quiet). */
export type Announce = (reporter: string, where: string) => void;
