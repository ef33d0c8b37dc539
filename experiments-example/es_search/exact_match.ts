import { exactMatch } from "evalwire/evaluators";

/** Whether the first result is the most relevant article. */
export const exact_match = exactMatch({ outputKey: "top" });
