import { topK } from "evalwire/evaluators";

/** How high the relevant articles rank in the first five results (1 = first, 0 = missing). */
export const top_k = topK({ k: 5, outputKey: "results" });
