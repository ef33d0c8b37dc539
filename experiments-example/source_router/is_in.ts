import { isIn } from "evalwire/evaluators";

/** The chosen source is one of those the dataset accepts (a "|"-separated list in the CSV). */
export const is_in = isIn({ outputKey: "source" });
