export { contains, exactMatch, isIn } from "./match.js";
export { topK } from "./top-k.js";
export type { FieldOptions } from "./expected.js";
