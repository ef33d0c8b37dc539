// The built-in evaluator factories (`evalwire/evaluators`). Each checks its options when called
// and returns an evaluator giving a score in [0, 1] with a label and/or explanation.
export { allPass, anyPass, type ComposeOptions, weighted } from "./compose.js";
export { type JsonMatchOptions, jsonMatch, schemaValid } from "./json.js";
export { type LlmJudgeOptions, llmJudge } from "./judge/llm-judge.js";
export { configureJudge, type JudgeSettings } from "./judge/settings.js";
export { type DurationOptions, type LengthOptions, maxDurationMs, maxLength, minLength } from "./length.js";
export { type ContainsOptions, contains, exactMatch, isIn, type NotContainsOptions, notContains, regexMatch } from "./match.js";
export { type NumericCloseOptions, numericClose } from "./numeric.js";
export type { FieldOptions } from "./options.js";
export { type PiiKind, type PiiSafetyOptions, piiSafety } from "./pii.js";
export { parsePythonLiteral } from "./python-literal.js";
export { type RefusalOptions, refusal } from "./refusal.js";
export { type StateOptions, stateVerification } from "./state.js";
export { type ToolCall, toolCallsOf } from "./tool-calls.js";
export { type ToolCallCorrectnessOptions, type ToolsUsedOptions, toolCallCorrectness, toolsUsed } from "./tools.js";
export { type TopKOptions, topK } from "./top-k.js";
