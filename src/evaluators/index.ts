// The built-in evaluator factories (`evalwire/evaluators`). Each checks its options when called
// and returns an evaluator giving a score in [0, 1] with a label and/or explanation.
export { allPass, anyPass, weighted, type ComposeOptions } from "./compose.js";
export { jsonMatch, schemaValid, type JsonMatchOptions } from "./json.js";
export { maxDurationMs, maxLength, minLength, type DurationOptions, type LengthOptions } from "./length.js";
export { contains, exactMatch, isIn, notContains, regexMatch, type ContainsOptions, type NotContainsOptions } from "./match.js";
export { numericClose, type NumericCloseOptions } from "./numeric.js";
export type { FieldOptions } from "./options.js";
export { piiSafety, type PiiKind, type PiiSafetyOptions } from "./pii.js";
export { parsePythonLiteral } from "./python-literal.js";
export { refusal, type RefusalOptions } from "./refusal.js";
export { stateVerification, type StateOptions } from "./state.js";
export { toolCallsOf, type ToolCall } from "./tool-calls.js";
export { toolCallCorrectness, toolsUsed, type ToolCallCorrectnessOptions, type ToolsUsedOptions } from "./tools.js";
export { topK, type TopKOptions } from "./top-k.js";
export { llmJudge, type LlmJudgeOptions } from "./judge/llm-judge.js";
export { configureJudge, type JudgeSettings } from "./judge/settings.js";
