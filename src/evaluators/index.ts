export { contains, exactMatch, isIn } from "./match.js";
export { topK } from "./top-k.js";
export type { FieldOptions } from "./expected.js";
export { llmJudge, type LlmJudgeOptions } from "./judge/llm-judge.js";
export { configureJudge, type JudgeSettings } from "./judge/settings.js";
